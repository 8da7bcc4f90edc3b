// Style control (DESIGN section 7; LMArena's style-control blog and FastChat's compute_style_control): a
// Bradley–Terry model with four style covariates per battle,
//   logit P(A beats B) = ln10·(θ_A − θ_B) + γ·z,
// z = the z-scored normalised differences d = (a − b)/(a + b + 1) of assistant tokens, markdown headers, list items
// and bold spans. The penalised log-loss  Σ loss_i + (l2/2)·‖(θ, γ)‖²  (FastChat's `reg` = l2 = 0.5) is strictly
// convex, so Newton's method converges to the unique optimum in a handful of steps: the Hessian is only
// (models + 4)², cheap to factor. Ties count 0.5 as in FastChat. Ratings are 400·θ + 1000 before any anchoring.
// Bootstrap resamples battle rows (multinomial counts), warm-started from the full-data fit.
import { choleskySolve } from "./linalg";
import { styleWidth, type BattleTable } from "./table";

const LN10 = Math.LN10;
// The feature count P is the table's style width (the default four, or any subset of ALL_STYLE_FEATURES). The
// Newton pass is unrolled for P = 4 (the published boards: that code path, and so its output, is unchanged);
// other widths run the same sums in loops (fitStyleControlAnyWidth).

export interface StyleDesign {
  /** Number of rows in the fit. */
  length: number;
  /**
   * Table rows in the fit (on the board, with style features), in table order; null = every table row (the
   * overall board: no list, which at 3M battles saves 12 MB).
   */
  rows: Uint32Array | null;
  /** The table's own columns, read through `rows` (never copied: at 3M battles a copy would not fit a Worker). */
  modelA: Uint16Array;
  modelB: Uint16Array;
  outcome: Uint8Array;
  style: Float32Array;
  /** Table model index -> board model index (−1 = not on the board). */
  modelOf: Int32Array;
  /** Feature means and (population) standard deviations of d over the rows; z = (d − mean)/std. */
  mean: Float64Array;
  std: Float64Array;
  models: number;
}

/**
 * The design over the given table rows (null = all of them), whose models must all be on the board (`modelOf`).
 * The z-scores are not materialised: the Newton pass computes them from d, mean and std as it reads each row. A
 * feature with zero spread gets std 1 so it contributes nothing instead of NaN.
 */
