// Simulation helpers for the Leaderboard v2 statistics (adjusted views, change over time): battles drawn from
// known true ratings through the same BattleTable the parsers produce, so tests and bench/leaderboard-v2.ts run
// the engine end to end. Shared by test/ratings/v2/*.test.ts and the bench script.
import { Rng } from "../../../shared/ratings/rng";
import { emptyTable, type BattleTable } from "../../../shared/ratings/table";

/** A period of battles: `battles` rows drawn from `truth` (ratings, 400-point logistic scale). */
export interface Segment {
  truth: ArrayLike<number>;
  battles: number;
}

export function modelNames(n: number): string[] {
  return Array.from({ length: n }, (_, m) => `model-${String(m).padStart(3, "0")}`);
}

/**
 * Battles over consecutive periods: segment s's rows get tstamp 1e6·(s + 1) + row offset (seconds), so
 * `tstampBefore: 1e6·(s + 1)` selects the rows of segments < s. Pairs uniform over a ≠ b; a tie with
 * probability `tieRate` (half each kind), otherwise A wins with the BT probability.
 */
export function simulateTable(models: number, segments: Segment[], rng: Rng, tieRate = 0): BattleTable {
  const n = segments.reduce((s, g) => s + g.battles, 0);
  const t = emptyTable(n, modelNames(models));
  t.tstamp = new Float64Array(n);
  let i = 0;
  segments.forEach((seg, s) => {
    for (let k = 0; k < seg.battles; k++, i++) {
      const a = Math.floor(rng.next() * models);
      let b = Math.floor(rng.next() * (models - 1));
      if (b >= a) b++;
      t.modelA[i] = a;
      t.modelB[i] = b;
      t.tstamp![i] = 1e6 * (s + 1) + k;
      const u = rng.next();
      if (u < tieRate) t.outcome[i] = u < tieRate / 2 ? 2 : 3;
      else {
        const p = 1 / (1 + Math.pow(10, ((seg.truth[b] as number) - (seg.truth[a] as number)) / 400));
        t.outcome[i] = rng.next() < p ? 0 : 1;
      }
    }
  });
  t.latestTstamp = n > 0 ? (t.tstamp[n - 1] as number) : null;
  return t;
}

/** Cutoff selecting segments 0..s-1 of simulateTable. */
export function segmentStart(s: number): number {
  return 1e6 * (s + 1);
}
