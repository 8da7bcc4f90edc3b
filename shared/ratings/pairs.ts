// Collapse of cells into unordered model pairs (i < j) with i's wins (a win 1, both tie kinds ½) and the pair's
// battle count. Why: the Bradley–Terry likelihood only depends on these sufficient statistics, so every Newton
// iteration is O(pairs + models³) whatever the number of battles. Self-battles map to no pair: they move nothing.
import type { CellTable } from "./aggregate";

export interface PairStats {
  nModels: number;
  length: number;
  i: Int32Array;
  j: Int32Array;
  /** Wins of i over j, ties counting ½ to each side. */
  wins: Float64Array;
  /** Battles between i and j (either side). */
  total: Float64Array;
}

/** Static map from cells to pairs, built once per board and reused by every bootstrap round. */
export interface PairMap {
  pairs: PairStats;
  /** Cell -> pair index, -1 for self-battles. */
  cellPair: Int32Array;
  /** Share of the cell's count that is a win for the pair's `i` side (1, 0 or ½). */
  cellShare: Float64Array;
}

export function buildPairMap(cells: CellTable): PairMap {
  const N = cells.models.length;
  const pairIndex = new Map<number, number>();
  const pi: number[] = [];
  const pj: number[] = [];
  const cellPair = new Int32Array(cells.length);
  const cellShare = new Float64Array(cells.length);
  for (let c = 0; c < cells.length; c++) {
    const a = cells.a[c] as number;
    const b = cells.b[c] as number;
    if (a === b) {
      cellPair[c] = -1;
      continue;
    }
    const i = Math.min(a, b);
    const j = Math.max(a, b);
    const key = i * N + j;
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = pi.length;
      pairIndex.set(key, p);
      pi.push(i);
      pj.push(j);
    }
    cellPair[c] = p;
    const o = cells.outcome[c] as number;
    // o: 0 = A won, 1 = B won, 2/3 = tie kinds.
    const aWins = o === 0 ? 1 : o === 1 ? 0 : 0.5;
    cellShare[c] = a === i ? aWins : 1 - aWins;
  }
  const n = pi.length;
  const pairs: PairStats = {
    nModels: N,
    length: n,
    i: Int32Array.from(pi),
    j: Int32Array.from(pj),
    wins: new Float64Array(n),
    total: new Float64Array(n),
  };
  fillPairs(pairs, cellPair, cellShare, cells.weight ?? cells.count);
  return { pairs, cellPair, cellShare };
}

/**
 * Refill pair wins/totals from (possibly resampled) cell counts, each multiplied by `scale[c]` when given
 * (IPW: the cell's mean weight). No allocation.
 */
export function fillPairs(
  pairs: PairStats,
  cellPair: Int32Array,
  cellShare: Float64Array,
  counts: Float64Array,
  scale: Float64Array | null = null,
): void {
  pairs.wins.fill(0);
  pairs.total.fill(0);
  for (let c = 0; c < cellPair.length; c++) {
    const p = cellPair[c] as number;
    if (p < 0) continue;
    const k = scale ? (counts[c] as number) * (scale[c] as number) : (counts[c] as number);
    pairs.wins[p]! += k * (cellShare[c] as number);
    pairs.total[p]! += k;
  }
}
