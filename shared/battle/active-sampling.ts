// Active pair sampling (DESIGN section 14; issue 16): the Chatbot Arena paper's rule (Chiang et al. 2024,
// "Chatbot Arena: An Open Platform for Evaluating LLMs by Human Preference", section 5, eq. for P_t(a)) with a
// floor. A pair (a, b) is shown with probability proportional to the reduction of its interval width that one
// more vote buys,
//     gain_ab = sqrt(Σ_ab / (n_ab + 1)) − sqrt(Σ_ab / (n_ab + 2)),
// where n_ab is the pair's vote count and Σ_ab the per-vote variance of its estimate (the paper's
// sqrt(Σ/n) − sqrt(Σ/(n+1)), with one pseudo-vote so a pair with no votes has a finite, largest gain). Our default
// Σ_ab is on the rating (log-odds) scale, 1/(p̃(1 − p̃)) with p̃ the pair's smoothed win share: by the delta method
// Var(log-odds estimate) = Σ_ab/n_ab, so the gain is the shrinkage of the pair's own rating-difference interval.
// The paper's win-rate scale, p̃(1 − p̃), is `scale: "win-rate"`; it starves lopsided pairs, which are the only
// pairs the top and bottom models have, and needed 4.7% more votes than uniform to get all 16 models to ±15 points
// in bench/active-sampling.ts (mean of 5 seeds; logit scale: 2.8% fewer; with 4 new models joining 12 established
// ones, 45% and 47% fewer). Then
//     p_ab = (1 − ε)·gain_ab / Σ gain + ε / P        (P = number of allowed pairs)
// so every allowed pair keeps at least ε/P of the traffic: nobody is starved, and the inverse-probability weights
// 1/p_ab stay below P/ε. Allowed pairs are exactly those the weighted policy (`sampling.ts`) can show: both models
// with a positive effective weight, never two private models; under this policy `samplingWeight` only gates a
// model (0 = off), it does not scale its share.
//
// IPW stays correct: the policy draws the unordered pair directly, so the probability recorded with the vote
// (`sampling_probability`, same meaning as `SampledPair.probability`) is p_ab at the time of the battle. The
// ratings engine's `--ipw` weights each battle by 1/p; because E[1{pair = ab}/p_ab] = 1 at every step, whatever
// the (adaptive, history-dependent) p_ab was, the weighted log-likelihood has the expectation of one vote per pair
// per battle: the fit targets the same ratings as uniform sampling over pairs (test/battles/active-sampling.test.ts
// shows it on a truth that is not Bradley–Terry, where the unweighted fit would drift with the pair mix). The
// floor is what makes this hold with finite variance (a pair with p → 0 would need an unbounded weight).
// Pure: no platform imports.
import type { ModelRecord } from "../models";
import { pairProbabilities, type SampledPair, type SamplingOptions } from "./sampling";

/** Default floor ε: 20% of battles are spread uniformly over the allowed pairs. */
export const DEFAULT_FLOOR = 0.2;

export interface PairCount {
  a: string;
  b: string;
  /** Votes (battles) recorded for this unordered pair. */
  n: number;
  /**
   * Per-vote variance Σ_ab of the pair's estimate. Default: `pairVariance(wins, n, scale)` when `wins` is given,
   * else the value at p = ½ (4 on the logit scale, 0.25 on the win-rate scale).
   */
  variance?: number;
  /** Wins of `a` over `b` (ties ½), for the default variance. */
  wins?: number;
}

export interface PairWeight {
  a: string;
  b: string;
  n: number;
  variance: number;
  /** sqrt(Σ/(n+1)) − sqrt(Σ/(n+2)). */
  gain: number;
  /** P(the next anonymous battle shows this pair); sums to 1 over the returned pairs. */
  probability: number;
}

/** "logit": Σ = 1/(p(1 − p)), the pair's log-odds (rating difference); "win-rate": Σ = p(1 − p), the paper's. */
export type VarianceScale = "logit" | "win-rate";

export interface ActiveSamplingOptions {
  /** Floor ε ∈ [0, 1]: every allowed pair gets at least ε / pairs. Default DEFAULT_FLOOR. */
  floor?: number;
  /** Scale of the default variances (pairs given `wins` or nothing). Default "logit". */
  scale?: VarianceScale;
}

