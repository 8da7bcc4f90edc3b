// Winner's curse for a model picked from private variants (DESIGN section 14; issue 16). A provider that tests k
// variants of one family and releases the one that looks best gets, on average, a released score above the
// variant's true strength: the argmax of k noisy estimates is biased upward. This module estimates that
// inflation in rating points from what /api/transparency and the boards know: each variant's rating and its
// standard error (or its bootstrap interval), and which one was released. Pure: no platform imports.
//
// Method (empirical Bayes + parametric bootstrap, by simulation, seeded, bounded CPU):
//  1. Model: true strengths θ_i ~ N(μ, τ²) (one family, so a common level), estimates y_i = θ_i + s_i·ε_i with
//     s_i the variant's standard error (half-width / z for an interval at `intervalLevel`).
//  2. Fit μ and τ² by DerSimonian–Laird (the method-of-moments random-effects fit; with equal s_i it is
//     τ̂² = max(0, sample variance of y − s²)). τ̂ small against s means the variants' spread is mostly noise, so
//     picking the best buys mostly luck (large inflation); τ̂ large means the gaps are real (small inflation).
//  3. I(τ) = E[y_j − θ_j], j = argmax y, over `rounds` simulated families θ_i = τ·z_i, y_i = θ_i + s_i·e_i (μ does
//     not matter), with one fixed set of standard draws (common random numbers). Plug-in: I(τ̂).
//  4. Bias correction by a parametric bootstrap: `bootstrapRounds` families drawn from the fit (μ̂, τ̂, s), each
//     refitted (step 2) to τ̂*; inflation = max(0, 2·I(τ̂) − mean I(τ̂*)). Why: I is convex and decreasing in τ and
//     τ̂² is truncated at 0, so the plug-in overstates the curse when k is small and the true spread is large
//     (+37% at k = 2, τ = 1.3·s in bench/winners-curse.ts); the correction removes most of it. `se` is the
//     replicates' standard deviation (the estimator's sampling spread, approximate).
//  k = 1 → 0 (no selection, no bias).
//  k = 2 → `pairInflation`, an exact estimator (no simulation): with two variants everything is one statistic,
//     the gap d = y_1 − y_2 ~ N(0, 2τ² + σ₀²), σ₀² = s_1² + s_2², and the true inflation is I(τ) = σ₀²/(√(2π)·σ_d).
//     Any estimator that falls like 1/|d| (every plug-in or Bayes estimate does) has a relative bias that grows
//     like log(τ/s) (the bootstrap-corrected one tends to +52%), because with one degree of freedom a small gap is
//     never rare. For an estimator σ₀/√(2π)·h(|d|/σ₀) the relative bias is ∫h(x)·2φ(x·σ₀/σ_d)dx − 1, increasing in
//     τ from ∫h·2φ − 1 to 2φ(0)∫h − 1; the ramp h = 1 up to x = 1 (where τ̂ = 0), falling linearly to 0 at
//     x = PAIR_RAMP_END, keeps it within −16%…+16% for every τ, with 0 ≤ estimate ≤ I(0). Why not for k ≥ 3: the
//     spread's estimate has k − 1 ≥ 2 degrees of freedom, a small spread becomes rare, and the bootstrap estimator
//     stays within 20% (bench/winners-curse.ts).
// The selection is assumed to be "release the highest arena estimate". When the released variant is not the
// argmax, `releasedIsBest` is false and the figure is still the expected inflation of choosing the best of k such
// variants (the provider may have chosen on other evidence, which we cannot see). `shrinkage` is the conditional
// view, E[y_r − θ_r | these estimates] = (1 − B_r)(y_r − μ̂), B_r = τ̂²/(τ̂² + s_r²), reported beside it. Draws come
// from xoshiro128** seeded by `${seed}|winners-curse|<part>`, so the result is identical in Workers, Node and
// tests. Cost: k·rounds·(1 + bootstrapRounds) inner-loop steps, capped by MAX_WORK.
import { normalQuantile } from "./linalg";
import { Rng } from "./rng";

