// Online Elo as FastChat's compute_elo (K=4, base 10, scale 400, start 1000), in row order = time order. Why kept
// beside BT: it is the historical `elo` field; unlike BT it depends on the order, so the caller passes rows in
// (tstamp, id) order. A win scores 1, both tie kinds ½; a self-battle nets to zero.
import { rowPasses, type RowFilter } from "./aggregate";
import type { BattleTable } from "./table";

export interface EloOptions {
  k?: number;
  base?: number;
  scale?: number;
  initial?: number;
}

/** Elo per BattleTable model index (models never seen keep `initial`). */
export function onlineElo(table: BattleTable, filter: RowFilter = {}, opts: EloOptions = {}): Float64Array {
  const K = opts.k ?? 4;
  const base = opts.base ?? 10;
  const scale = opts.scale ?? 400;
  const rating = new Float64Array(table.models.length).fill(opts.initial ?? 1000);
  const lnb = Math.log(base) / scale;
  for (let i = 0; i < table.length; i++) {
    if (!rowPasses(table, i, filter)) continue;
    const a = table.modelA[i] as number;
    const b = table.modelB[i] as number;
    const o = table.outcome[i] as number;
    const ra = rating[a] as number;
    const rb = rating[b] as number;
    const ea = 1 / (1 + Math.exp((rb - ra) * lnb));
    const sa = o === 0 ? 1 : o === 1 ? 0 : 0.5;
    rating[a] = ra + K * (sa - ea);
    rating[b] = (rating[b] as number) - K * (sa - ea);
  }
  return rating;
}
