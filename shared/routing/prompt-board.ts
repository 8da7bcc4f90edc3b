// Prompt-to-Leaderboard (DESIGN section 12): the leaderboard for one prompt, as an `arena-leaderboard/v1` board
// named `prompt`. The logged battles are weighted by the similarity of their prompt to this one (the p2l router's
// kernel), Bradley–Terry is fitted on the weighted battles, and the intervals come from a seeded weighted
// bootstrap: each round resamples as many battles as the weights are worth (Kish's effective sample size, so a
// board resting on a handful of similar battles says so with wide intervals) with probability proportional to
// weight — done per pair (Poisson counts, binomial wins), which is the same resampling at O(pairs) a round.
import { fitBT, POINTS_PER_LOGIT, RATING_CENTRE } from "../ratings/bt";
import { Rng } from "../ratings/rng";
import { battleWeights, type OpenedBattles } from "./similarity";

export interface PromptBoardOptions {
  tau: number;
  ridge: number;
  rounds?: number;
  seed?: number;
  level?: number;
}

export interface PromptBoardModel {
  model: string;
  rating: number;
  ci: [number, number];
  /** Effective battles (similarity-weighted) the model took part in. */
  votes: number;
  rank: number;
  /** Mean predicted win probability against the other models of the board. */
  winRate: number;
}

export interface PromptBoard {
  /** Effective number of battles behind the board (Kish: (Σw)² / Σw²). */
  battles: number;
  models: PromptBoardModel[];
  pairwise: { models: string[]; winFraction: (number | null)[][]; battles: number[][] };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Ratings on the arena scale, centred on 1000 over the models that have battles. */
function centred(theta: Float64Array, present: boolean[]): Float64Array {
  let sum = 0;
  let n = 0;
  theta.forEach((t, m) => {
    if (present[m]) {
      sum += t;
      n++;
    }
  });
  const mean = n > 0 ? sum / n : 0;
  return Float64Array.from(theta, (t) => RATING_CENTRE + POINTS_PER_LOGIT * (t - mean));
}

/** Counts above which a draw uses the normal approximation (its error is far below the bootstrap's own noise). */
const NORMAL_FROM = 40;

function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean >= NORMAL_FROM) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.normal()));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = rng.next(); p > limit; p *= rng.next()) k++;
  return k;
}

function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0) return 0;
  if (n >= NORMAL_FROM) return Math.min(n, Math.max(0, n * p + Math.sqrt(n * p * (1 - p)) * rng.normal()));
  let k = 0;
  for (let t = 0; t < n; t++) if (rng.next() < p) k++;
  return k;
}