export const WINNERS_CURSE_METHOD = "empirical-bayes-parametric-bootstrap";

/**
 * Upper bound on k·rounds·(1 + bootstrapRounds), the inner-loop steps of one call: ~90 ms in Node on the 2-core
 * dev box under load (the defaults at k = 20 are 8·10⁶ steps, 73 ms at load average 4.5).
 */
export const MAX_WORK = 10_000_000;

export interface VariantEstimate {
  /** Model id or codename. */
  id: string;
  /** Rating on the board (points). */
  estimate: number;
  /** Standard error in rating points; when absent it is derived from `ci`. */
  se?: number;
  /** The board's interval [lower, upper] at `intervalLevel` (used when `se` is absent). */
  ci?: [number, number] | null;
}

export interface WinnersCurseOptions {
  /** Simulated families for I(τ) (default 2000; at least 200 after the work cap). */
  rounds?: number;
  /** Parametric-bootstrap replicates for the bias correction and `se` (default 200; 0 = plug-in only). */
  bootstrapRounds?: number;
  seed?: number | string;
  /** Level of the variants' `ci` intervals, to turn half-widths into standard errors (default 0.95). */
  intervalLevel?: number;
}

export interface WinnersCurse {
  /** Number of variants (the released one included). */
  k: number;
  released: string;
  /** True when the released variant has the highest estimate (the selection the method assumes). */
  releasedIsBest: boolean;
  /**
   * Estimated inflation of the released rating from choosing the best of k, in rating points: the bias-corrected
   * simulation for k ≥ 3 (the plug-in when bootstrapRounds = 0), `pairInflation` for k = 2, 0 for k = 1; ≥ 0.
   */
  inflation: number;
  /** Standard deviation of the bootstrap replicates (approximate standard error); null without a bootstrap. */
  se: number | null;
  /** I(τ̂) before the bias correction. */
  plugin: number;
  /** Empirical-Bayes posterior mean of y_r − θ_r given these estimates (the conditional view; ≥ 0). */
  shrinkage: number;
  /** The released variant's rating minus `inflation`. */
  adjusted: number;
  /** Fitted family level and spread of true strengths (points), and the variants' mean standard error. */
  prior: { mean: number; tau: number; meanSe: number };
  rounds: number;
  bootstrapRounds: number;
  method: typeof WINNERS_CURSE_METHOD;
}

/** End of the k = 2 ramp (in units of σ₀): ±16% worst relative bias over all τ (see the header). */
export const PAIR_RAMP_END = 1.9;

/** The k = 2 estimator of the header: σ₀/√(2π)·h(|y_1 − y_2|/σ₀), h the ramp 1 → 0 between 1 and PAIR_RAMP_END. */
export function pairInflation(y1: number, y2: number, s1: number, s2: number): number {
  const sigma0 = Math.sqrt(s1 * s1 + s2 * s2);
  const x = Math.abs(y1 - y2) / sigma0;
  const h = x <= 1 ? 1 : x >= PAIR_RAMP_END ? 0 : (PAIR_RAMP_END - x) / (PAIR_RAMP_END - 1);
  return (sigma0 / Math.sqrt(2 * Math.PI)) * h;
}

/** Standard error from an interval at `level`: half-width / Φ⁻¹((1 + level)/2). */
export function seFromInterval(ci: readonly [number, number], level = 0.95): number {
  return (ci[1] - ci[0]) / (2 * normalQuantile((1 + level) / 2));
}

