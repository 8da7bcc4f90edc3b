// Leaderboard v2 adjusted views (DESIGN section 14): a board's scores adjusted for cost and for size, and the
// price–score Pareto frontier. Why residuals of a least-squares line: "adjusting for price" means asking how much
// better a model is than models of its price typically are; with one covariate x (log price or log parameters)
// the simplest honest answer is the residual rating − (a + b·x) of an ordinary least-squares fit over the
// board's models with known x. Why refit on every bootstrap round: round r of every model comes from the same
// resample (bootstrap.ts), so refitting the line on round r's ratings and taking round r's residual carries the
// ratings' uncertainty and the line's (which moves with them) jointly; the percentile interval over rounds is
// the adjusted score's interval. Pure TypeScript, no platform imports.
import { quantileSorted } from "./scale";

/**
 * One board's ratings and bootstrap replicates, in board order. `BoardResult.raw` has exactly these fields; for a
 * style-controlled board pass `{ models: raw.models, ratings: prep.ratings, samples: rounds.samples }`
 * (style-board.ts: the same layout, round r of every model from one resample).
 */
export interface BoardRatings {
  models: string[];
  /** Full-data ratings. */
  ratings: Float64Array;
  /** Bootstrap ratings, rounds × models row-major (NaN = absent from a round); null without a bootstrap. */
  samples: Float64Array | null;
}

/** The per-model metadata the views need (DESIGN section 14 fields; extra fields ignored). */
export interface ModelCovariates {
  /** Billions of parameters (total; for mixture-of-experts models the total, not the active count). */
  parameters?: number | null;
  pricing?: { input?: number | null; output?: number | null } | null;
}

export type AdjustedKind = "price" | "size";

/** The covariate label published with each view. */
export const COVARIATE_LABEL: Record<AdjustedKind, string> = {
  price: "log10(output price, USD per 1M tokens)",
  size: "log10(parameters, billions)",
};

/** Fewer models with a known covariate than this: the view is omitted. */
export const MIN_ADJUSTED_MODELS = 3;

export interface AdjustedModel {
  model: string;
  /** The covariate value x used in the fit. */
  x: number;
  /** rating − (intercept + slope·x), full data. */
  adjusted: number;
  /** Percentile interval of the per-round residual; null without a bootstrap. */
  ci: [number, number] | null;
}

export interface AdjustedView {
  covariate: string;
  fit: {
    intercept: number;
    /** Rating points per unit of x (per factor 10 of price or of parameters). */
    slope: number;
    /** Percentile intervals of the per-round refits; null without a bootstrap. */
    ci: { intercept: [number, number]; slope: [number, number] } | null;
  };
  /** Models with a known covariate, sorted by adjusted score descending (ties by name). */
  models: AdjustedModel[];
}

/**
 * The covariate x for one model: log10(pricing.output) for "price", log10(parameters) for "size"; null when
 * unknown or not positive (a free model has no log price, so it is left out of the price view).
 */
export function covariateOf(meta: ModelCovariates | null | undefined, kind: AdjustedKind): number | null {
  if (!meta) return null;
  const v = kind === "price" ? meta.pricing?.output : meta.parameters;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.log10(v) : null;
}

/** Least squares y = a + b·x over the models in `idx` whose y (at offset + k) is finite; null with fewer than 2. */
function ols(
  x: Float64Array,
  y: ArrayLike<number>,
  offset: number,
  idx: Int32Array,
): { a: number; b: number; count: number } | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let q = 0; q < idx.length; q++) {
    const k = idx[q] as number;
    const v = y[offset + k] as number;
    if (!Number.isFinite(v)) continue;
    n++;
    sx += x[k] as number;
    sy += v;
  }
  if (n < 2) return null;
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let q = 0; q < idx.length; q++) {
    const k = idx[q] as number;
    const v = y[offset + k] as number;
    if (!Number.isFinite(v)) continue;
    const dx = (x[k] as number) - mx;
    sxx += dx * dx;
    sxy += dx * (v - my);
  }
  // All x equal: the slope is not identified; the fit is the mean (slope 0).
  const b = sxx > 0 ? sxy / sxx : 0;
  return { a: my - b * mx, b, count: n };
}

function interval(values: Float64Array, m: number, level: number): [number, number] | null {
  if (m === 0) return null;
  const s = values.subarray(0, m).sort();
  const q = (1 - level) / 2;
  return [quantileSorted(s, q), quantileSorted(s, 1 - q)];
}

/**
 * One adjusted view. `x` maps a model name to its covariate (already transformed, e.g. by `covariateOf`);
 * models without a finite value are left out. Null when fewer than MIN_ADJUSTED_MODELS board models have one.
 * Cost: O(rounds × models) after the board's bootstrap.
 */
