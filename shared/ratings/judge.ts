// Scoring of LLM-judge suites (DESIGN section 13), the `arena-eval/v1` result. Pure: no platform imports.
//
// Pairwise suites, as Arena-Hard-Auto (docs/judge.md has the derivation and how it was checked):
// - each (model, question) has two games: game 1 shows the baseline as A, game 2 the model as A;
// - a verdict gives one battle baseline-vs-model (a strong one, `>>`, gives WEIGHT = 3 identical battles; a
//   tie gives a tie; no verdict gives none and counts as failed);
// - Bradley–Terry over all those battles (computeBoard: the MLE, ties ½), anchored so the baseline is 1000;
// - score = 100·P(model beats baseline) = 100/(1 + 10^((R_base − R_model)/400)), rounded to 2 decimals;
// - interval: 2.5/97.5 percentiles of 100 seeded bootstrap rounds over the battle rows, on the rating scale,
//   each end turned into a win rate the same way;
// - style-controlled score: the same with the style-control fit (computeStyleBoard, l2 = 0.5 on the summed loss,
//   as Arena-Hard's sklearn default C = 1 on duplicated rows) over answer tokens, headers, list items and bold.
// Single-grade suites (MT-Bench): mean grade per turn and overall, interval from a bootstrap over questions.
import { computeBoard, type BoardResult } from "./board";
import { bootstrapKey } from "./bootstrap";
import { normalCdf } from "./linalg";
import { Rng } from "./rng";
import { quantileSorted } from "./scale";
import { computeStyleBoard } from "./style-board";
import { emptyTable, OUTCOME_CODE, setStyleCounts, STYLE_FEATURES } from "./table";

export const EVAL_SCHEMA = "arena-eval/v1";
/** Battles per strong verdict (`A>>B`, `B>>A`). */
export const STRONG_WEIGHT = 3;
export const DEFAULT_BASELINE = "gpt-4-0314";
export const EVAL_BOOTSTRAP_ROUNDS = 100;

/** One game of a judgment record (Arena-Hard-Auto's `games[]`); `score` is the verdict label or null. */
export interface JudgmentGame {
  score: string | null;
  judgment?: string;
  user_prompt?: string;
}

/** One (model, question) record of an Arena-Hard-Auto judgment file. */
export interface JudgmentRecord {
  question_id: string;
  model: string;
  judge: string;
  games: JudgmentGame[];
}

/** Per-answer style counts, in STYLE_FEATURES order: [tokens, headers, list items, bold spans]. */
export type StyleVector = readonly [number, number, number, number];

export interface EvalInterval {
  score: number;
  ci: [number, number] | null;
}

export interface EvalModel {
  model: string;
  /**
   * Win rate against the baseline in % (pairwise), or the mean grade 1–10 (single); null when no judgment of the
   * model gave a verdict (then `failed` says how many were tried).
   */
  score: number | null;
  ci: [number, number] | null;
  /** Null when no answer had style counts (e.g. judgment files without the answers), and for single grading. */
  styleControlled: EvalInterval | null;
  /** Questions the model answered that were judged (records). */
  answers: number;
  /** Judgments with a verdict. */
  judgments: number;
  /** Judgments without a verdict (after the retry). */
  failed: number;
  /** The baseline's own row (score 50 by definition). */
  baseline?: true;
  /**
   * Pairwise: the verdicts do not pin the rating down (the model won every battle or lost every one, so the MLE
   * does not exist); the score comes from the smallest ridge (bt.ts DEFAULT_RIDGE) and is only a bound.
   */
  provisional?: true;
  /** Pairwise: the Bradley–Terry rating (baseline = 1000) and its bootstrap mean and variance (for `quality`). */
  bt?: { rating: number; mean: number; variance: number };
  /** Single grading: mean grade per turn (null for a turn with no grade). */
  turns?: (number | null)[];
}

export interface EvalQuality {
  /** What the suite was compared with, e.g. "arena-leaderboard/v1 overall 2026-12-01". */
  against: string;
  /** Models in both. */
  models: number;
  pairs: number;
  separability: number | null;
  agreement: number | null;
  spearman: number | null;
  brier: number | null;
}