/** DerSimonian–Laird random-effects fit: μ̂ (precision-weighted with τ̂²) and τ̂² ≥ 0. */
export function fitFamily(y: ArrayLike<number>, s: ArrayLike<number>): { mean: number; tau2: number } {
  const k = y.length;
  if (k === 0) return { mean: NaN, tau2: 0 };
  let sw = 0;
  let sw2 = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / Math.max(1e-12, (s[i] as number) ** 2);
    sw += w;
    sw2 += w * w;
    swy += w * (y[i] as number);
  }
  const fixed = swy / sw;
  let q = 0;
  for (let i = 0; i < k; i++) q += ((y[i] as number) - fixed) ** 2 / Math.max(1e-12, (s[i] as number) ** 2);
  const denom = sw - sw2 / sw;
  const tau2 = k > 1 && denom > 0 ? Math.max(0, (q - (k - 1)) / denom) : 0;
  let w2 = 0;
  let wy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / ((s[i] as number) ** 2 + tau2);
    w2 += w;
    wy += w * (y[i] as number);
  }
  return { mean: wy / w2, tau2 };
}

/**
 * E[y_j − θ_j], j = argmax y, for θ_i ~ N(0, τ²), y_i = θ_i + s_i·e_i, by `rounds` simulated families
 * (the level μ does not matter). Deterministic for a given rng state.
 */
export function simulateInflation(tau: number, s: ArrayLike<number>, rounds: number, rng: Rng): number {
  const k = s.length;
  if (k <= 1 || rounds <= 0) return 0;
  let acc = 0;
  for (let r = 0; r < rounds; r++) {
    let best = -Infinity;
    let err = 0;
    for (let i = 0; i < k; i++) {
      const e = (s[i] as number) * rng.normal();
      const y = tau * rng.normal() + e;
      if (y > best) {
        best = y;
        err = e;
      }
    }
    acc += err;
  }
  return acc / rounds;
}

function standardErrors(variants: readonly VariantEstimate[], intervalLevel: number): Float64Array {
  return Float64Array.from(variants, (v) => {
    const se = v.se ?? (v.ci ? seFromInterval(v.ci, intervalLevel) : NaN);
    if (!(se > 0) || !Number.isFinite(se)) throw new Error(`variant ${v.id}: a positive se or an interval is required`);
    return se;
  });
}

/**
 * Posterior mean of y_j − θ_j given all estimates (plug-in empirical Bayes): θ_j | y ~ N(μ̂ + B_j(y_j − μ̂), B_j·s_j²)
 * with B_j = τ̂²/(τ̂² + s_j²), so E[y_j − θ_j | y] = (1 − B_j)(y_j − μ̂). Posterior means are not biased by
 * selecting on y (the selection is a function of y), which is why this, not the raw y_j, is the fair score.
 */
export function shrinkage(
  y: ArrayLike<number>,
  s: ArrayLike<number>,
  j: number,
  fit: { mean: number; tau2: number },
): number {
  const sj = s[j] as number;
  return ((sj * sj) / (fit.tau2 + sj * sj)) * ((y[j] as number) - fit.mean);
}

/**
 * Pre-drawn standard normals for `rounds` simulated families of k: I(τ) = mean over families of e_j·s_j with
 * j = argmax(τ·z_i + s_i·e_i). O(rounds·k) per evaluation, no random draws.
 */
export class SelectionDraws {
  private readonly z: Float64Array;
  private readonly e: Float64Array;
  constructor(
    readonly k: number,
    readonly rounds: number,
    rng: Rng,
  ) {
    this.z = new Float64Array(k * rounds);
    this.e = new Float64Array(k * rounds);
    for (let n = 0; n < k * rounds; n++) {
      this.z[n] = rng.normal();
      this.e[n] = rng.normal();
    }
  }

  inflation(tau: number, s: ArrayLike<number>): number {
    const k = this.k;
    if (k <= 1) return 0;
    let acc = 0;
    for (let r = 0; r < this.rounds; r++) {
      let best = -Infinity;
      let err = 0;
      const o = r * k;
      for (let i = 0; i < k; i++) {
        const e = (s[i] as number) * (this.e[o + i] as number);
        const y = tau * (this.z[o + i] as number) + e;
        if (y > best) {
          best = y;
          err = e;
        }
      }
      acc += err;
    }
    return acc / this.rounds;
  }
}

