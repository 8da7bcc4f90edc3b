// The battle table the ratings engine works on: columnar, typed and compact (25 bytes per battle with the default
// four style features, 29 with emoji as a fifth: 2+2 model indices, 1 outcome, 4 category bits, 4 per feature), so the 3 million battles of an arena fit in a Worker's 128 MB and every pass over them is a tight
// loop (DESIGN section 7, docs/ratings.md "Scale"). Produced by the input parsers (CLI and cron worker alike);
// consumed by the Bradley–Terry, bootstrap, style-control and Elo code. Pure TypeScript: no platform imports.

/** FastChat winner values (DESIGN section 7). Index = the code stored in `BattleTable.outcome`. */
export const OUTCOMES = ["model_a", "model_b", "tie", "tie (bothbad)"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_CODE: Record<Outcome, number> = { model_a: 0, model_b: 1, tie: 2, "tie (bothbad)": 3 };

/**
 * Every style feature the engine knows, in their canonical order (DESIGN sections 7 and 14). A table stores any
 * subset of them, always in this order. `emoji` (style control v2) is opt-in: `--style-features` on the CLI.
 */
export const ALL_STYLE_FEATURES = ["length", "header", "list", "bold", "emoji"] as const;
export type StyleFeature = (typeof ALL_STYLE_FEATURES)[number];

/** The default style features of DESIGN section 7, in this order: what the cron publishes. */
export const STYLE_FEATURES = ["length", "header", "list", "bold"] as const;
/** The width of a default table's style rows. A table's own width is `styleWidth(table)`. */
export const STYLE_WIDTH = STYLE_FEATURES.length;

/** The style features a table's `style` rows hold (absent = the default four). */
export function styleFeaturesOf(table: Pick<BattleTable, "styleFeatures">): readonly StyleFeature[] {
  return table.styleFeatures ?? STYLE_FEATURES;
}

/** Floats per row in a table's `style` column. */
export function styleWidth(table: Pick<BattleTable, "styleFeatures">): number {
  return styleFeaturesOf(table).length;
}

/**
 * Parses a comma-separated feature list ("length,header,list,bold,emoji") into canonical order. Throws an Error
 * naming the problem for an unknown name, a repeated name or an empty list.
 */
export function parseStyleFeatures(text: string): StyleFeature[] {
  const names = text.split(",").map((s) => s.trim());
  if (names.length === 0 || names.some((n) => n === ""))
    throw new Error(`style features must be a comma-separated list of ${ALL_STYLE_FEATURES.join(", ")}`);
  const seen = new Set<string>();
  for (const n of names) {
    if (!(ALL_STYLE_FEATURES as readonly string[]).includes(n))
      throw new Error(`unknown style feature "${n}" (known: ${ALL_STYLE_FEATURES.join(", ")})`);
    if (seen.has(n)) throw new Error(`style feature "${n}" given twice`);
    seen.add(n);
  }
  return ALL_STYLE_FEATURES.filter((f) => seen.has(f));
}

/** True when `features` is exactly the default four (the published boards' set). */
export function isDefaultStyleFeatures(features: readonly StyleFeature[]): boolean {
  return features.length === STYLE_FEATURES.length && features.every((f, k) => f === STYLE_FEATURES[k]);
}

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
   * Style features per row, row-major [i * W + f] with W = `styleWidth(table)`, in `styleFeaturesOf(table)`
   * order: the normalised difference d = (a − b)/(a + b + 1) of side A's and side B's counts (all the style fit
   * uses), stored as float32 (see `styleDifference`), 4·W bytes per row; NaN for a row without counts (and, per
   * feature, NaN for a feature the row has no count for, e.g. emoji on a row from before emoji were counted);
   * null when no row had any.
   */
  style: Float32Array | null;
  /**
   * The features `style` holds, in canonical order (ALL_STYLE_FEATURES); absent = the default four
   * (STYLE_FEATURES). Set by the parser when asked for another set (`BuilderOptions.styleFeatures`).
   */
  styleFeatures?: readonly StyleFeature[];
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

/**
 * Writes row i's style features from per-side counts ([length, header, list, bold] or
 * [length, header, list, bold, emoji] each: ALL_STYLE_FEATURES order). `columns` (default [0, 1, 2, 3], the
 * default features) picks which counts the row keeps, by index into ALL_STYLE_FEATURES; a count that is missing
 * (e.g. no emoji count) gives NaN.
 */
export function setStyleCounts(
  style: Float32Array,
  i: number,
  countsA: ArrayLike<number>,
  countsB: ArrayLike<number>,
  columns?: ArrayLike<number>,
): void {
  if (!columns) {
    for (let f = 0; f < STYLE_WIDTH; f++) style[i * STYLE_WIDTH + f] = styleDifference(countsA[f]!, countsB[f]!);
    return;
  }
  const W = columns.length;
  for (let f = 0; f < W; f++) {
    const c = columns[f]!;
    const a = c < countsA.length ? countsA[c]! : NaN;
    const b = c < countsB.length ? countsB[c]! : NaN;
    style[i * W + f] = styleDifference(a, b);
  }
}

/** Indices into ALL_STYLE_FEATURES of the given features (the `columns` of setStyleCounts). */
export function styleColumns(features: readonly StyleFeature[]): Uint8Array {
  return Uint8Array.from(features.map((f) => ALL_STYLE_FEATURES.indexOf(f)));
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
