// Leaderboard v2 change over time (issue 16): each model's rating change between an earlier battle set (the rows
// with tstamp < `before`) and the current one, with an interval, a p-value and a significance flag after Holm's
// correction over all models. Why a PAIRED bootstrap: the earlier set is a subset of the current one, so the two
// ratings share most of their battles and are strongly correlated; treating them as independent would make every
// interval far too wide. Each round resamples the current battles once (a multinomial over cells split into
// "earlier" and "new" parts, equivalent to resampling rows), fits the current set and its earlier subset on that
// same resample and takes the difference: the shared battles' noise cancels, and a rating moves only when the
// new battles move it. Pure TypeScript, no platform imports; one O(rows) aggregation per battle set, then
// O(cells + fit) per round, as the board bootstrap.
import { aggregate, type CellTable, type RowFilter } from "./aggregate";
import { bootstrapKey } from "./bootstrap";
import { DEFAULT_RIDGE, POINTS_PER_LOGIT, fitBT, identifiability, makeFitWork } from "./bt";
import { normalCdf } from "./linalg";
import { multinomial } from "./multinomial";
import { buildPairMap, fillPairs, type PairMap } from "./pairs";
import { Rng } from "./rng";
import { quantileSorted, thetaToRatings } from "./scale";
import type { BattleTable } from "./table";

export interface ChangeOptions {
  /** The earlier battle set is the board's rows with tstamp < before (seconds). */
  before: number;
  /** The board's rows (as for computeBoard). */
  filter?: RowFilter;
  /** Board name, part of the per-round seed key. Default "overall". */
  board?: string;
  /** Bootstrap rounds, default 100. */
  rounds?: number;
  seed?: number | string;
  /** Familywise significance level for the Holm correction, default 0.05. */
  alpha?: number;
  /** Interval level (per model, not simultaneous), default 0.95. */
  level?: number;
}

export interface RatingChange {
  model: string;
  /** Published-scale rating on the earlier set (mean 1000 over that set's models). */
  before: number;
  /** Published-scale rating on the current set (mean 1000 over its models). */
  after: number;
  /**
   * Change on the common scale: (after − before) re-centred so the mean change over the models present in both
   * sets is 0 (ratings are only defined up to a shift). Equals after − before when both sets have the same models.
   */
  delta: number;
  /** Percentile interval of the per-round delta; null without rounds. */
  ci: [number, number] | null;
  /** Bootstrap standard error of delta (NaN without rounds). */
  se: number;
  /** Two-sided p-value of delta = 0 from z = delta/se (normal approximation). */
  p: number;
  /** Holm–Bonferroni adjusted p over all models in the result. */
  pAdjusted: number;
  /** pAdjusted < alpha. */
  significant: boolean;
  votesBefore: number;
  votesAfter: number;
}

export interface ChangeResult {
  before: number;
  battlesBefore: number;
  battlesAfter: number;
  rounds: number;
  alpha: number;
  level: number;
  correction: "holm";
  /** Models present in both sets, sorted by delta ascending (largest drops first), ties by name. */
  models: RatingChange[];
}

/** Holm–Bonferroni step-down adjusted p-values (same order as `p`). */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => (p[a] as number) - (p[b] as number) || a - b);
  const out = new Array<number>(m);
  let run = 0;
  order.forEach((i, rank) => {
    run = Math.max(run, Math.min(1, (m - rank) * (p[i] as number)));
    out[i] = run;
  });
  return out;
}

interface SetFit {
  cells: CellTable;
  map: PairMap;
  theta: Float64Array;
  ridge: number;
}

function fitSet(cells: CellTable): SetFit {
  const map = buildPairMap(cells);
  const ridge = identifiability(map.pairs).exists ? 0 : DEFAULT_RIDGE;
  return { cells, map, theta: fitBT(map.pairs, { ridge }).theta, ridge };
}