/** The winner's curse of `released`, picked from `variants` (which include it); method in the header. */
export function winnersCurse(
  variants: readonly VariantEstimate[],
  released: string,
  opts: WinnersCurseOptions = {},
): WinnersCurse {
  const k = variants.length;
  const ri = variants.findIndex((v) => v.id === released);
  if (ri < 0) throw new Error(`released variant ${released} is not among the variants`);
  for (const v of variants) if (!Number.isFinite(v.estimate)) throw new Error(`variant ${v.id}: no estimate`);
  const s = standardErrors(variants, opts.intervalLevel ?? 0.95);
  const y = Float64Array.from(variants, (v) => v.estimate);
  const seed = opts.seed ?? 0;
  let rounds = Math.max(1, Math.floor(opts.rounds ?? 2000));
  let boot = k > 1 ? Math.max(0, Math.floor(opts.bootstrapRounds ?? 200)) : 0;
  // Bounded CPU: k·rounds·(1 + boot) inner-loop steps at most MAX_WORK; rounds are scaled down first.
  const work = k * rounds * (1 + boot);
  if (work > MAX_WORK) rounds = Math.max(200, Math.floor(MAX_WORK / (k * (1 + boot))));
  if (k * rounds * (1 + boot) > MAX_WORK) boot = Math.max(0, Math.floor(MAX_WORK / (k * rounds)) - 1);
  const fit = fitFamily(y, s);
  const tau = Math.sqrt(fit.tau2);
  let best = 0;
  for (let i = 1; i < k; i++) if ((y[i] as number) > (y[best] as number)) best = i;
  const meanSe = s.reduce((a, b) => a + b, 0) / k;
  // Common random numbers: one set of standard draws, reused for I(τ̂) and every bootstrap replicate's I(τ̂*),
  // so the bias correction compares like with like.
  const draws = new SelectionDraws(k, rounds, Rng.fromKey(`${seed}|winners-curse|draws`));
  const plugin = k > 1 ? draws.inflation(tau, s) : 0;
  // k = 2 has its own exact estimator (header); k ≥ 3 the bias-corrected plug-in.
  const estimate = (ys: Float64Array): number =>
    k === 2 ? pairInflation(ys[0] as number, ys[1] as number, s[0] as number, s[1] as number) : 0;
  let inflation = k === 2 ? estimate(y) : plugin;
  let se: number | null = null;
  if (boot > 0) {
    // Parametric bootstrap of the estimator: families from the fitted model, refitted, the estimate per replicate.
    const rng = Rng.fromKey(`${seed}|winners-curse|bootstrap`);
    const reps = new Float64Array(boot);
    const ys = new Float64Array(k);
    let mean = 0;
    for (let b = 0; b < boot; b++) {
      for (let i = 0; i < k; i++) ys[i] = fit.mean + tau * rng.normal() + (s[i] as number) * rng.normal();
      reps[b] = k === 2 ? estimate(ys) : draws.inflation(Math.sqrt(fitFamily(ys, s).tau2), s);
      mean += reps[b] as number;
    }
    mean /= boot;
    // Bootstrap bias correction (k ≥ 3): I(τ) is convex and decreasing in τ and τ̂² is truncated at 0, so I(τ̂) is
    // biased (upward when the true spread is large); 2·I(τ̂) − mean I(τ̂*) removes the first-order bias.
    if (k > 2) inflation = Math.max(0, 2 * plugin - mean);
    let v = 0;
    for (let b = 0; b < boot; b++) v += ((reps[b] as number) - mean) ** 2;
    se = Math.sqrt(v / Math.max(1, boot - 1));
  }
  return {
    k,
    released,
    releasedIsBest: (y[ri] as number) >= (y[best] as number),
    inflation,
    se,
    plugin,
    shrinkage: k > 1 ? Math.max(0, shrinkage(y, s, ri, fit)) : 0,
    adjusted: (y[ri] as number) - inflation,
    prior: { mean: fit.mean, tau, meanSe },
    rounds: k > 1 ? rounds : 0,
    bootstrapRounds: boot,
    method: WINNERS_CURSE_METHOD,
  };
}