export function adjustedView(
  board: BoardRatings,
  x: ReadonlyMap<string, number | null>,
  opts: { covariate: string; level?: number },
): AdjustedView | null {
  const level = opts.level ?? 0.95;
  const n = board.models.length;
  const xs = new Float64Array(n).fill(NaN);
  const known: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = x.get(board.models[k] as string);
    if (typeof v === "number" && Number.isFinite(v)) {
      xs[k] = v;
      known.push(k);
    }
  }
  if (known.length < MIN_ADJUSTED_MODELS) return null;
  const idx = Int32Array.from(known);
  const full = ols(xs, board.ratings, 0, idx);
  if (!full) return null;

  const samples = board.samples;
  const R = samples && n > 0 ? Math.floor(samples.length / n) : 0;
  // resid[q * R + r]: round r's residual of known model q.
  const resid = new Float64Array(known.length * R).fill(NaN);
  const as = new Float64Array(R);
  const bs = new Float64Array(R);
  let fits = 0;
  for (let r = 0; r < R; r++) {
    const f = ols(xs, samples!, r * n, idx);
    // A round needs as many known models as the view itself, or its line is not comparable.
    if (!f || f.count < MIN_ADJUSTED_MODELS) continue;
    as[fits] = f.a;
    bs[fits] = f.b;
    fits++;
    for (let q = 0; q < known.length; q++) {
      const k = known[q] as number;
      const v = samples![r * n + k] as number;
      if (Number.isFinite(v)) resid[q * R + r] = v - (f.a + f.b * (xs[k] as number));
    }
  }
  const col = new Float64Array(R);
  const models: AdjustedModel[] = known.map((k, q) => {
    let m = 0;
    for (let r = 0; r < R; r++) {
      const v = resid[q * R + r] as number;
      if (!Number.isNaN(v)) col[m++] = v;
    }
    return {
      model: board.models[k] as string,
      x: xs[k] as number,
      adjusted: (board.ratings[k] as number) - (full.a + full.b * (xs[k] as number)),
      ci: interval(col, m, level),
    };
  });
  models.sort((p, q) => q.adjusted - p.adjusted || (p.model < q.model ? -1 : p.model > q.model ? 1 : 0));
  const ia = interval(as, fits, level);
  const ib = interval(bs, fits, level);
  return {
    covariate: opts.covariate,
    fit: { intercept: full.a, slope: full.b, ci: ia && ib ? { intercept: ia, slope: ib } : null },
    models,
  };
}

/**
 * DESIGN section 14 `adjusted: {"price", "size"}` for one board: each view present only when at least
 * MIN_ADJUSTED_MODELS of the board's models have that covariate.
 */
export function adjustedViews(
  board: BoardRatings,
  metadata: ReadonlyMap<string, ModelCovariates | null | undefined>,
  opts: { level?: number } = {},
): { price?: AdjustedView; size?: AdjustedView } {
  const out: { price?: AdjustedView; size?: AdjustedView } = {};
  for (const kind of ["price", "size"] as const) {
    const x = new Map<string, number | null>();
    for (const m of board.models) x.set(m, covariateOf(metadata.get(m), kind));
    const v = adjustedView(board, x, { covariate: COVARIATE_LABEL[kind], level: opts.level });
    if (v) out[kind] = v;
  }
  return out;
}

export interface FrontierPoint {
  model: string;
  rating: number;
  price: number;
}

/**
 * The price–score Pareto frontier: exactly the models no other model dominates, where q dominates p when
 * q.price ≤ p.price and q.rating ≥ p.rating with at least one strict. Ties: two models with equal price and
 * equal rating do not dominate each other, so both are on the frontier (or both off). Models with a
 * non-finite price or rating are ignored (negative and zero prices are compared as given). Sorted by price
 * ascending, then rating descending, then name. O(n log n).
 */
export function paretoFrontier(models: readonly FrontierPoint[]): FrontierPoint[] {
  const pts = models.filter((m) => Number.isFinite(m.price) && Number.isFinite(m.rating));
  pts.sort((p, q) => p.price - q.price || q.rating - p.rating || (p.model < q.model ? -1 : p.model > q.model ? 1 : 0));
  const out: FrontierPoint[] = [];
  let best = -Infinity; // best rating among strictly cheaper models
  for (let s = 0; s < pts.length;) {
    let e = s;
    while (e < pts.length && (pts[e] as FrontierPoint).price === (pts[s] as FrontierPoint).price) e++;
    // Within one price only the group's top rating can survive; it survives iff it beats every cheaper model.
    const top = (pts[s] as FrontierPoint).rating;
    if (top > best) for (let k = s; k < e && (pts[k] as FrontierPoint).rating === top; k++) out.push(pts[k]!);
    if (top > best) best = top;
    s = e;
  }
  return out;
}

/**
 * The frontier of a board on output price (`pricing.output`, USD per 1M tokens, the price of the price view):
 * models with a known, non-negative price. Takes the published entries ({model, rating}, any order).
 */
export function boardFrontier(
  models: readonly { model: string; rating: number }[],
  metadata: ReadonlyMap<string, ModelCovariates | null | undefined>,
): FrontierPoint[] {
  const pts: FrontierPoint[] = [];
  for (const m of models) {
    const price = metadata.get(m.model)?.pricing?.output;
    if (typeof price === "number" && Number.isFinite(price) && price >= 0)
      pts.push({ model: m.model, rating: m.rating, price });
  }
  return paretoFrontier(pts);
}
