// Sandwich (robust, "Huber–White") intervals for the Bradley–Terry ratings, the paper's alternative to the
// bootstrap (Chiang et al. 2024, arXiv:2403.04132): Cov(θ̂) = H⁻¹ M H⁻¹ with H the Hessian of the (weighted)
// negative log-likelihood and M = Σ_battles w²·s sᵀ the outer product of per-battle scores
// s = (y − p)(e_A − e_B). Why from cells: every battle in a cell has the same score, so M costs O(cells).
// Without a ridge H is singular along 1; using (H + c·11ᵀ)⁻¹ on both sides gives the covariance of the
// sum-zero θ (M·1 = 0), i.e. of the mean-centred ratings; an anchor turns it into Var(θ_k − θ_anchor).
import type { CellTable } from "./aggregate";
import { POINTS_PER_LOGIT } from "./bt";
import { normalQuantile, spdInverse } from "./linalg";
import type { PairStats } from "./pairs";

export interface SandwichResult {
  lower: Float64Array;
  upper: Float64Array;
  /** Standard error of each rating, in rating points. */
  se: Float64Array;
  /** Normal multiplier used (Φ⁻¹ of the two-sided level, Bonferroni-adjusted when asked). */
  z: number;
}

/**
 * @param cells board cells; `weight2` (Σw² per cell) is used when present (IPW), else the counts.
 * @param pairs the weighted pair statistics the fit used (for H).
 * @param level two-sided level of each interval (already Bonferroni-adjusted by the caller if wanted).
 */
export function sandwichIntervals(
  cells: CellTable,
  pairs: PairStats,
  theta: Float64Array,
  ratings: Float64Array,
  ridge: number,
  anchorIndex: number,
  level: number,
): SandwichResult {
  const n = theta.length;
  const H = new Float64Array(n * n);
  let trace = 0;
  for (let p = 0; p < pairs.length; p++) {
    const t = pairs.total[p] as number;
    if (t <= 0) continue;
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const pr = 1 / (1 + Math.exp((theta[j] as number) - (theta[i] as number)));
    const h = t * pr * (1 - pr);
    H[i * n + i]! += h;
    H[j * n + j]! += h;
    H[i * n + j]! -= h;
    H[j * n + i]! -= h;
    trace += 2 * h;
  }
  const c = Math.max(trace / Math.max(1, n), 1e-12);
  for (let k = 0; k < n; k++) H[k * n + k]! += ridge;
  if (ridge === 0) for (let k = 0; k < n * n; k++) H[k]! += c;
  const Hinv = spdInverse(H, n);
  const lower = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  const se = new Float64Array(n).fill(NaN);
  const z = normalQuantile(1 - (1 - level) / 2);
  if (!Hinv) return { lower, upper, se, z };

  const Mt = new Float64Array(n * n);
  const w2 = cells.weight2 ?? cells.count;
  for (let k = 0; k < cells.length; k++) {
    const a = cells.a[k] as number;
    const b = cells.b[k] as number;
    if (a === b) continue;
    const o = cells.outcome[k] as number;
    const y = o === 0 ? 1 : o === 1 ? 0 : 0.5;
    const pr = 1 / (1 + Math.exp((theta[b] as number) - (theta[a] as number)));
    const v = (w2[k] as number) * (y - pr) * (y - pr);
    Mt[a * n + a]! += v;
    Mt[b * n + b]! += v;
    Mt[a * n + b]! -= v;
    Mt[b * n + a]! -= v;
  }
  // C = Hinv · M · Hinv.
  const T = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const hik = Hinv[i * n + k] as number;
      if (hik === 0) continue;
      for (let j = 0; j < n; j++) T[i * n + j]! += hik * (Mt[k * n + j] as number);
    }
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++) {
      const tik = T[i * n + k] as number;
      if (tik === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j]! += tik * (Hinv[k * n + j] as number);
    }
  // Mean centring: Var(θ_k − mean θ) (a no-op for the sum-zero fit, needed when a ridge was used).
  const rowMean = new Float64Array(n);
  let allMean = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += C[i * n + j] as number;
    rowMean[i] = s / n;
    allMean += s / (n * n);
  }
  for (let k = 0; k < n; k++) {
    let v = C[k * n + k] as number;
    if (anchorIndex >= 0) v = v + (C[anchorIndex * n + anchorIndex] as number) - 2 * (C[k * n + anchorIndex] as number);
    else v = v - 2 * (rowMean[k] as number) + allMean;
    const s = POINTS_PER_LOGIT * Math.sqrt(Math.max(0, v));
    se[k] = s;
    lower[k] = (ratings[k] as number) - z * s;
    upper[k] = (ratings[k] as number) + z * s;
  }
  return { lower, upper, se, z };
}
