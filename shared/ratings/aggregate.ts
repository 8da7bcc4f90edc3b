// Aggregation of battle rows into unique (modelA, modelB, outcome) cells with counts. Why: Bradley–Terry, the
// bootstrap and the pairwise matrices only need these counts (a few thousand cells for millions of rows), and a
// canonical order (models sorted by name, cells by a, b, outcome) makes every later result independent of the
// row order and of the order in which the parser happened to meet the model names (DESIGN section 7).
import type { BattleTable } from "./table";

/** Which rows of a BattleTable belong to a board. All conditions must hold. */
export interface RowFilter {
  /** Keep rows whose categoryBits intersect this mask (e.g. 1 << k for `table.categories[k]`). */
  categoryMask?: number;
  /** Keep rows whose categoryBits contain none of these bits. */
  excludeMask?: number;
  /** Keep rows i with rowMask[i] !== 0. */
  rowMask?: Uint8Array | null;
  /** Drop rows where either side is a model with excludeModels[tableModelIndex] !== 0 (used by --min-votes). */
  excludeModels?: Uint8Array | null;
  /** Drop tie rows (both kinds): the `no_tie` view. */
  noTies?: boolean;
  /**
   * Keep only rows with `table.tstamp[i] < tstampBefore` (seconds): the battle set as it stood at that time
   * (change over time). Rows without a tstamp (NaN) and tables without the column keep no row.
   */
  tstampBefore?: number;
}

/** Aggregated cells of one board. Model indices here are board indices into `models` (sorted by name). */
export interface CellTable {
  /** Models with at least one battle on the board, sorted by name (code-unit order). */
  models: string[];
  /** Board model index -> BattleTable model index. */
  tableIndex: Int32Array;
  /** Number of cells. */
  length: number;
  a: Int32Array;
  b: Int32Array;
  /** OUTCOME_CODE. */
  outcome: Uint8Array;
  /** Number of battles in the cell. */
  count: Float64Array;
  /**
   * Inverse-probability weights (--ipw): Σ w per cell and Σ w² per cell, null without IPW. w = 1/p for rows
   * with a recorded sampling probability in (0, 1]; rows without one get the mean of the known weights; all
   * weights are then scaled so Σ w = battles (keeps the likelihood on the battle scale).
   */
  weight: Float64Array | null;
  weight2: Float64Array | null;
  /** Battles each board model took part in; a self-battle counts twice (once as A, once as B). */
  votes: Float64Array;
  /** Total battles (rows) on the board. */
  battles: number;
}

/** True when row i passes the filter. Kept small so the row loop stays monomorphic. */
export function rowPasses(table: BattleTable, i: number, f: RowFilter): boolean {
  const bits = table.categoryBits[i] as number;
  if (f.categoryMask !== undefined && (bits & f.categoryMask) === 0) return false;
  if (f.excludeMask !== undefined && (bits & f.excludeMask) !== 0) return false;
  if (f.rowMask && f.rowMask[i] === 0) return false;
  if (f.noTies && (table.outcome[i] as number) >= 2) return false;
  if (f.tstampBefore !== undefined) {
    const ts = table.tstamp;
    if (!ts || !((ts[i] as number) < f.tstampBefore)) return false;
  }
  if (f.excludeModels) {
    if (f.excludeModels[table.modelA[i] as number] !== 0 || f.excludeModels[table.modelB[i] as number] !== 0)
      return false;
  }
  return true;
}

/** Per-model battle counts over the filtered rows, indexed by BattleTable model index (self-battles count 2). */
export function tableVotes(table: BattleTable, filter: RowFilter = {}): Float64Array {
  const votes = new Float64Array(table.models.length);
  for (let i = 0; i < table.length; i++) {
    if (!rowPasses(table, i, filter)) continue;
    votes[table.modelA[i] as number]! += 1;
    votes[table.modelB[i] as number]! += 1;
  }
  return votes;
}

const DENSE_LIMIT = 1 << 22; // models²·4 up to 4M counters (16 MB) counted densely; beyond that, a Map

export interface AggregateOptions {
  /** Weight rows by 1/samplingProbability (ignored, weights null, when the table has no probabilities). */
  ipw?: boolean;
}

/** IPW row weights (1/p, unknown → mean of known, scaled to Σw = rows passing), or null when unavailable. */
function ipwWeights(table: BattleTable, filter: RowFilter): Float64Array | null {
  const sp = table.samplingProbability;
  if (!sp) return null;
  const w = new Float64Array(table.length);
  let known = 0;
  let sumKnown = 0;
  let rows = 0;
  for (let i = 0; i < table.length; i++) {
    if (!rowPasses(table, i, filter)) continue;
    rows++;
    const p = sp[i] as number;
    if (p > 0 && p <= 1) {
      w[i] = 1 / p;
      sumKnown += 1 / p;
      known++;
    } else w[i] = NaN;
  }
  if (known === 0) return null;
  const fill = sumKnown / known;
  const scale = rows / (sumKnown + (rows - known) * fill);
  for (let i = 0; i < table.length; i++) {
    const v = w[i] as number;
    w[i] = (Number.isNaN(v) ? fill : v) * scale;
  }
  return w;
}

