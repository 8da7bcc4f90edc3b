// One leaderboard board (DESIGN section 6: `categories.<name>.models` and `.pairwise`) from a BattleTable.
// Why one function: filtering (--min-votes), aggregation, the fit, the bootstrap, ranks, Elo and the pairwise
// matrices must agree on the same battle set. Everything is kept at full precision internally (`raw`); only
// the output objects are rounded to 6 decimals (Math.round(x·1e6)/1e6): far below any interval's width, yet
// precise enough that the printed ratings still satisfy the MLE score equations to ~1e-9 of each battle count.
import { aggregate, tableVotes, type CellTable, type RowFilter } from "./aggregate";
import { bootstrapBT, ranksFromIntervals } from "./bootstrap";
import { DEFAULT_RIDGE, fitBT, identifiability } from "./bt";
import { onlineElo } from "./elo";
import { pairwiseMatrices, type Pairwise } from "./pairwise";
import { sandwichIntervals } from "./sandwich";
import { buildPairMap } from "./pairs";
import { thetaToRatings, type Anchor } from "./scale";
import type { BattleTable } from "./table";

export interface BoardOptions {
  /** Board name (also part of the bootstrap seed key). */
  name: string;
  filter?: RowFilter;
  /** Bootstrap rounds; default 100; 0 = no intervals. */
  bootstrap?: number;
  seed?: number | string;
  level?: number;
  anchor?: Anchor | null;
  /** Drop models with fewer battles on this board (and their battles) before fitting. Default 0. */
  minVotes?: number;
  /** Online Elo `elo` field (default true; rows must be in time order). */
  elo?: boolean;
  /** Interval method (default "bootstrap"). "sandwich": normal intervals from the robust covariance. */
  ci?: "bootstrap" | "sandwich";
  /**
   * "bonferroni": each interval at level 1 − (1 − level)/models, so all hold simultaneously (ranks from them
   * are simultaneous too). With the bootstrap this reads far-tail percentiles, so use many rounds.
   */
  correction?: "none" | "bonferroni";
  /** Weight battles by 1/samplingProbability (no-op, reported `ipw: false`, when the table has none). */
  ipw?: boolean;
}

export interface BoardModel {
  model: string;
  rating: number;
  /**
   * Percentile bootstrap (or sandwich) interval; null when there are no intervals (bootstrap = 0), or for a
   * model that never met another model (only self-battles).
   */
  ci: [number, number] | null;
  votes: number;
  rank: number;
  elo?: number;
  provisional?: true;
}

export interface BoardMethod {
  /** Ridge λ added to the summed log-loss ((λ/2)‖θ‖², θ in natural logits), or null when the MLE exists. */
  ridge: number | null;
  provisional: string[];
  iterations: number;
  /** max over models of |expected − observed wins| / battles at the reported solution. */
  maxRelScore: number;
  bootstrapRounds: number;
  /** Bootstrap rounds whose resample had no MLE and were fitted with the ridge. */
  bootstrapRidgeRounds: number;
  level: number;
  ci: "bootstrap" | "sandwich";
  correction: "none" | "bonferroni";
  /** Level actually used per interval (after the correction). */
  perIntervalLevel: number;
  /** True when inverse-probability weights were applied. */
  ipw: boolean;
  /** False when an anchor was requested but the model is not on this board (mean-1000 centring used). */
  anchored: boolean;
  /** Models removed by --min-votes. */
  droppedModels: string[];
}

export interface BoardResult {
  battles: number;
  models: BoardModel[];
  pairwise: Pairwise;
  method: BoardMethod;
  /** Full-precision values in board order (models sorted by name). */
  raw: {
    models: string[];
    theta: Float64Array;
    ratings: Float64Array;
    lower: Float64Array | null;
    upper: Float64Array | null;
    votes: Float64Array;
    cells: CellTable;
    /** Bootstrap ratings, rounds × models row-major (NaN = absent from a round); null without a bootstrap. */
    samples: Float64Array | null;
  };
}