/** The selected battles as unordered pairs: effective battles n (weights scaled to n_eff) and the i side's share. */
function pairTable(ob: OpenedBattles, sel: { idx: Int32Array; w: Float64Array }, scale: number, M: number) {
  const wins = new Map<number, number>();
  const tot = new Map<number, number>();
  for (let k = 0; k < sel.idx.length; k++) {
    const b = sel.idx[k]!;
    const [a, c, s] = [ob.a[b]!, ob.b[b]!, ob.s[b]!];
    if (a === c) continue;
    const [lo, hi] = a < c ? [a, c] : [c, a];
    const key = lo * M + hi;
    const w = sel.w[k]! * scale;
    tot.set(key, (tot.get(key) ?? 0) + w);
    wins.set(key, (wins.get(key) ?? 0) + w * (a === lo ? s : 1 - s));
  }
  const keys = [...tot.keys()].sort((x, y) => x - y);
  return {
    length: keys.length,
    i: Int32Array.from(keys, (k) => Math.floor(k / M)),
    j: Int32Array.from(keys, (k) => k % M),
    n: Float64Array.from(keys, (k) => tot.get(k)!),
    share: Float64Array.from(keys, (k) => wins.get(k)! / tot.get(k)!),
  };
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function promptLeaderboard(ob: OpenedBattles, embedding: Float32Array, o: PromptBoardOptions): PromptBoard {
  const rounds = o.rounds ?? 100;
  const level = o.level ?? 0.95;
  const sel = battleWeights(ob, embedding, { kind: "kernel", tau: o.tau });
  const M = ob.models.length;
  let sw = 0;
  let sw2 = 0;
  for (const w of sel.w) {
    sw += w;
    sw2 += w * w;
  }
  const ess = sw2 > 0 ? (sw * sw) / sw2 : 0;
  const scale = sw > 0 ? ess / sw : 0; // weights rescaled to sum to the effective battles

  // Who is on the board, effective votes and the weighted pairwise tables.
  const votes = new Float64Array(M);
  const wins = new Float64Array(M * M);
  const total = new Float64Array(M * M);
  for (let k = 0; k < sel.idx.length; k++) {
    const i = sel.idx[k]!;
    const [a, b, s] = [ob.a[i]!, ob.b[i]!, ob.s[i]!];
    const w = sel.w[k]! * scale;
    votes[a]! += w;
    votes[b]! += w;
    if (s !== 0.5) {
      // Ties are left out of the pairwise matrices, as on every board.
      total[a * M + b]! += w;
      total[b * M + a]! += w;
      wins[(s === 1 ? a : b) * M + (s === 1 ? b : a)]! += w;
    }
  }
  const present = Array.from(votes, (v) => v > 0);

  // Weighted bootstrap, at the pair level so a round costs O(pairs), not O(battles): resampling n_eff battles ∝ w
  // gives each pair a Poisson(n_ab) number of battles (n_ab = its share of n_eff) and each of them a win of the
  // lower-index side with that pair's weighted win share — drawn exactly for small counts, by the normal
  // approximation above NORMAL_FROM. Ratings are refitted on each round's pair counts.
  const pairs = pairTable(ob, sel, scale, M);
  const fit = (w: Float64Array, t: Float64Array) =>
    centred(
      fitBT(
        { nModels: M, length: pairs.length, i: pairs.i, j: pairs.j, wins: w, total: t },
        { ridge: Math.max(o.ridge, 1e-6), tol: 1e-8, maxIter: 50 },
      ).theta,
      present,
    );
  // The point estimate on the same effective counts the rounds resample, so the ridge weighs the same in both.
  const point = pairs.length
    ? fit(
        Float64Array.from(pairs.n, (n, k) => n * pairs.share[k]!),
        pairs.n,
      )
    : new Float64Array(M);
  const rng = new Rng(((o.seed ?? 0) ^ 0x70326c) >>> 0);
  const reps = Array.from({ length: M }, () => new Float64Array(rounds));
  const roundWins = new Float64Array(pairs.length);
  const totals = new Float64Array(pairs.length);
  for (let r = 0; r < rounds && pairs.length > 0; r++) {
    for (let k = 0; k < pairs.length; k++) {
      const n = poisson(rng, pairs.n[k]!);
      totals[k] = n;
      roundWins[k] = binomial(rng, n, pairs.share[k]!);
    }
    const theta = fit(roundWins, totals);
    for (let m = 0; m < M; m++) reps[m]![r] = theta[m]!;
  }

  const onBoard = [...Array(M).keys()].filter((m) => present[m]);
  const ci = new Map<number, [number, number]>();
  for (const m of onBoard) {
    const sorted = reps[m]!.slice().sort();
    ci.set(m, sel.idx.length > 0 ? [quantile(sorted, (1 - level) / 2), quantile(sorted, (1 + level) / 2)] : [NaN, NaN]);
  }
  const models = onBoard
    .map((m) => {
      let wr = 0;
      for (const o2 of onBoard) if (o2 !== m) wr += 1 / (1 + 10 ** ((point[o2]! - point[m]!) / 400));
      return { m, winRate: onBoard.length > 1 ? wr / (onBoard.length - 1) : 0.5 };
    })
    .sort((x, y) => point[y.m]! - point[x.m]! || (ob.models[x.m]! < ob.models[y.m]! ? -1 : 1));
  const out: PromptBoardModel[] = models.map(({ m, winRate }) => ({
    model: ob.models[m]!,
    rating: round2(point[m]!),
    ci: [round2(ci.get(m)![0]), round2(ci.get(m)![1])],
    votes: round2(votes[m]!),
    rank: 0,
    winRate: Math.round(winRate * 1e4) / 1e4,
  }));
  // rank = 1 + the models whose lower bound is above this one's upper bound (DESIGN section 6).
  for (const e of out) e.rank = 1 + out.filter((x) => x.ci[0] > e.ci[1]).length;

  const order = models.map((x) => x.m);
  return {
    battles: round2(ess),
    models: out,
    pairwise: {
      models: order.map((m) => ob.models[m]!),
      winFraction: order.map((i) =>
        order.map((j) => (i === j || total[i * M + j]! === 0 ? null : round2(wins[i * M + j]! / total[i * M + j]!))),
      ),
      battles: order.map((i) => order.map((j) => round2(total[i * M + j]!))),
    },
  };
}
