// The battle table the ratings engine works on: columnar, typed and compact (about 25 bytes per battle with style
// features), so the 3 million battles of an arena fit in a Worker's 128 MB and every pass over them is a tight
// loop (DESIGN section 7, docs/ratings.md "Scale"). Produced by the input parsers (CLI and cron worker alike);
// consumed by the Bradley–Terry, bootstrap, style-control and Elo code. Pure TypeScript: no platform imports.

/** FastChat winner values (DESIGN section 7). Index = the code stored in `BattleTable.outcome`. */
export const OUTCOMES = ["model_a", "model_b", "tie", "tie (bothbad)"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_CODE: Record<Outcome, number> = { model_a: 0, model_b: 1, tie: 2, "tie (bothbad)": 3 };

/** The four style features of DESIGN section 7, in this order. */
export const STYLE_FEATURES = ["length", "header", "list", "bold"] as const;
export const STYLE_WIDTH = STYLE_FEATURES.length;

/** Model indices are 16-bit: an input with more distinct models than this is rejected by the parser. */
export const MAX_MODELS = 65536;

export interface BattleTable {
  /** Number of battles (rows). */
  length: number;
  /** Model names; `modelA[i]` is an index into this list. */
  models: string[];
  modelA: Uint16Array;
  modelB: Uint16Array;
  /** OUTCOME_CODE of the winner. */
  outcome: Uint8Array;
  /** Category names; bit k of `categoryBits[i]` set = row i belongs to `categories[k]` (at most 32). */
  categories: string[];
  categoryBits: Uint32Array;
  /**
   * Style features per row, row-major [i * 4 + f] in STYLE_FEATURES order: the normalised difference
   * d = (a − b)/(a + b + 1) of side A's and side B's counts (all the style fit uses), stored as float32 (see
   * `styleDifference`); NaN for a row without counts; null when no row had any.
   */
  style: Float32Array | null;
  /** Probability the shown pair was sampled (for --ipw); NaN when unknown; null when the input had none. */
  samplingProbability: Float64Array | null;
  /** The latest `tstamp` of the rows (seconds), or null when no row had one. */
  latestTstamp: number | null;
  /**
   * Per-row `tstamp` (seconds, as in the export line; NaN for a row without one), for the time filter
   * `RowFilter.tstampBefore` (change over time, docs/ratings.md "Leaderboard v2"). 8 bytes per row, allocated
   * only when some row has a tstamp and the parser was asked to keep them (`BuilderOptions.tstamp: true`);
   * absent/null otherwise.
   */
  tstamp?: Float64Array | null;
}

/**
 * d = (a − b)/(a + b + 1) for one feature, rounded to float32 as the table stores it. Every path into a table
 * (parsers, synthetic data, tests) goes through here, so the CLI and the cron worker see identical features.
 */
export function styleDifference(a: number, b: number): number {
  return Math.fround((a - b) / (a + b + 1));
}

/** Writes row i's style features from per-side counts ([length, header, list, bold] each). */
export function setStyleCounts(
  style: Float32Array,
  i: number,
  countsA: ArrayLike<number>,
  countsB: ArrayLike<number>,
): void {
  for (let f = 0; f < STYLE_WIDTH; f++) style[i * STYLE_WIDTH + f] = styleDifference(countsA[f]!, countsB[f]!);
}

/** A zero-filled table of `n` rows over `models` (synthetic data, tests, benchmarks). */
export function emptyTable(n: number, models: string[], opts: { style?: boolean } = {}): BattleTable {
  if (models.length > MAX_MODELS) throw new Error(`at most ${MAX_MODELS} models`);
  return {
    length: n,
    models,
    modelA: new Uint16Array(n),
    modelB: new Uint16Array(n),
    outcome: new Uint8Array(n),
    categories: [],
    categoryBits: new Uint32Array(n),
    style: opts.style ? new Float32Array(n * STYLE_WIDTH) : null,
    samplingProbability: null,
    latestTstamp: null,
  };
}