export interface EvalResult {
  schema: typeof EVAL_SCHEMA;
  suite: string;
  judge: string;
  baseline: string | null;
  models: EvalModel[];
  quality: EvalQuality | null;
  method: {
    kind: "pairwise" | "single";
    bootstrap: number;
    seed: number | string;
    level: number;
    strongWeight?: number;
    styleL2?: number;
  };
}

export interface PairwiseScoreOptions {
  suite: string;
  /** Judge name; default: the records' own (they must agree). */
  judge?: string;
  baseline?: string;
  rounds?: number;
  seed?: number | string;
  /** Style counts of an answer (null = unknown): enables the style-controlled score. */
  style?: (model: string, questionId: string) => StyleVector | null;
}

/** Which side won a game, from the model's point of view; null = no verdict. */
export function gameOutcome(
  label: string | null | undefined,
  game: 0 | 1,
): { winner: "model" | "baseline" | "tie"; weight: number } | null {
  switch (label) {
    case "A=B":
      return { winner: "tie", weight: 1 };
    case "A>B":
    case "A>>B":
      return { winner: game === 0 ? "baseline" : "model", weight: label === "A>>B" ? STRONG_WEIGHT : 1 };
    case "B>A":
    case "B>>A":
      return { winner: game === 0 ? "model" : "baseline", weight: label === "B>>A" ? STRONG_WEIGHT : 1 };
    default:
      return null;
  }
}

export interface JudgeBattle {
  questionId: string;
  model: string;
  /** "model_a" = the baseline won (the baseline is always model_a, as in Arena-Hard's battle rows). */
  winner: "model_a" | "model_b" | "tie";
}

/** Battle rows of the records, in order (game 1 before game 2; a strong verdict repeated 3 times). */
export function judgmentBattles(records: readonly JudgmentRecord[]): JudgeBattle[] {
  const out: JudgeBattle[] = [];
  for (const r of records) {
    for (const g of [0, 1] as const) {
      const o = gameOutcome(r.games[g]?.score, g);
      if (!o) continue;
      const winner = o.winner === "baseline" ? "model_a" : o.winner === "model" ? "model_b" : "tie";
      for (let k = 0; k < o.weight; k++) out.push({ questionId: r.question_id, model: r.model, winner });
    }
  }
  return out;
}

