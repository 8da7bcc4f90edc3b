// Prompt-to-Leaderboard (DESIGN section 12): the leaderboard for one prompt, as an `arena-leaderboard/v1` board
// named `prompt`. The logged battles are weighted by the similarity of their prompt to this one (the p2l router's
// kernel), Bradley–Terry is fitted on the weighted battles, and the intervals come from a seeded weighted
// bootstrap: each round draws as many battles as the weights are worth (Kish's effective sample size, so a board
// resting on a handful of similar battles says so with wide intervals) with probability proportional to weight.
import { POINTS_PER_LOGIT, RATING_CENTRE } from "../ratings/bt";
import { Rng } from "../ratings/rng";
import { battleWeights, weightedFit, type OpenedBattles } from "./similarity";

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
  const point = centred(weightedFit(ob, sel, o.ridge).theta, present);

  // Weighted bootstrap: round(ess) draws ∝ weight per round, each a plain (weight 1) battle.
  const draws = Math.max(1, Math.round(ess));
  const cumulative = new Float64Array(sel.w.length);
  let acc = 0;
  sel.w.forEach((w, k) => (cumulative[k] = acc += w));
  const rng = new Rng(((o.seed ?? 0) ^ 0x70326c) >>> 0);
  const reps = Array.from({ length: M }, () => new Float64Array(rounds));
  for (let r = 0; r < rounds && sel.idx.length > 0; r++) {
    const idx = new Int32Array(draws);
    for (let d = 0; d < draws; d++) {
      const u = rng.next() * acc;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! < u) lo = mid + 1;
        else hi = mid;
      }
      idx[d] = sel.idx[lo]!;
    }
    const theta = centred(weightedFit(ob, { idx, w: new Float64Array(draws).fill(1) }, o.ridge).theta, present);
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
