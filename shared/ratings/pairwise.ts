// Pairwise matrices as FastChat's compute_pairwise_win_fraction / battle counts: ties excluded.
// winFraction[i][j] = share of i's non-tie battles against j that i won (null on the diagonal and where there
// were none); battles[i][j] = non-tie battles between i and j in either seat (0 on the diagonal: self-battles
// are not a pairing). Built from the aggregated cells, so it costs O(cells).
import type { CellTable } from "./aggregate";

export interface Pairwise {
  models: string[];
  winFraction: (number | null)[][];
  battles: number[][];
}

/** `order` lists board model indices in output order (e.g. by rating, descending). */
export function pairwiseMatrices(cells: CellTable, order: ArrayLike<number>): Pairwise {
  const n = cells.models.length;
  const wins = new Float64Array(n * n); // wins[i*n+j]: non-tie wins of i over j
  for (let c = 0; c < cells.length; c++) {
    const a = cells.a[c] as number;
    const b = cells.b[c] as number;
    const o = cells.outcome[c] as number;
    if (a === b || o >= 2) continue;
    const k = cells.count[c] as number;
    if (o === 0) wins[a * n + b]! += k;
    else wins[b * n + a]! += k;
  }
  const m = order.length;
  const models: string[] = [];
  const winFraction: (number | null)[][] = [];
  const battles: number[][] = [];
  for (let r = 0; r < m; r++) {
    const i = order[r] as number;
    models.push(cells.models[i] as string);
    const wf: (number | null)[] = [];
    const bt: number[] = [];
    for (let s = 0; s < m; s++) {
      const j = order[s] as number;
      if (i === j) {
        wf.push(null);
        bt.push(0);
        continue;
      }
      const wij = wins[i * n + j] as number;
      const tot = wij + (wins[j * n + i] as number);
      wf.push(tot > 0 ? wij / tot : null);
      bt.push(tot);
    }
    winFraction.push(wf);
    battles.push(bt);
  }
  return { models, winFraction, battles };
}
