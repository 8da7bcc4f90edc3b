// The pure side of an evaluation job (DESIGN section 13, docs/judge.md "Service"): which items a job stores, and its
// arena-eval/v1 result from the stored rows. The service (routes, queue consumer, D1, R2) sits on top of this.
import {
  evalQuality,
  scorePairwise,
  scoreSingle,
  type EvalResult,
  type GradeRecord,
  type HumanRating,
  type JudgmentRecord,
  type StyleVector,
} from "../ratings/judge";
import { sideStyle } from "../battle/style";
import type { Suite, SuiteQuestion } from "./types";
import { isPairwiseLabel } from "./verdict";

/** The questions a job runs: the first `limit` of the suite (all when null). */
export function jobQuestions(suite: Suite, limit: number | null): SuiteQuestion[] {
  return limit === null ? suite.questions : suite.questions.slice(0, limit);
}

/** Judgment slots of one question: games 1 and 2 (pairwise), or each turn graded (single). */
export function judgmentSlots(suite: Suite, question: SuiteQuestion): number[] {
  if (suite.kind === "pairwise") return [1, 2];
  return question.turns.map((_, k) => k + 1);
}

/** Items a job stores: one answer per question plus its judgments. Progress `total`. */
export function jobTotal(suite: Suite, questions: readonly SuiteQuestion[]): number {
  return questions.reduce((n, q) => n + 1 + judgmentSlots(suite, q).length, 0);
}

/** One stored row, as the scoring needs it. */
export interface JobItem {
  kind: "answer" | "judgment";
  questionId: string;
  slot: number;
  status: "done" | "failed";
  value: string | null;
  style: StyleVector | null;
}

export interface JobScoreInput {
  suite: Suite;
  model: string;
  judge: string;
  baseline: string | null;
  items: readonly JobItem[];
}

/** Records for the shared scorers, from one job's rows. */
export function jobRecords(input: JobScoreInput): { pairwise: JudgmentRecord[]; grades: GradeRecord[] } {
  const { suite, model, judge, items } = input;
  const answered = new Set(items.filter((i) => i.kind === "answer" && i.status === "done").map((i) => i.questionId));
  const judgments = items.filter((i) => i.kind === "judgment");
  if (suite.kind === "single") {
    return {
      pairwise: [],
      grades: judgments
        .filter((j) => answered.has(j.questionId))
        .map((j) => ({
          model,
          questionId: j.questionId,
          turn: j.slot,
          score: j.status === "done" && j.value !== null ? Number(j.value) : null,
        })),
    };
  }
  const byQuestion = new Map<string, JudgmentRecord>();
  for (const j of judgments) {
    if (!answered.has(j.questionId)) continue;
    const r = byQuestion.get(j.questionId) ?? {
      question_id: j.questionId,
      model,
      judge,
      games: [{ score: null }, { score: null }],
    };
    r.games[j.slot - 1] = { score: j.status === "done" && isPairwiseLabel(j.value) ? j.value : null };
    byQuestion.set(j.questionId, r);
  }
  return { pairwise: [...byQuestion.values()], grades: [] };
}

export interface ScoreJobsOptions {
  suite: Suite;
  judge: string;
  baseline: string | null;
  /** Style counts of the suite's baseline answers (pairwise), by question id. */
  baselineStyle?: (questionId: string) => StyleVector | null;
  /** The live human board to compare with, and its name for `quality.against`. */
  human?: { ratings: readonly HumanRating[]; against: string } | null;
  /** Bootstrap seed (default 0, as the scorers). */
  seed?: number | string;
}

/**
 * The arena-eval/v1 result of one or more jobs of the same suite and judge (one job per model): a job's own result,
 * or a suite's publication. `quality` compares with the human board where models overlap (null without a board).
 */
export function scoreJobs(
  jobs: readonly { model: string; items: readonly JobItem[] }[],
  opts: ScoreJobsOptions,
): EvalResult {
  const { suite, judge, baseline } = opts;
  const pairwise: JudgmentRecord[] = [];
  const grades: GradeRecord[] = [];
  const styles = new Map<string, StyleVector | null>();
  for (const job of jobs) {
    const r = jobRecords({ suite, model: job.model, judge, baseline, items: job.items });
    pairwise.push(...r.pairwise);
    grades.push(...r.grades);
    for (const i of job.items) if (i.kind === "answer") styles.set(`${job.model}\u0000${i.questionId}`, i.style);
  }
  let result: EvalResult;
  if (suite.kind === "pairwise") {
    const base = baseline ?? suite.baseline ?? "baseline";
    const score = (withStyle: boolean) =>
      scorePairwise(pairwise, {
        suite: suite.suite,
        judge,
        baseline: base,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        style: withStyle
          ? (model, questionId) =>
              model === base
                ? (opts.baselineStyle?.(questionId) ?? null)
                : (styles.get(`${model}\u0000${questionId}`) ?? null)
          : undefined,
      });
    try {
      result = score(true);
    } catch (err) {
      // The style-control fit can fail to converge (e.g. answers of one model that all look alike): the job keeps
      // its plain Arena-Hard score, with `styleControlled: null`, rather than never finishing.
      if (!/style control/.test(String(err))) throw err;
      result = score(false);
    }
  } else {
    result = scoreSingle(grades, {
      suite: suite.suite,
      judge,
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    });
    // A model none of whose answers came back has no grade rows: list it anyway, with nothing.
    for (const job of jobs) {
      if (!result.models.some((m) => m.model === job.model)) {
        result.models.push({
          model: job.model,
          score: null,
          ci: null,
          styleControlled: null,
          answers: 0,
          judgments: 0,
          failed: job.items.filter((i) => i.kind === "judgment" && i.status === "failed").length,
        });
      }
    }
  }
  result.quality = opts.human ? evalQuality(result, opts.human.ratings, opts.human.against) : null;
  return result;
}

/** Style counts [tokens, headers, list items, bold] of an answer (all turns), as Arena-Hard's style control. */
export async function answerStyle(texts: readonly string[]): Promise<StyleVector> {
  const s = await sideStyle(texts);
  const sum = (o: object) => Object.values(o as Record<string, number>).reduce((a, b) => a + b, 0);
  return [s.tokens, sum(s.header), sum(s.list), sum(s.bold)];
}
