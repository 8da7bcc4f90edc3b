// The evaluation service's results validate against shared/ratings/eval.schema.json with ajv (Node only: ajv's code
// generation does not run in workerd), and the zod mirror the Workers tests use (test/evals/eval-schema.ts) accepts
// and refuses the same documents. The results are those the service builds: scoreJobs over stored rows whose
// verdicts come from the demo judge, for a single-grading and a pairwise suite, with and without a human board.
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { demoGrade, demoGradeJudgment, demoPairwiseJudgment } from "../../shared/judge/demo-judge";
import { answerStyle, jobQuestions, jobTotal, judgmentSlots, scoreJobs, type JobItem } from "../../shared/judge/job";
import type { StyleVector } from "../../shared/ratings/judge";
import { loadSuite } from "../../shared/judge/suites";
import { parseGrade, parsePairwiseVerdict } from "../../shared/judge/verdict";
import { EvalResultSchema } from "../evals/eval-schema";
import { root } from "./run-ratings";

const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/eval.schema.json"), "utf8"));
const validate = (value: unknown) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.validate(schema, value);
  return ajv.errors ?? [];
};

/** A fake model's answer to a question: `k` list items, so the demo judge's taste varies by model. */
const answerOf = (k: number, turn: string) =>
  [`About ${turn.slice(0, 30)}:`, ...Array.from({ length: k }, (_, i) => `- point ${i + 1}`)].join("\n");

function jobItems(suiteName: string, k: number, limit: number): JobItem[] {
  const suite = loadSuite(suiteName)!;
  const items: JobItem[] = [];
  for (const q of jobQuestions(suite, limit)) {
    const answers = q.turns.map((t) => answerOf(k, t));
    items.push({ kind: "answer", questionId: q.id, slot: 0, status: "done", value: null, style: [50 * k, 0, k, 0] });
    for (const slot of judgmentSlots(suite, q)) {
      const text =
        suite.kind === "single"
          ? demoGradeJudgment(answers.slice(0, slot))
          : slot === 1
            ? demoPairwiseJudgment(q.baselineAnswers!, answers)
            : demoPairwiseJudgment(answers, q.baselineAnswers!);
      const value = suite.kind === "single" ? String(parseGrade(text)) : parsePairwiseVerdict(text);
      items.push({ kind: "judgment", questionId: q.id, slot, status: "done", value, style: null });
    }
  }
  return items;
}

describe("evaluation results", () => {
  it("mt-bench: valid, per-turn scores, the demo judge's grades", () => {
    const suite = loadSuite("mt-bench")!;
    expect(jobTotal(suite, jobQuestions(suite, 5))).toBe(15);
    const result = scoreJobs(
      [
        { model: "m-short", items: jobItems("mt-bench", 1, 5) },
        { model: "m-long", items: jobItems("mt-bench", 8, 5) },
      ],
      {
        suite,
        judge: "demo",
        baseline: null,
        human: {
          ratings: [
            { model: "m-long", rating: 1100, ci: [1090, 1110] },
            { model: "m-short", rating: 950, ci: [940, 960] },
          ],
          against: "test board",
        },
      },
    );
    expect(validate(result)).toEqual([]);
    expect(EvalResultSchema.safeParse(result).success).toBe(true);
    expect(result.models.map((m) => m.model)).toEqual(["m-long", "m-short"]);
    expect(result.models[0]!.turns).toHaveLength(2);
    expect(result.quality).toMatchObject({ against: "test board", models: 2, spearman: 1 });
    expect(demoGrade([answerOf(8, "x")])).toBeGreaterThan(demoGrade([answerOf(1, "x")]));
  });

  it("arena-hard-v0.1: valid, baseline row, style-controlled score", () => {
    const suite = loadSuite("arena-hard-v0.1")!;
    const result = scoreJobs([{ model: "m-long", items: jobItems("arena-hard-v0.1", 8, 20) }], {
      suite,
      judge: "demo",
      baseline: "gpt-4-0314",
      baselineStyle: () => [400, 2, 6, 1],
      human: null,
    });
    expect(validate(result)).toEqual([]);
    expect(EvalResultSchema.safeParse(result).success).toBe(true);
    expect(result.models.find((m) => m.model === "gpt-4-0314")).toMatchObject({ baseline: true, score: 50 });
    expect(result.models.find((m) => m.model === "m-long")).toMatchObject({ answers: 20, judgments: 40, failed: 0 });
    expect(result.models.find((m) => m.model === "m-long")!.styleControlled).not.toBeNull();
  });

  it("keeps the plain score when the style-control fit does not converge (answers that all look alike)", async () => {
    const suite = loadSuite("arena-hard-v0.1")!;
    const styles = new Map<string, StyleVector>();
    for (const q of suite.questions) styles.set(q.id, await answerStyle(q.baselineAnswers!));
    const labels = ["A>>B", "A>B", "A=B", "B>A", "B>>A"];
    let k = 0;
    const items: JobItem[] = suite.questions.flatMap((q): JobItem[] => [
      { kind: "answer", questionId: q.id, slot: 0, status: "done", value: null, style: [60, 0, 5, 0] },
      ...[1, 2].map((slot): JobItem => ({
        kind: "judgment",
        questionId: q.id,
        slot,
        status: "done",
        value: labels[(k++ * 7) % 5]!,
        style: null,
      })),
    ]);
    const result = scoreJobs([{ model: "m", items }], {
      suite,
      judge: "demo",
      baseline: "gpt-4-0314",
      baselineStyle: (q) => styles.get(q) ?? null,
    });
    expect(validate(result)).toEqual([]);
    const m = result.models.find((x) => x.model === "m")!;
    expect(m.score).not.toBeNull();
    expect(m.styleControlled).toBeNull();
  });

  it("the zod mirror refuses what the JSON Schema refuses", () => {
    const suite = loadSuite("mt-bench")!;
    const good = scoreJobs([{ model: "m", items: jobItems("mt-bench", 2, 2) }], {
      suite,
      judge: "demo",
      baseline: null,
    });
    for (const bad of [
      { ...good, schema: "arena-eval/v2" },
      { ...good, models: [{ ...good.models[0]!, ci: [1] }] },
      { ...good, models: [{ ...good.models[0]!, answers: -1 }] },
      { ...good, quality: { against: "x", separability: 2, agreement: null, spearman: null, brier: null } },
    ]) {
      expect(validate(bad)).not.toEqual([]);
      expect(EvalResultSchema.safeParse(bad).success).toBe(false);
    }
  });
});