export function roundOutput(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Compute a board. */
export function computeBoard(table: BattleTable, opts: BoardOptions): BoardResult {
  const baseFilter: RowFilter = opts.filter ?? {};
  const rounds = Math.max(0, Math.floor(opts.bootstrap ?? 100));
  const level = opts.level ?? 0.95;
  const anchor = opts.anchor ?? null;

  // --min-votes: one pass on the board's own vote counts; the dropped models' battles go with them.
  let filter = baseFilter;
  const dropped: string[] = [];
  const minVotes = opts.minVotes ?? 0;
  if (minVotes > 0) {
    const votes = tableVotes(table, baseFilter);
    const exclude = new Uint8Array(table.models.length);
    if (baseFilter.excludeModels) exclude.set(baseFilter.excludeModels.subarray(0, exclude.length));
    for (let m = 0; m < votes.length; m++) {
      const v = votes[m] as number;
      if (v > 0 && v < minVotes && !exclude[m]) {
        exclude[m] = 1;
        dropped.push(table.models[m] as string);
      }
    }
    dropped.sort();
    filter = { ...baseFilter, excludeModels: exclude };
  }

  const cells = aggregate(table, filter, { ipw: opts.ipw === true });
  const n = cells.models.length;
  const map = buildPairMap(cells);
  const ident = identifiability(map.pairs);
  const ridge = ident.exists ? 0 : DEFAULT_RIDGE;
  const fit = fitBT(map.pairs, { ridge });
  const { ratings, anchored } = thetaToRatings(fit.theta, cells.models, anchor);

  const ciMethod = opts.ci ?? "bootstrap";
  const correction = opts.correction ?? "none";
  const perLevel = correction === "bonferroni" && n > 0 ? 1 - (1 - level) / n : level;
  const anchorIndex = anchor && anchored ? cells.models.indexOf(anchor.model) : -1;
  let lower: Float64Array | null = null;
  let upper: Float64Array | null = null;
  let ridgeRounds = 0;
  let usedRounds = 0;
  let samples: Float64Array | null = null;
  if (ciMethod === "sandwich" && n > 0) {
    const sw = sandwichIntervals(cells, map.pairs, fit.theta, ratings, ridge, anchorIndex, perLevel);
    lower = sw.lower;
    upper = sw.upper;
  } else if (rounds > 0 && n > 0) {
    const bs = bootstrapBT(cells, map, fit.theta, ratings, {
      rounds,
      seed: opts.seed ?? 0,
      board: opts.name,
      level: perLevel,
      ridge,
      anchorIndex,
    });
    lower = bs.lower;
    upper = bs.upper;
    ridgeRounds = bs.ridgeRounds;
    usedRounds = rounds;
    samples = bs.samples;
  }
  // A model with no interval (no battle against another model in any round) ranks by its point rating.
  const lo = Float64Array.from(lower ?? ratings, (v, k) => (Number.isFinite(v) ? v : (ratings[k] as number)));
  const hi = Float64Array.from(upper ?? ratings, (v, k) => (Number.isFinite(v) ? v : (ratings[k] as number)));
  const rank = ranksFromIntervals(lo, hi);
  const elo = opts.elo === false ? null : onlineElo(table, filter);

  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => {
    const d = (ratings[y] as number) - (ratings[x] as number);
    return d !== 0 ? d : x - y;
  });
  const models: BoardModel[] = order.map((k) => {
    const m: BoardModel = {
      model: cells.models[k] as string,
      rating: roundOutput(ratings[k] as number),
      ci:
        lower && upper && Number.isFinite(lower[k]) && Number.isFinite(upper[k])
          ? [roundOutput(lower[k] as number), roundOutput(upper[k] as number)]
          : null,
      votes: cells.votes[k] as number,
      rank: rank[k] as number,
    };
    if (elo) m.elo = roundOutput(elo[cells.tableIndex[k] as number] as number);
    if (!ident.exists && ident.provisional[k]) m.provisional = true;
    return m;
  });
  const provisional = ident.exists ? [] : cells.models.filter((_, k) => ident.provisional[k]);

  return {
    battles: cells.battles,
    models,
    pairwise: pairwiseMatrices(cells, order),
    method: {
      ridge: ident.exists ? null : ridge,
      provisional,
      iterations: fit.iterations,
      maxRelScore: fit.maxRelScore,
      bootstrapRounds: usedRounds,
      bootstrapRidgeRounds: ridgeRounds,
      level,
      ci: ciMethod,
      correction,
      perIntervalLevel: perLevel,
      ipw: cells.weight !== null,
      anchored: anchor ? anchored : true,
      droppedModels: dropped,
    },
    raw: { models: cells.models, theta: fit.theta, ratings, lower, upper, votes: cells.votes, cells, samples },
  };
}
