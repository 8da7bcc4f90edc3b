// From natural-logit θ to published ratings: 400·θ/ln10, then a shift. Why a separate module: the full fit and
// every bootstrap round must use the same centring rule, or interval endpoints would drift from the ratings.
import { POINTS_PER_LOGIT, RATING_CENTRE } from "./bt";

export interface Anchor {
  model: string;
  rating: number;
}

/**
 * Full-data ratings. anchor null: mean over the board's models = 1000. Anchor: shifted so that model has that
 * rating; when the anchor model is not on the board we fall back to mean centring (`anchored: false`).
 */
export function thetaToRatings(
  theta: Float64Array,
  models: string[],
  anchor: Anchor | null,
): { ratings: Float64Array; anchored: boolean } {
  const n = theta.length;
  const ratings = new Float64Array(n);
  let mean = 0;
  for (let k = 0; k < n; k++) {
    ratings[k] = POINTS_PER_LOGIT * (theta[k] as number);
    mean += ratings[k] as number;
  }
  mean /= Math.max(1, n);
  const ai = anchor ? models.indexOf(anchor.model) : -1;
  const shift = anchor && ai >= 0 ? anchor.rating - (ratings[ai] as number) : RATING_CENTRE - mean;
  for (let k = 0; k < n; k++) ratings[k]! += shift;
  return { ratings, anchored: ai >= 0 };
}

/**
 * One bootstrap round's ratings on the scale of the full fit: shifted so the anchor model (if anchored and
 * present in the round) keeps its anchor rating, otherwise so the mean over the models present in the round
 * equals the full-data mean over the same models (= 1000 when all are present). Absent models get NaN, as
 * FastChat leaves a model out of a bootstrap round it has no battle in.
 */
export function alignRound(
  theta: Float64Array,
  present: Uint8Array,
  fullRatings: Float64Array,
  anchorIndex: number,
  out: Float64Array,
): void {
  const n = theta.length;
  let shift: number;
  if (anchorIndex >= 0 && present[anchorIndex]) {
    shift = (fullRatings[anchorIndex] as number) - POINTS_PER_LOGIT * (theta[anchorIndex] as number);
  } else {
    let s = 0;
    let cnt = 0;
    for (let k = 0; k < n; k++) {
      if (!present[k]) continue;
      s += (fullRatings[k] as number) - POINTS_PER_LOGIT * (theta[k] as number);
      cnt++;
    }
    shift = cnt > 0 ? s / cnt : 0;
  }
  for (let k = 0; k < n; k++) out[k] = present[k] ? POINTS_PER_LOGIT * (theta[k] as number) + shift : NaN;
}

/** Quantile with linear interpolation between order statistics (numpy's default, "type 7"). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}