const fromShare = (p: number, scale: VarianceScale) => (scale === "logit" ? 1 / (p * (1 - p)) : p * (1 - p));

/** Per-vote variance at p̃ = (wins + 1)/(n + 2) (Laplace-smoothed, so never 0 or infinite). */
export function pairVariance(wins: number, n: number, scale: VarianceScale = "logit"): number {
  return fromShare((wins + 1) / (n + 2), scale);
}

/** Per-vote variance from two ratings (points, scale 400, base 10) at p = P(a beats b). */
export function pairVarianceFromRatings(ratingA: number, ratingB: number, scale: VarianceScale = "logit"): number {
  return fromShare(1 / (1 + Math.pow(10, (ratingB - ratingA) / 400)), scale);
}

export function activeGain(variance: number, n: number): number {
  const v = Math.max(0, variance);
  const m = Math.max(0, n);
  return Math.sqrt(v / (m + 1)) - Math.sqrt(v / (m + 2));
}

const key = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Active-sampling probabilities over `allowed` pairs (unordered; order of the result = order of `allowed`).
 * `counts` may list pairs in either orientation; pairs missing from it have n = 0 and the variance at p = ½.
 */
export function activePairWeights(
  allowed: readonly { a: string; b: string }[],
  counts: readonly PairCount[],
  opts: ActiveSamplingOptions = {},
): PairWeight[] {
  const floor = Math.min(1, Math.max(0, opts.floor ?? DEFAULT_FLOOR));
  const scale = opts.scale ?? "logit";
  const byPair = new Map<string, PairCount>();
  for (const c of counts) byPair.set(key(c.a, c.b), c);
  const out: PairWeight[] = allowed.map(({ a, b }) => {
    const c = byPair.get(key(a, b));
    const n = c?.n ?? 0;
    // wins are a's wins in the count's orientation; the variance is symmetric in p ↔ 1 − p.
    const variance = c?.variance ?? (c?.wins !== undefined ? pairVariance(c.wins, n, scale) : fromShare(0.5, scale));
    return { a, b, n, variance, gain: activeGain(variance, n), probability: 0 };
  });
  const P = out.length;
  if (P === 0) return out;
  const total = out.reduce((s, w) => s + w.gain, 0);
  for (const w of out) w.probability = total > 0 ? (1 - floor) * (w.gain / total) + floor / P : 1 / P;
  return out;
}

/**
 * The pairs the next anonymous battle may show (as the weighted policy allows them) with their active-sampling
 * probabilities: what /api/transparency publishes under this policy.
 */
export function activePairProbabilities(
  candidates: readonly ModelRecord[],
  counts: readonly PairCount[],
  o: SamplingOptions,
  opts: ActiveSamplingOptions = {},
): PairWeight[] {
  const allowed = pairProbabilities(candidates, o).map(({ a, b }) => ({ a, b }));
  return activePairWeights(allowed, counts, opts);
}

/**
 * Draw a pair under the active policy. `probability` is p_ab, the value to record as the vote's
 * `sampling_probability` (IPW). Sides A/B are a fair coin. Null when no pair is allowed.
 */
export function sampleActivePair(
  candidates: readonly ModelRecord[],
  counts: readonly PairCount[],
  o: SamplingOptions,
  opts: ActiveSamplingOptions = {},
): SampledPair | null {
  const weights = activePairProbabilities(candidates, counts, o, opts);
  const i = drawIndex(weights, o.random ?? Math.random);
  if (i < 0) return null;
  const w = weights[i]!;
  const byId = new Map(candidates.map((m) => [m.id, m]));
  const x = byId.get(w.a)!;
  const y = byId.get(w.b)!;
  const flip = (o.random ?? Math.random)() < 0.5;
  return { a: flip ? y : x, b: flip ? x : y, probability: Math.min(1, w.probability) };
}

/** Index drawn with probability ∝ `probability` (−1 when empty). */
export function drawIndex(weights: readonly { probability: number }[], random: () => number): number {
  let r = random() * weights.reduce((s, w) => s + w.probability, 0);
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!.probability;
    if (r < 0 && weights[i]!.probability > 0) return i;
  }
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]!.probability > 0) return i;
  return -1;
}