export function styleDesign(
  table: BattleTable,
  rows: Uint32Array | null,
  modelOf: Int32Array,
  models: number,
): StyleDesign {
  const style = table.style;
  if (!style) throw new Error("style control needs style counts (conv_metadata)");
  const n = rows ? rows.length : table.length;
  const P = styleWidth(table);
  const mean = new Float64Array(P);
  const std = new Float64Array(P);
  for (let k = 0; k < n; k++) {
    const o = (rows ? rows[k]! : k) * P;
    for (let f = 0; f < P; f++) mean[f] = mean[f]! + style[o + f]!;
  }
  for (let f = 0; f < P; f++) mean[f] = n ? mean[f]! / n : 0;
  for (let k = 0; k < n; k++) {
    const o = (rows ? rows[k]! : k) * P;
    for (let f = 0; f < P; f++) std[f] = std[f]! + (style[o + f]! - mean[f]!) ** 2;
  }
  for (let f = 0; f < P; f++) {
    const s = n ? Math.sqrt(std[f]! / n) : 0;
    std[f] = s > 0 ? s : 1;
  }
  return {
    length: n,
    rows,
    modelA: table.modelA,
    modelB: table.modelB,
    outcome: table.outcome,
    style,
    modelOf,
    mean,
    std,
    models,
  };
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
  options: { l2?: number; weights?: Uint16Array; start?: Float64Array; tolerance?: number } = {},
): StyleFit {
  const P = design.mean.length;
  if (P !== 4) return fitStyleControlAnyWidth(design, options);
  const l2 = options.l2 ?? 0.5;
  const tol = options.tolerance ?? 1e-9;
  const M = design.models;
  const m = M + P;
  const params = options.start ? Float64Array.from(options.start) : new Float64Array(m);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const { rows, modelA, modelB, outcome, style, modelOf } = design;
  const m0 = design.mean[0]!,
    m1 = design.mean[1]!,
    m2 = design.mean[2]!,
    m3 = design.mean[3]!;
  const s0 = 1 / design.std[0]!,
    s1 = 1 / design.std[1]!,
    s2 = 1 / design.std[2]!,
    s3 = 1 / design.std[3]!;
  const w = options.weights;
  let iterations = 0;
  // Per pass the rows only touch: the model gradient, one pair cell (the model block of the Hessian is
  // ln10²·(pair sums)), 8 model×feature cross terms, and 4 + 10 feature sums kept in locals. The full Hessian
  // is assembled once per pass from these, which keeps the row loop tight (it dominates the bootstrap).
  const pairV = new Float64Array(M * M);
  const gradM = new Float64Array(M);
  const cross = new Float64Array(M * P);
  const L2 = LN10 * LN10;
  let converged = false;
  let lastStep = Infinity;
  for (; iterations < 100; iterations++) {
    pairV.fill(0);
    gradM.fill(0);
    cross.fill(0);
    let g0 = 0,
      g1 = 0,
      g2 = 0,
      g3 = 0;
    let h00 = 0,
      h10 = 0,
      h11 = 0,
      h20 = 0,
      h21 = 0,
      h22 = 0,
      h30 = 0,
      h31 = 0,
      h32 = 0,
      h33 = 0;
    const c0 = params[M]!,
      c1 = params[M + 1]!,
      c2 = params[M + 2]!,
      c3 = params[M + 3]!;
    const n = design.length;
    for (let r = 0; r < n; r++) {
      const wr = w ? w[r]! : 1;
      if (wr === 0) continue;
      const i = rows === null ? r : rows[r]!;
      const ia = modelOf[modelA[i]!]!;
      const ib = modelOf[modelB[i]!]!;
      const o = i * P;
      const z0 = (style[o]! - m0) * s0,
        z1 = (style[o + 1]! - m1) * s1,
        z2 = (style[o + 2]! - m2) * s2,
        z3 = (style[o + 3]! - m3) * s3;
      const logit = LN10 * (params[ia]! - params[ib]!) + c0 * z0 + c1 * z1 + c2 * z2 + c3 * z3;
      const p = 1 / (1 + Math.exp(-logit));
      const oc = outcome[i]!;
      const e = wr * (p - (oc === 0 ? 1 : oc === 1 ? 0 : 0.5));
      const v = wr * p * (1 - p);
      gradM[ia] = gradM[ia]! + e;
      gradM[ib] = gradM[ib]! - e;
      pairV[ia * M + ib] = pairV[ia * M + ib]! + v;
      const ca = ia * P;
      const cb = ib * P;
      const v0 = v * z0,
        v1 = v * z1,
        v2 = v * z2,
        v3 = v * z3;
      cross[ca] = cross[ca]! + v0;
      cross[ca + 1] = cross[ca + 1]! + v1;
      cross[ca + 2] = cross[ca + 2]! + v2;
      cross[ca + 3] = cross[ca + 3]! + v3;
      cross[cb] = cross[cb]! - v0;
      cross[cb + 1] = cross[cb + 1]! - v1;
      cross[cb + 2] = cross[cb + 2]! - v2;
      cross[cb + 3] = cross[cb + 3]! - v3;
      g0 += e * z0;
      g1 += e * z1;
      g2 += e * z2;
      g3 += e * z3;
      h00 += v0 * z0;
      h10 += v1 * z0;
      h11 += v1 * z1;
      h20 += v2 * z0;
      h21 += v2 * z1;
      h22 += v2 * z2;
      h30 += v3 * z0;
      h31 += v3 * z1;
      h32 += v3 * z2;
      h33 += v3 * z3;
    }
    // Assemble gradient and Hessian: x = ln10·(e_a − e_b) ⊕ z (a self-battle's model terms cancel out).
    hess.fill(0);
    for (let i = 0; i < M; i++) {
      grad[i] = LN10 * gradM[i]!;
      for (let j = 0; j < M; j++) {
        if (i === j) continue;
        const pv = pairV[i * M + j]! + pairV[j * M + i]!;
        hess[i * m + j] = -L2 * pv;
        hess[i * m + i] = hess[i * m + i]! + L2 * pv;
      }
      for (let f = 0; f < P; f++) {
        const c = LN10 * cross[i * P + f]!;
        hess[i * m + M + f] = c;
        hess[(M + f) * m + i] = c;
      }
    }
    const fb = [g0, g1, g2, g3];
    const hb = [
      [h00, h10, h20, h30],
      [h10, h11, h21, h31],
      [h20, h21, h22, h32],
      [h30, h31, h32, h33],
    ];
    for (let f = 0; f < P; f++) {
      grad[M + f] = fb[f]!;
      for (let g = 0; g < P; g++) hess[(M + f) * m + M + g] = hb[f]![g]!;
    }
    for (let i = 0; i < m; i++) {
      grad[i] = grad[i]! + l2 * params[i]!;
      hess[i * m + i] = hess[i * m + i]! + l2;
    }
    // H is positive definite (the penalty adds l2·I), so the factorisation cannot fail for l2 > 0.
    if (!choleskySolve(hess, grad, m)) throw new Error("style control: Hessian not positive definite");
    const largest = applyStep(params, grad, m);
    lastStep = largest;
    // Newton converges quadratically near the optimum: a step this small means the next one is ~0.
    if (largest < tol) {
      iterations++;
      converged = true;
      break;
    }
  }
  // Strictly convex, so this only happens on broken input (NaN features): say so instead of returning garbage.
  if (!converged && !(lastStep < NUMERICAL_FLOOR))
    throw new Error("style control did not converge in 100 Newton steps");
  return { theta: params.slice(0, M), gamma: params.slice(M), iterations };
}

/**
 * The same Newton method for any number of features P (the sums of fitStyleControl's unrolled pass, in loops).
 * Used for non-default feature sets (e.g. with emoji, P = 5); the default four keep the unrolled pass.
 */
