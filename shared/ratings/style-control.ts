// Style control (DESIGN section 7; LMArena's style-control blog and FastChat's compute_style_control): a
// Bradley–Terry model with four style covariates per battle,
//   logit P(A beats B) = ln10·(θ_A − θ_B) + γ·z,
// z = the z-scored normalised differences d = (a − b)/(a + b + 1) of assistant tokens, markdown headers, list items
// and bold spans. The penalised log-loss  Σ loss_i + (l2/2)·‖(θ, γ)‖²  (FastChat's `reg` = l2 = 0.5) is strictly
// convex, so Newton's method converges to the unique optimum in a handful of steps: the Hessian is only
// (models + 4)², cheap to factor. Ties count 0.5 as in FastChat. Ratings are 400·θ + 1000 before any anchoring.
// Bootstrap resamples battle rows (multinomial counts), warm-started from the full-data fit.
import { choleskySolve } from "./linalg";
import { STYLE_FEATURES, type BattleTable } from "./table";

const LN10 = Math.LN10;
const P = STYLE_FEATURES.length;

export interface StyleDesign {
  /** Rows (battle indices into the table) used, in order. */
  rows: Int32Array;
  /** Model index (into the board's model list) of each row's A and B. */
  a: Int32Array;
  b: Int32Array;
  /** Outcome for A: 1 win, 0 loss, 0.5 tie. */
  y: Float64Array;
  /** z-scored features, row-major [r * 4 + f]. */
  z: Float64Array;
  /** Feature means and (population) standard deviations of d, for reporting. */
  mean: Float64Array;
  std: Float64Array;
  models: number;
}

/**
 * Builds the design from table rows. `modelOf` maps table model indices to board indices (−1 = not on the board;
 * such rows are skipped). A feature with zero spread gets std 1 so it contributes nothing instead of NaN.
 */
export function styleDesign(
  table: BattleTable,
  rows: ArrayLike<number>,
  modelOf: Int32Array,
  models: number,
): StyleDesign {
  if (!table.styleA || !table.styleB) throw new Error("style control needs style counts (conv_metadata)");
  const keep: number[] = [];
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    if (modelOf[table.modelA[i]!]! >= 0 && modelOf[table.modelB[i]!]! >= 0) keep.push(i);
  }
  const n = keep.length;
  const out: StyleDesign = {
    rows: Int32Array.from(keep),
    a: new Int32Array(n),
    b: new Int32Array(n),
    y: new Float64Array(n),
    z: new Float64Array(n * P),
    mean: new Float64Array(P),
    std: new Float64Array(P),
    models,
  };
  const sa = table.styleA;
  const sb = table.styleB;
  for (let r = 0; r < n; r++) {
    const i = keep[r]!;
    out.a[r] = modelOf[table.modelA[i]!]!;
    out.b[r] = modelOf[table.modelB[i]!]!;
    const o = table.outcome[i]!;
    out.y[r] = o === 0 ? 1 : o === 1 ? 0 : 0.5;
    for (let f = 0; f < P; f++) {
      const x = sa[i * P + f]!;
      const w = sb[i * P + f]!;
      const d = (x - w) / (x + w + 1);
      out.z[r * P + f] = d;
      out.mean[f] = out.mean[f]! + d;
    }
  }
  for (let f = 0; f < P; f++) out.mean[f] = n ? out.mean[f]! / n : 0;
  for (let r = 0; r < n; r++)
    for (let f = 0; f < P; f++) out.std[f] = out.std[f]! + (out.z[r * P + f]! - out.mean[f]!) ** 2;
  for (let f = 0; f < P; f++) {
    const s = n ? Math.sqrt(out.std[f]! / n) : 0;
    out.std[f] = s > 0 ? s : 1;
  }
  for (let r = 0; r < n; r++) {
    for (let f = 0; f < P; f++) out.z[r * P + f] = (out.z[r * P + f]! - out.mean[f]!) / out.std[f]!;
  }
  return out;
}