/** Rating changes between the board's rows before `opts.before` and all of its rows. */
export function ratingChanges(table: BattleTable, opts: ChangeOptions): ChangeResult {
  const filter = opts.filter ?? {};
  const rounds = Math.max(0, Math.floor(opts.rounds ?? 100));
  const alpha = opts.alpha ?? 0.05;
  const level = opts.level ?? 0.95;
  const board = opts.board ?? "overall";
  const cur = fitSet(aggregate(table, filter));
  const old = fitSet(aggregate(table, { ...filter, tstampBefore: opts.before }));
  const result: ChangeResult = {
    before: opts.before,
    battlesBefore: old.cells.battles,
    battlesAfter: cur.cells.battles,
    rounds,
    alpha,
    level,
    correction: "holm",
    models: [],
  };
  if (old.cells.models.length === 0 || cur.cells.models.length === 0) return result;

  // Common models: index in the current set and in the earlier set.
  const oldIndex = new Map(old.cells.models.map((m, k) => [m, k]));
  const common: { model: string; c: number; o: number }[] = [];
  cur.cells.models.forEach((m, c) => {
    const o = oldIndex.get(m);
    if (o !== undefined) common.push({ model: m, c, o });
  });
  const K = common.length;

  // Earlier cell -> current cell (the earlier rows are a subset, so every earlier cell has one).
  const M = table.models.length;
  const key = (cells: CellTable, c: number): number =>
    ((cells.tableIndex[cells.a[c] as number] as number) * M + (cells.tableIndex[cells.b[c] as number] as number)) * 4 +
    (cells.outcome[c] as number);
  const curCell = new Map<number, number>();
  for (let c = 0; c < cur.cells.length; c++) curCell.set(key(cur.cells, c), c);
  const Cc = cur.cells.length;
  const Co = old.cells.length;
  const oldToCur = new Int32Array(Co);
  // Draw weights: [new part of each current cell (current − earlier count) | each earlier cell].
  const weights = new Float64Array(Cc + Co);
  weights.set(cur.cells.count);
  for (let c = 0; c < Co; c++) {
    const t = curCell.get(key(old.cells, c));
    if (t === undefined) throw new Error("ratingChanges: the earlier rows are not a subset of the current rows");
    oldToCur[c] = t;
    weights[t]! -= old.cells.count[c] as number;
    weights[Cc + c] = old.cells.count[c] as number;
  }

  const delta = (
    thetaC: Float64Array,
    thetaO: Float64Array,
    okC: Uint8Array | null,
    okO: Uint8Array | null,
    out: Float64Array,
  ): void => {
    let s = 0;
    let cnt = 0;
    for (let q = 0; q < K; q++) {
      const { c, o } = common[q]!;
      if ((okC && !okC[c]) || (okO && !okO[o])) {
        out[q] = NaN;
        continue;
      }
      const d = POINTS_PER_LOGIT * ((thetaC[c] as number) - (thetaO[o] as number));
      out[q] = d;
      s += d;
      cnt++;
    }
    const mean = cnt > 0 ? s / cnt : 0;
    for (let q = 0; q < K; q++) out[q]! -= mean;
  };
  const full = new Float64Array(K);
  delta(cur.theta, old.theta, null, null, full);

  // Paired rounds.
  const diffs = new Float64Array(rounds * K);
  const draw = new Float64Array(Cc + Co);
  const countsC = new Float64Array(Cc);
  const pairsC = {
    ...cur.map.pairs,
    wins: new Float64Array(cur.map.pairs.length),
    total: new Float64Array(cur.map.pairs.length),
  };
  const pairsO = {
    ...old.map.pairs,
    wins: new Float64Array(old.map.pairs.length),
    total: new Float64Array(old.map.pairs.length),
  };
  const nC = cur.cells.models.length;
  const nO = old.cells.models.length;
  const okC = new Uint8Array(nC);
  const okO = new Uint8Array(nO);
  const workC = makeFitWork(nC);
  const workO = makeFitWork(nO);
  const row = new Float64Array(K);
  const total = cur.cells.battles;
  for (let r = 0; r < rounds; r++) {
    const rng = Rng.fromKey(bootstrapKey(opts.seed ?? 0, `${board}|change<${opts.before}`, r));
    multinomial(rng, total, weights, draw);
    countsC.set(draw.subarray(0, Cc));
    for (let c = 0; c < Co; c++) countsC[oldToCur[c] as number]! += draw[Cc + c] as number;
    const countsO = draw.subarray(Cc);
    fillPairs(pairsC, cur.map.cellPair, cur.map.cellShare, countsC);
    fillPairs(pairsO, old.map.cellPair, old.map.cellShare, countsO);
    const thC = refit(pairsC, cur, okC, workC);
    const thO = refit(pairsO, old, okO, workO);
    delta(thC, thO, okC, okO, row);
    diffs.set(row, r * K);
  }

  const col = new Float64Array(rounds);
  const qlo = (1 - level) / 2;
  const oldRatings = thetaToRatings(old.theta, old.cells.models, null).ratings;
  const curRatings = thetaToRatings(cur.theta, cur.cells.models, null).ratings;
  const ps: number[] = [];
  const models = common.map(({ model, c, o }, q) => {
    let m = 0;
    let s = 0;
    for (let r = 0; r < rounds; r++) {
      const v = diffs[r * K + q] as number;
      if (!Number.isNaN(v)) {
        col[m++] = v;
        s += v;
      }
    }
    let se = NaN;
    let ci: [number, number] | null = null;
    if (m > 1) {
      const mean = s / m;
      let ss = 0;
      for (let k = 0; k < m; k++) ss += ((col[k] as number) - mean) ** 2;
      se = Math.sqrt(ss / (m - 1));
      const sorted = col.subarray(0, m).sort();
      ci = [quantileSorted(sorted, qlo), quantileSorted(sorted, 1 - qlo)];
    }
    const d = full[q] as number;
    const p = !(se > 0) ? (Number.isNaN(se) ? 1 : d === 0 ? 1 : 0) : 2 * (1 - normalCdf(Math.abs(d) / se));
    ps.push(p);
    const change: RatingChange = {
      model,
      before: oldRatings[o] as number,
      after: curRatings[c] as number,
      delta: d,
      ci,
      se,
      p,
      pAdjusted: 1,
      significant: false,
      votesBefore: old.cells.votes[o] as number,
      votesAfter: cur.cells.votes[c] as number,
    };
    return change;
  });
  const adj = holmAdjust(ps);
  models.forEach((x, q) => {
    x.pAdjusted = adj[q] as number;
    x.significant = x.pAdjusted < alpha;
  });
  models.sort((x, y) => x.delta - y.delta || (x.model < y.model ? -1 : x.model > y.model ? 1 : 0));
  result.models = models;
  return result;
}

/** One round's refit of a set, warm-started; marks in `ok` the models with a battle in the round. */
function refit(
  pairs: PairMap["pairs"],
  set: SetFit,
  ok: Uint8Array,
  work: ReturnType<typeof makeFitWork>,
): Float64Array {
  ok.fill(0);
  for (let p = 0; p < pairs.length; p++) {
    if ((pairs.total[p] as number) > 0) {
      ok[pairs.i[p] as number] = 1;
      ok[pairs.j[p] as number] = 1;
    }
  }
  const ridge = set.ridge === 0 && !identifiability(pairs).exists ? DEFAULT_RIDGE : set.ridge;
  return fitBT(pairs, { init: set.theta, ridge, work }).theta;
}