export function fitStyleControlAnyWidth(
  design: StyleDesign,
  options: { l2?: number; weights?: Uint16Array; start?: Float64Array; tolerance?: number },
): StyleFit {
  const P = design.mean.length;
  const l2 = options.l2 ?? 0.5;
  const tol = options.tolerance ?? 1e-9;
  const M = design.models;
  const m = M + P;
  const params = options.start ? Float64Array.from(options.start) : new Float64Array(m);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const { rows, modelA, modelB, outcome, style, modelOf, mean } = design;
  const inv = design.std.map((s) => 1 / s);
  const w = options.weights;
  const pairV = new Float64Array(M * M);
  const gradM = new Float64Array(M);
  const cross = new Float64Array(M * P);
  const gF = new Float64Array(P);
  const hF = new Float64Array(P * P);
  const z = new Float64Array(P);
  const L2 = LN10 * LN10;
  let iterations = 0;
  let converged = false;
  let lastStep = Infinity;
  for (; iterations < 100; iterations++) {
    pairV.fill(0);
    gradM.fill(0);
    cross.fill(0);
    gF.fill(0);
    hF.fill(0);
    const n = design.length;
    for (let r = 0; r < n; r++) {
      const wr = w ? w[r]! : 1;
      if (wr === 0) continue;
      const i = rows === null ? r : rows[r]!;
      const ia = modelOf[modelA[i]!]!;
      const ib = modelOf[modelB[i]!]!;
      const o = i * P;
      let logit = LN10 * (params[ia]! - params[ib]!);
      for (let f = 0; f < P; f++) {
        z[f] = (style[o + f]! - mean[f]!) * inv[f]!;
        logit += params[M + f]! * z[f]!;
      }
      const p = 1 / (1 + Math.exp(-logit));
      const oc = outcome[i]!;
      const e = wr * (p - (oc === 0 ? 1 : oc === 1 ? 0 : 0.5));
      const v = wr * p * (1 - p);
      gradM[ia] = gradM[ia]! + e;
      gradM[ib] = gradM[ib]! - e;
      pairV[ia * M + ib] = pairV[ia * M + ib]! + v;
      const ca = ia * P;
      const cb = ib * P;
      for (let f = 0; f < P; f++) {
        const vf = v * z[f]!;
        cross[ca + f] = cross[ca + f]! + vf;
        cross[cb + f] = cross[cb + f]! - vf;
        gF[f] = gF[f]! + e * z[f]!;
        for (let g = 0; g <= f; g++) hF[f * P + g] = hF[f * P + g]! + vf * z[g]!;
      }
    }
    hess.fill(0);
    for (let i = 0; i < M; i++) {
      grad[i] = LN10 * gradM[i]!;
      for (let j = 0; j < M; j++) {
        if (i === j) continue;
        const pv = pairV[i * M + j]! + pairV[j * M + i]!;
        hess[i * m + j] = -L2 * pv;
        hess[i * m + i] = hess[i * m + i]! + L2 * pv;
      }
      for (let f = 0; f < P; f++) {
        const c = LN10 * cross[i * P + f]!;
        hess[i * m + M + f] = c;
        hess[(M + f) * m + i] = c;
      }
    }
    for (let f = 0; f < P; f++) {
      grad[M + f] = gF[f]!;
      for (let g = 0; g < P; g++) hess[(M + f) * m + M + g] = f >= g ? hF[f * P + g]! : hF[g * P + f]!;
    }
    for (let i = 0; i < m; i++) {
      grad[i] = grad[i]! + l2 * params[i]!;
      hess[i * m + i] = hess[i * m + i]! + l2;
    }
    if (!choleskySolve(hess, grad, m)) throw new Error("style control: Hessian not positive definite");
    const largest = applyStep(params, grad, m);
    lastStep = largest;
    if (largest < tol) {
      iterations++;
      converged = true;
      break;
    }
  }
  if (!converged && !(lastStep < NUMERICAL_FLOOR))
    throw new Error("style control did not converge in 100 Newton steps");
  return { theta: params.slice(0, M), gamma: params.slice(M), iterations };
}

/**
 * Largest Newton step (in log10-odds) taken in one iteration. Far from the optimum a full Newton step on a logistic
 * loss can overshoot and oscillate (seen on a synthetic 1M-battle board); capping the step keeps every iteration a
 * descent direction of bounded length, and near the optimum (steps far below the cap) it is plain Newton.
 */
const MAX_STEP = 1;
/** After the iteration limit, a last step this small is floating-point noise at the optimum, not divergence. */
const NUMERICAL_FLOOR = 1e-6;

/** params −= step (scaled down to MAX_STEP when longer); returns the largest |component| of the full step. */
function applyStep(params: Float64Array, step: Float64Array, m: number): number {
  let largest = 0;
  for (let i = 0; i < m; i++) largest = Math.max(largest, Math.abs(step[i]!));
  const scale = largest > MAX_STEP ? MAX_STEP / largest : 1;
  for (let i = 0; i < m; i++) params[i] = params[i]! - scale * step[i]!;
  return largest;
}