/** 100·P(a beats b) for ratings on the 400-point, base-10 scale. */
export function winRate(rating: number, baselineRating: number): number {
  return 100 / (1 + Math.pow(10, (baselineRating - rating) / 400));
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Score descending, models without a score last, then by name. */
function byScore(x: EvalModel, y: EvalModel): number {
  if (x.score !== y.score) {
    if (x.score === null) return 1;
    if (y.score === null) return -1;
    return y.score - x.score;
  }
  return x.model < y.model ? -1 : x.model > y.model ? 1 : 0;
}

/** Score a pairwise suite from judgment records (every record's `model` against `baseline`). */
export function scorePairwise(records: readonly JudgmentRecord[], opts: PairwiseScoreOptions): EvalResult {
  const baseline = opts.baseline ?? DEFAULT_BASELINE;
  const rounds = Math.max(0, Math.floor(opts.rounds ?? EVAL_BOOTSTRAP_ROUNDS));
  const seed = opts.seed ?? 0;
  const level = 0.95;
  const judges = [...new Set(records.map((r) => r.judge))];
  if (opts.judge === undefined && judges.length > 1)
    throw new Error(`records from several judges: ${judges.join(", ")}`);
  const judge = opts.judge ?? judges[0] ?? "unknown";

  const counts = new Map<string, { answers: number; judgments: number; failed: number }>();
  for (const r of records) {
    if (r.model === baseline) throw new Error(`a judgment record of the baseline ${baseline} against itself`);
    const c = counts.get(r.model) ?? { answers: 0, judgments: 0, failed: 0 };
    c.answers++;
    for (const g of [0, 1] as const) {
      if (gameOutcome(r.games[g]?.score, g)) c.judgments++;
      else c.failed++;
    }
    counts.set(r.model, c);
  }
  const battles = judgmentBattles(records);
  const names = [baseline, ...[...counts.keys()].sort()];
  const index = new Map(names.map((m, k) => [m, k]));
  let styled = 0;
  const style = opts.style;
  const table = emptyTable(battles.length, names, { style: style !== undefined });
  battles.forEach((b, i) => {
    table.modelA[i] = 0;
    table.modelB[i] = index.get(b.model)!;
    table.outcome[i] = OUTCOME_CODE[b.winner];
    if (table.style) {
      const sa = style!(baseline, b.questionId);
      const sb = style!(b.model, b.questionId);
      if (sa && sb) {
        setStyleCounts(table.style, i, sa, sb);
        styled++;
      } else for (let f = 0; f < STYLE_FEATURES.length; f++) table.style[i * STYLE_FEATURES.length + f] = NaN;
    }
  });

  const anchor = { model: baseline, rating: 1000 };
  const board = computeBoard(table, { name: opts.suite, bootstrap: rounds, seed, anchor, elo: false });
  const raw = board.raw;
  const bi = raw.models.indexOf(baseline);
  const baseRating = bi >= 0 ? raw.ratings[bi]! : 1000;
  const styleBoard =
    styled > 0
      ? computeStyleBoard(table, raw, {
          name: `${opts.suite}|style`,
          filter: {},
          bootstrap: rounds,
          seed,
          level,
          l2: 0.5,
          anchor,
        })
      : null;
  const styleByModel = new Map(styleBoard?.models.map((m) => [m.model, m]) ?? []);

  const models: EvalModel[] = raw.models.map((model, k) => {
    const isBase = model === baseline;
    const c = counts.get(model) ?? { answers: 0, judgments: 0, failed: 0 };
    const lo = raw.lower?.[k];
    const hi = raw.upper?.[k];
    const sc = styleByModel.get(model);
    const scBase = styleByModel.get(baseline);
    const m: EvalModel = {
      model,
      score: round2(winRate(raw.ratings[k]!, baseRating)),
      ci:
        lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)
          ? [round2(winRate(lo, baseRating)), round2(winRate(hi, baseRating))]
          : null,
      styleControlled:
        sc && scBase
          ? {
              score: round2(winRate(sc.rating, scBase.rating)),
              ci: sc.ci ? [round2(winRate(sc.ci[0], scBase.rating)), round2(winRate(sc.ci[1], scBase.rating))] : null,
            }
          : null,
      answers: c.answers,
      judgments: c.judgments,
      failed: c.failed,
      // Bootstrap mean and variance (rating scale): what the pair-rank Brier score of `quality` needs.
      bt: { rating: raw.ratings[k]!, ...bootstrapMoments(raw, k) },
    };
    if (isBase) m.baseline = true;
    if (board.method.provisional.includes(model)) m.provisional = true;
    return m;
  });
  // Models none of whose games gave a verdict have no battle: listed without a score, not dropped.
  for (const [model, c] of counts) {
    if (raw.models.includes(model)) continue;
    models.push({ model, score: null, ci: null, styleControlled: null, ...c });
  }
  models.sort(byScore);
  return {
    schema: EVAL_SCHEMA,
    suite: opts.suite,
    judge,
    baseline,
    models,
    quality: null,
    method: { kind: "pairwise", bootstrap: rounds, seed, level, strongWeight: STRONG_WEIGHT, styleL2: 0.5 },
  };
}

function bootstrapMoments(raw: BoardResult["raw"], k: number): { mean: number; variance: number } {
  const rating = raw.ratings[k]!;
  const s = raw.samples;
  if (!s || s.length === 0) return { mean: rating, variance: 0 };
  const n = raw.models.length;
  let sum = 0;
  let cnt = 0;
  for (let r = 0; r * n < s.length; r++) {
    const v = s[r * n + k]!;
    if (Number.isFinite(v)) {
      sum += v;
      cnt++;
    }
  }
  if (cnt === 0) return { mean: rating, variance: 0 };
  const mean = sum / cnt;
  let ss = 0;
  for (let r = 0; r * n < s.length; r++) {
    const v = s[r * n + k]!;
    if (Number.isFinite(v)) ss += (v - mean) ** 2;
  }
  return { mean, variance: ss / cnt };
}