export interface StyleFit {
  /** θ per board model (log-odds scale, base e divided by ln10: rating = 400·θ + 1000). */
  theta: Float64Array;
  /** γ per feature, in STYLE_FEATURES order (logit effect per standard deviation). */
  gamma: Float64Array;
  iterations: number;
}

/**
 * Newton's method on the penalised loss. `weights` (optional) multiplies each row's loss: bootstrap counts.
 * `start` warm-starts from a previous solution (θ then γ).
 */
export function fitStyleControl(
  design: StyleDesign,
  options: { l2?: number; weights?: Float64Array | Uint32Array; start?: Float64Array; tolerance?: number } = {},
): StyleFit {
  const l2 = options.l2 ?? 0.5;
  const tol = options.tolerance ?? 1e-9;
  const M = design.models;
  const m = M + P;
  const params = options.start ? Float64Array.from(options.start) : new Float64Array(m);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const { a, b, y, z } = design;
  const w = options.weights;
  let iterations = 0;
  for (; iterations < 100; iterations++) {
    grad.fill(0);
    hess.fill(0);
    for (let r = 0; r < a.length; r++) {
      const wr = w ? w[r]! : 1;
      if (wr === 0) continue;
      const ia = a[r]!;
      const ib = b[r]!;
      let logit = LN10 * (params[ia]! - params[ib]!);
      for (let f = 0; f < P; f++) logit += params[M + f]! * z[r * P + f]!;
      const p = 1 / (1 + Math.exp(-logit));
      const e = wr * (p - y[r]!);
      const v = wr * p * (1 - p);
      // x = ln10·(e_a − e_b) ⊕ z_r
      grad[ia] = grad[ia]! + e * LN10;
      grad[ib] = grad[ib]! - e * LN10;
      const vl = v * LN10 * LN10;
      hess[ia * m + ia] = hess[ia * m + ia]! + vl;
      hess[ib * m + ib] = hess[ib * m + ib]! + vl;
      hess[ia * m + ib] = hess[ia * m + ib]! - vl;
      hess[ib * m + ia] = hess[ib * m + ia]! - vl;
      for (let f = 0; f < P; f++) {
        const zf = z[r * P + f]!;
        grad[M + f] = grad[M + f]! + e * zf;
        const cross = v * LN10 * zf;
        hess[ia * m + M + f] = hess[ia * m + M + f]! + cross;
        hess[ib * m + M + f] = hess[ib * m + M + f]! - cross;
        for (let g = 0; g <= f; g++) hess[(M + f) * m + M + g] = hess[(M + f) * m + M + g]! + v * zf * z[r * P + g]!;
      }
    }
    // Symmetrise the parts filled on one side only, and add the penalty.
    for (let f = 0; f < P; f++) {
      for (let i = 0; i < M; i++) hess[(M + f) * m + i] = hess[i * m + M + f]!;
      for (let g = 0; g < f; g++) hess[(M + g) * m + M + f] = hess[(M + f) * m + M + g]!;
    }
    for (let i = 0; i < m; i++) {
      grad[i] = grad[i]! + l2 * params[i]!;
      hess[i * m + i] = hess[i * m + i]! + l2;
    }
    // H is positive definite (the penalty adds l2·I), so the factorisation cannot fail for l2 > 0.
    if (!choleskySolve(hess, grad, m)) throw new Error("style control: Hessian not positive definite");
    const step = grad;
    let largest = 0;
    for (let i = 0; i < m; i++) {
      params[i] = params[i]! - step[i]!;
      largest = Math.max(largest, Math.abs(step[i]!));
    }
    // Newton converges quadratically near the optimum: a step this small means the next one is ~0.
    if (largest < tol) {
      iterations++;
      break;
    }
  }
  return { theta: params.slice(0, M), gamma: params.slice(M), iterations };
}