/** Aggregate the filtered rows of `table` into canonical sorted cells. O(rows + cells·log cells). */
export function aggregate(table: BattleTable, filter: RowFilter = {}, opts: AggregateOptions = {}): CellTable {
  const M = table.models.length;
  const rowW = opts.ipw ? ipwWeights(table, filter) : null;
  const wsum = new Map<number, number>();
  const w2sum = new Map<number, number>();
  const keys: number[] = [];
  const counts: number[] = [];
  let battles = 0;
  const simple =
    filter.categoryMask === undefined &&
    filter.excludeMask === undefined &&
    !filter.rowMask &&
    !filter.excludeModels &&
    !filter.noTies &&
    filter.tstampBefore === undefined;
  if (M * M * 4 <= DENSE_LIMIT) {
    const dense = new Uint32Array(M * M * 4);
    const A = table.modelA;
    const B = table.modelB;
    const O = table.outcome;
    for (let i = 0; i < table.length; i++) {
      if (!simple && !rowPasses(table, i, filter)) continue;
      const k = ((A[i] as number) * M + (B[i] as number)) * 4 + (O[i] as number);
      dense[k]! += 1;
      battles++;
      if (rowW) addWeight(wsum, w2sum, k, rowW[i] as number);
    }
    for (let k = 0; k < dense.length; k++) {
      const c = dense[k] as number;
      if (c > 0) {
        keys.push(k);
        counts.push(c);
      }
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < table.length; i++) {
      if (!simple && !rowPasses(table, i, filter)) continue;
      const k = ((table.modelA[i] as number) * M + (table.modelB[i] as number)) * 4 + (table.outcome[i] as number);
      map.set(k, (map.get(k) ?? 0) + 1);
      battles++;
      if (rowW) addWeight(wsum, w2sum, k, rowW[i] as number);
    }
    for (const [k, c] of map) {
      keys.push(k);
      counts.push(c);
    }
  }

  // Board models: those that appear, sorted by name.
  const present = new Uint8Array(M);
  for (const k of keys) {
    const ab = Math.floor(k / 4);
    present[Math.floor(ab / M)] = 1;
    present[ab % M] = 1;
  }
  const tableIdx: number[] = [];
  for (let m = 0; m < M; m++) if (present[m]) tableIdx.push(m);
  tableIdx.sort((x, y) => {
    const sx = table.models[x] as string;
    const sy = table.models[y] as string;
    return sx < sy ? -1 : sx > sy ? 1 : x - y;
  });
  const boardOf = new Int32Array(M).fill(-1);
  tableIdx.forEach((t, bi) => (boardOf[t] = bi));
  const N = tableIdx.length;

  const n = keys.length;
  const newKey = new Float64Array(n);
  for (let c = 0; c < n; c++) {
    const k = keys[c] as number;
    const o = k % 4;
    const ab = (k - o) / 4;
    newKey[c] = ((boardOf[Math.floor(ab / M)] as number) * N + (boardOf[ab % M] as number)) * 4 + o;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => (newKey[x] as number) - (newKey[y] as number));
  const out: CellTable = {
    models: tableIdx.map((t) => table.models[t] as string),
    tableIndex: Int32Array.from(tableIdx),
    length: n,
    a: new Int32Array(n),
    b: new Int32Array(n),
    outcome: new Uint8Array(n),
    count: new Float64Array(n),
    weight: rowW ? new Float64Array(n) : null,
    weight2: rowW ? new Float64Array(n) : null,
    votes: new Float64Array(N),
    battles,
  };
  for (let c = 0; c < n; c++) {
    const src = order[c] as number;
    const k = newKey[src] as number;
    const o = k % 4;
    const ab = (k - o) / 4;
    const a = Math.floor(ab / N);
    const b = ab % N;
    const cnt = counts[src] as number;
    out.a[c] = a;
    out.b[c] = b;
    out.outcome[c] = o;
    out.count[c] = cnt;
    if (out.weight && out.weight2) {
      const old = keys[src] as number;
      out.weight[c] = wsum.get(old) ?? 0;
      out.weight2[c] = w2sum.get(old) ?? 0;
    }
    out.votes[a]! += cnt;
    out.votes[b]! += cnt;
  }
  return out;
}

// Weight sums per cell key; a Map is fine here (only with --ipw, one lookup per row).
function addWeight(wsum: Map<number, number>, w2sum: Map<number, number>, k: number, w: number): void {
  wsum.set(k, (wsum.get(k) ?? 0) + w);
  w2sum.set(k, (w2sum.get(k) ?? 0) + w * w);
}