// ---------------------------------------------------------------------------------------------------------------
// Single-answer grading (MT-Bench)

export interface GradeRecord {
  model: string;
  questionId: string;
  /** 1-based turn. */
  turn: number;
  /** The parsed grade 1–10, or null when the judge gave none (after the retry). */
  score: number | null;
}

export interface SingleScoreOptions {
  suite: string;
  judge: string;
  rounds?: number;
  seed?: number | string;
}

/**
 * Mean grade per model, per turn and overall (every graded turn of every question counts once, as FastChat's
 * show_result), with a percentile interval from a seeded bootstrap over questions.
 */
export function scoreSingle(grades: readonly GradeRecord[], opts: SingleScoreOptions): EvalResult {
  const rounds = Math.max(0, Math.floor(opts.rounds ?? EVAL_BOOTSTRAP_ROUNDS));
  const seed = opts.seed ?? 0;
  const level = 0.95;
  const byModel = new Map<string, GradeRecord[]>();
  for (const g of grades) {
    if (!Number.isInteger(g.turn) || g.turn < 1)
      throw new Error(`grade of ${g.model}/${g.questionId}: bad turn ${g.turn}`);
    if (g.score !== null && !(g.score >= 1 && g.score <= 10))
      throw new Error(`grade of ${g.model}/${g.questionId}: ${g.score} is not in 1–10`);
    const list = byModel.get(g.model) ?? [];
    list.push(g);
    byModel.set(g.model, list);
  }
  const models: EvalModel[] = [];
  for (const [model, list] of [...byModel].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const maxTurn = list.reduce((m, g) => Math.max(m, g.turn), 0);
    const turns: (number | null)[] = [];
    for (let t = 1; t <= maxTurn; t++) {
      const s = list.filter((g) => g.turn === t && g.score !== null).map((g) => g.score!);
      turns.push(s.length ? round4(s.reduce((a, b) => a + b, 0) / s.length) : null);
    }
    // Per question: sum and count of its grades, so the bootstrap resamples questions.
    const perQ = new Map<string, [number, number]>();
    for (const g of list) {
      if (g.score === null) continue;
      const q = perQ.get(g.questionId) ?? [0, 0];
      q[0] += g.score;
      q[1]++;
      perQ.set(g.questionId, q);
    }
    const qs = [...perQ.keys()].sort().map((k) => perQ.get(k)!);
    const total = qs.reduce((a, q) => a + q[0], 0);
    const cnt = qs.reduce((a, q) => a + q[1], 0);
    let ci: [number, number] | null = null;
    if (rounds > 0 && qs.length > 0) {
      const means = new Float64Array(rounds);
      for (let r = 0; r < rounds; r++) {
        const rng = Rng.fromKey(bootstrapKey(seed, `${opts.suite}|${model}`, r));
        let s = 0;
        let c = 0;
        for (let k = 0; k < qs.length; k++) {
          const q = qs[Math.floor(rng.next() * qs.length)]!;
          s += q[0];
          c += q[1];
        }
        means[r] = s / c;
      }
      means.sort();
      ci = [round4(quantileSorted(means, (1 - level) / 2)), round4(quantileSorted(means, (1 + level) / 2))];
    }
    const failed = list.filter((g) => g.score === null).length;
    models.push({
      model,
      score: cnt ? round4(total / cnt) : null,
      ci,
      styleControlled: null,
      answers: new Set(list.map((g) => g.questionId)).size,
      judgments: list.length - failed,
      failed,
      turns,
    });
  }
  models.sort(byScore);
  return {
    schema: EVAL_SCHEMA,
    suite: opts.suite,
    judge: opts.judge,
    baseline: null,
    models,
    quality: null,
    method: { kind: "single", bootstrap: rounds, seed, level },
  };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

// ---------------------------------------------------------------------------------------------------------------
// Quality against the human leaderboard (Arena-Hard's benchmark statistics)

export interface HumanRating {
  model: string;
  rating: number;
  /** 95% interval of the human rating; null = unknown (treated as a point). */
  ci: [number, number] | null;
}

/** Whether two closed intervals overlap by a positive length (Arena-Hard: max(0, min(hi) − max(lo)) > 0). */
function overlaps(a: [number, number], b: [number, number]): boolean {
  return Math.min(a[1], b[1]) - Math.max(a[0], b[0]) > 0;
}

/** Average ranks (1 = smallest), ties sharing the mean rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) r[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson correlation of the average ranks; null for fewer than 2 points or no spread. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length || x.length < 2) return null;
  const rx = ranks(x);
  const ry = ranks(y);
  const n = x.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/**
 * Quality of a suite's ranking against the human leaderboard, over the models in both (Arena-Hard's definitions,
 * docs/judge.md):
 * - separability: share of model pairs whose suite intervals do not overlap;
 * - agreement (with confidence): over the pairs the humans separate (intervals not overlapping), 1 when the suite
 *   separates them in the same order, ½ when the suite's intervals overlap, 0 when it separates them the other way;
 * - spearman: rank correlation of suite score and human rating;
 * - brier: mean over pairs (a, b) of (P(a ranks below b) − [human rates a below b])², where P is the normal
 *   probability from the suite's bootstrap means and variances of a and b (pairwise: `bt`; single: the interval
 *   read as ±1.96σ).
 */
export function evalQuality(result: EvalResult, human: readonly HumanRating[], against: string): EvalQuality {
  const humanBy = new Map(human.map((h) => [h.model, h]));
  // Models without a score (every judgment failed) cannot be ranked: left out.
  const shared = result.models
    .filter((m): m is EvalModel & { score: number } => m.score !== null && humanBy.has(m.model))
    .sort((a, b) => (a.model < b.model ? -1 : 1));
  const n = shared.length;
  type Scored = EvalModel & { score: number };
  const interval = (m: Scored): [number, number] => m.ci ?? [m.score, m.score];
  const hInterval = (h: HumanRating): [number, number] => h.ci ?? [h.rating, h.rating];
  const moments = (m: Scored) => {
    if (m.bt) return { mean: m.bt.mean, variance: m.bt.variance };
    const sd = m.ci ? (m.ci[1] - m.ci[0]) / (2 * 1.959963984540054) : 0;
    return { mean: m.score, variance: sd * sd };
  };
  let pairs = 0;
  let separated = 0;
  let humanSeparated = 0;
  let agree = 0;
  let brier = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = shared[i]!;
      const b = shared[j]!;
      const ha = humanBy.get(a.model)!;
      const hb = humanBy.get(b.model)!;
      pairs++;
      const sa = interval(a);
      const sb = interval(b);
      const suiteOverlap = overlaps(sa, sb);
      if (!suiteOverlap) separated++;
      if (!overlaps(hInterval(ha), hInterval(hb))) {
        humanSeparated++;
        if (suiteOverlap) agree += 0.5;
        else if (a.score < b.score === ha.rating < hb.rating) agree += 1;
      }
      const ma = moments(a);
      const mb = moments(b);
      const sd = Math.sqrt(ma.variance + mb.variance);
      const diff = ma.mean - mb.mean;
      const p = sd > 0 ? normalCdf(-diff / sd) : diff < 0 ? 1 : diff > 0 ? 0 : 0.5;
      const label = ha.rating < hb.rating ? 1 : 0;
      brier += (p - label) ** 2;
    }
  }
  return {
    against,
    models: n,
    pairs,
    separability: pairs ? round4(separated / pairs) : null,
    agreement: humanSeparated ? round4(agree / humanSeparated) : null,
    spearman: (() => {
      const r = spearman(
        shared.map((m) => m.score),
        shared.map((m) => humanBy.get(m.model)!.rating),
      );
      return r === null ? null : round4(r);
    })(),
    brier: pairs ? round4(brier / pairs) : null,
  };
}
