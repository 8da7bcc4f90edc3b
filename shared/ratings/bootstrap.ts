// Percentile bootstrap of the Bradley–Terry ratings (DESIGN section 7): each round draws multinomial counts over
// the board's cells in their canonical sorted order (total preserved) with a generator seeded by
// `${seed}|${board}|${round}`, refits warm-started from the full-data θ, and aligns to the full-data scale.
// Why cells and not rows: the draw is O(cells) per round and, being over sorted cells, independent of row
// order and of any threading. Intervals are the (1−level)/2 and (1+level)/2 quantiles (numpy "linear").
import type { CellTable } from "./aggregate";
import { DEFAULT_RIDGE, fitBT, identifiability, makeFitWork } from "./bt";
import { multinomial } from "./multinomial";
import { fillPairs, type PairMap } from "./pairs";
import { Rng } from "./rng";
import { alignRound, quantileSorted } from "./scale";

export interface BootstrapOptions {
  rounds: number;
  seed: number | string;
  /** Board name, part of the per-round seed key. */
  board: string;
  /** Interval level, default 0.95. */
  level?: number;
  /** Ridge used for the full fit (0 when the MLE exists). Rounds where the MLE does not exist use DEFAULT_RIDGE. */
  ridge: number;
  /** Index of the anchor model on the board, or -1. */
  anchorIndex: number;
}

export interface BootstrapResult {
  rounds: number;
  level: number;
  lower: Float64Array;
  upper: Float64Array;
  /** rounds × models, row-major; NaN where the model had no battle in that round. */
  samples: Float64Array;
  /** Rounds that needed the ridge because the resample had no MLE. */
  ridgeRounds: number;
}

export function bootstrapKey(seed: number | string, board: string, round: number): string {
  return `${seed}|${board}|${round}`;
}

export function bootstrapBT(
  cells: CellTable,
  map: PairMap,
  fullTheta: Float64Array,
  fullRatings: Float64Array,
  opts: BootstrapOptions,
): BootstrapResult {
  const n = cells.models.length;
  const R = Math.max(0, Math.floor(opts.rounds));
  const level = opts.level ?? 0.95;
  const samples = new Float64Array(R * n);
  const counts = new Float64Array(cells.length);
  const pairs = {
    ...map.pairs,
    wins: new Float64Array(map.pairs.length),
    total: new Float64Array(map.pairs.length),
  };
  const present = new Uint8Array(n);
  const row = new Float64Array(n);
  const work = makeFitWork(n);
  let total = 0;
  for (let c = 0; c < cells.length; c++) total += cells.count[c] as number;
  let ridgeRounds = 0;
  // IPW: rows are resampled (counts), each drawn row carrying its cell's mean weight.
  let scale: Float64Array | null = null;
  if (cells.weight) {
    scale = new Float64Array(cells.length);
    for (let c = 0; c < cells.length; c++)
      scale[c] = (cells.weight[c] as number) / Math.max(1, cells.count[c] as number);
  }
  for (let r = 0; r < R; r++) {
    const rng = Rng.fromKey(bootstrapKey(opts.seed, opts.board, r));
    multinomial(rng, total, cells.count, counts);
    fillPairs(pairs, map.cellPair, map.cellShare, counts, scale);
    present.fill(0);
    for (let p = 0; p < pairs.length; p++) {
      if ((pairs.total[p] as number) > 0) {
        present[pairs.i[p] as number] = 1;
        present[pairs.j[p] as number] = 1;
      }
    }
    let ridge = opts.ridge;
    if (ridge === 0 && !identifiability(pairs).exists) {
      ridge = DEFAULT_RIDGE;
      ridgeRounds++;
    }
    const fit = fitBT(pairs, { init: fullTheta, ridge, work });
    alignRound(fit.theta, present, fullRatings, opts.anchorIndex, row);
    samples.set(row, r * n);
  }
  const lower = new Float64Array(n).fill(NaN);
  const upper = new Float64Array(n).fill(NaN);
  const col = new Float64Array(R);
  const qlo = (1 - level) / 2;
  for (let k = 0; k < n; k++) {
    let m = 0;
    for (let r = 0; r < R; r++) {
      const v = samples[r * n + k] as number;
      if (!Number.isNaN(v)) col[m++] = v;
    }
    const s = col.subarray(0, m).sort();
    lower[k] = quantileSorted(s, qlo);
    upper[k] = quantileSorted(s, 1 - qlo);
  }
  return { rounds: R, level, lower, upper, samples, ridgeRounds };
}

/** rank_i = 1 + #{j : lower_j > upper_i}. With no intervals pass lower = upper = ratings. */
export function ranksFromIntervals(lower: Float64Array, upper: Float64Array): Int32Array {
  const n = lower.length;
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if ((lower[j] as number) > (upper[i] as number)) c++;
    rank[i] = 1 + c;
  }
  return rank;
}
