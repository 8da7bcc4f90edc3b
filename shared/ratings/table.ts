// The battle table the ratings engine works on: columnar and typed, so millions of battles fit in a few hundred MB
// and every pass over them is a tight loop (DESIGN section 7). Produced by the input parsers (CLI) and by the cron
// worker from D1; consumed by the Bradley–Terry, bootstrap, style-control and Elo code. Pure TypeScript: no
// platform imports.

/** FastChat winner values (DESIGN section 7). Index = the code stored in `BattleTable.outcome`. */
export const OUTCOMES = ["model_a", "model_b", "tie", "tie (bothbad)"] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_CODE: Record<Outcome, number> = { model_a: 0, model_b: 1, tie: 2, "tie (bothbad)": 3 };

/** The four style features of DESIGN section 7, per side, in this order. */
export const STYLE_FEATURES = ["length", "header", "list", "bold"] as const;

export interface BattleTable {
  /** Number of battles (rows). Arrays may be longer (capacity); only the first `length` entries are valid. */
  length: number;
  /** Model names; `modelA[i]` is an index into this list. */
  models: string[];
  modelA: Int32Array;
  modelB: Int32Array;
  /** OUTCOME_CODE of the winner. */
  outcome: Uint8Array;
  /** Category names; bit k of `categoryBits[i]` set = row i belongs to `categories[k]` (at most 32). */
  categories: string[];
  categoryBits: Uint32Array;
  /** Style counts per side, row-major [i * 4 + f] in STYLE_FEATURES order; null when the input had none. */
  styleA: Float64Array | null;
  styleB: Float64Array | null;
  /** Probability the shown pair was sampled (for --ipw); NaN when unknown; null when the input had none. */
  samplingProbability: Float64Array | null;
  /** Optional per-row metadata kept for exports and ordering (null when absent in the input). */
  ids: (string | null)[] | null;
  tstamp: Float64Array | null;
}

/** A zero-filled table of `n` rows over `models` (synthetic data, tests, benchmarks). */
export function emptyTable(n: number, models: string[], opts: { style?: boolean } = {}): BattleTable {
  return {
    length: n,
    models,
    modelA: new Int32Array(n),
    modelB: new Int32Array(n),
    outcome: new Uint8Array(n),
    categories: [],
    categoryBits: new Uint32Array(n),
    styleA: opts.style ? new Float64Array(n * STYLE_FEATURES.length) : null,
    styleB: opts.style ? new Float64Array(n * STYLE_FEATURES.length) : null,
    samplingProbability: null,
    ids: null,
    tstamp: null,
  };
}
