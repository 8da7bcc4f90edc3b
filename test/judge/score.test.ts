// Scoring of judge suites (shared/ratings/judge.ts) on the real Arena-Hard v0.1 judgments (test/fixtures/judge):
// Arena-Hard-Auto's 2024-07-31 numbers, the method re-derived independently here, interval widths, style control,
// MT-Bench means and the quality block.
import { describe, expect, it } from "vitest";
import {
  evalQuality,
  gameOutcome,
  judgmentBattles,
  scorePairwise,
  scoreSingle,
  spearman,
  winRate,
  type JudgmentRecord,
  type StyleVector,
} from "../../shared/ratings/judge";
import { JudgmentParseError, parseJudgmentJsonl } from "../../shared/ratings/judge-parse";
import { arenaHardRecords, fixtureFileCount } from "./fixtures";
import { styleCheckData } from "./style-data";

const records = arenaHardRecords();
const result = scorePairwise(records, { suite: "arena-hard-v0.1" });
const byModel = new Map(result.models.map((m) => [m.model, m]));

/**
 * Arena-Hard-Auto's estimator, re-derived (docs/judge.md): logistic regression without intercept or penalty on
 * the battle rows, each row duplicated, a tie becoming one A win and one B win, X = ±ln10 on the two models;
 * ratings 400·coef + 1000 shifted so the baseline is 1000; score = 100/(1 + 10^((R_base − R)/400)). Solved here
 * by a plain dense Newton iteration with the baseline's coefficient fixed at 0 (the shift makes that free).
 */
function arenaHardReference(rows: JudgmentRecord[], baseline = "gpt-4-0314"): Map<string, number> {
  const battles = judgmentBattles(rows);
  const models = [...new Set(battles.map((b) => b.model))].sort();
  const col = new Map(models.map((m, k) => [m, k]));
  const p = models.length;
  const coef = new Array<number>(p).fill(0);
  // Duplicated rows: (model index, y) with y = 1 when model_a (the baseline) wins.
  const X: [number, number][] = [];
  for (const b of battles) {
    const k = col.get(b.model)!;
    if (b.winner === "tie") X.push([k, 1], [k, 0]);
    else X.push([k, b.winner === "model_a" ? 1 : 0], [k, b.winner === "model_a" ? 1 : 0]);
  }
  const L = Math.LN10;
  for (let it = 0; it < 50; it++) {
    // Baseline fixed at 0: logit of y=1 is ln10·(0 − coef_model). The Hessian is diagonal in this design.
    const g = new Array<number>(p).fill(0);
    const h = new Array<number>(p).fill(0);
    for (const [k, y] of X) {
      const z = -L * coef[k]!;
      const pr = 1 / (1 + Math.exp(-z));
      g[k]! += (pr - y) * -L;
      h[k]! += L * L * pr * (1 - pr);
    }
    for (let k = 0; k < p; k++) coef[k]! -= g[k]! / h[k]!;
  }
  return new Map(
    models
      .map((m, k): [string, number] => [m, Math.round(winRate(400 * coef[k]! + 1000, 1000) * 100) / 100])
      .concat([[baseline, 50]]),
  );
}

describe("Arena-Hard v0.1, judge gpt-4-1106-preview, baseline gpt-4-0314 (real judgments)", () => {
  it("reads the 8 judgment files", () => {
    expect(fixtureFileCount).toBe(8);
    expect(records).toHaveLength(3650);
    // Expanding the records gives the 11,162 battle rows of Arena-Hard-Auto's own battle file.
    expect(judgmentBattles(records)).toHaveLength(11162);
  });

  it("reproduces the 2024-07-31 leaderboard: gpt-4-0613 37.9, gpt-3.5-turbo-0125 23.34", () => {
    expect(byModel.get("gpt-4-0613")!.score).toBe(37.9);
    expect(byModel.get("gpt-3.5-turbo-0125")!.score).toBe(23.34);
    expect(byModel.get("gpt-4-0314")).toMatchObject({ score: 50, ci: [50, 50], baseline: true });
  });

  it("gives every model's score exactly (to 0.01) as the re-derived method", () => {
    const ref = arenaHardReference(records);
    expect(result.models).toHaveLength(9);
    for (const m of result.models) expect(m.score, m.model).toBe(ref.get(m.model));
    // In this star design the MLE is closed-form: the model's weighted win share, ties ½.
    for (const [model, wins, losses, ties] of [
      ["gpt-4-0613", 385, 686, 173],
      ["gpt-3.5-turbo-0125", 258, 1012, 144],
      ["Llama-3-Base-8B-SFT-Ultrachat", 45, 1867, 33],
    ] as const) {
      expect(byModel.get(model)!.score).toBe(Math.round((10000 * (wins + ties / 2)) / (wins + losses + ties)) / 100);
    }
  });

  it("counts answers, judgments and failed games", () => {
    expect(byModel.get("gpt-4-0613")).toMatchObject({ answers: 500, judgments: 1000, failed: 0 });
    expect(byModel.get("Llama-3-Base-8B-TR_IPO-Alpha_0.6-UltraFeedback")).toMatchObject({
      answers: 171,
      judgments: 324,
      failed: 18,
    });
    expect(result.models.every((m) => m.styleControlled === null)).toBe(true);
  });

  it("gives intervals of the method's width (100 seeded rounds; the published ones lie in the seed spread)", () => {
    const published: Record<string, number> = { "gpt-4-0613": 2.3 + 2.46, "gpt-3.5-turbo-0125": 1.67 + 1.93 };
    const widths: Record<string, number[]> = {};
    for (let seed = 0; seed < 20; seed++)
      for (const m of scorePairwise(records, { suite: "arena-hard-v0.1", seed }).models)
        if (!m.baseline) (widths[m.model] ??= []).push(m.ci![1] - m.ci![0]);
    for (const [model, w] of Object.entries(published)) {
      const ws = widths[model]!;
      const mean = ws.reduce((a, b) => a + b, 0) / ws.length;
      // Row bootstrap of a win share: width ≈ 2·1.96·sqrt(var(row)/rows), in win-rate points.
      const m = byModel.get(model)!;
      const rows = judgmentBattles(records).filter((b) => b.model === model);
      const y = rows.map((b): number => (b.winner === "model_b" ? 1 : b.winner === "tie" ? 0.5 : 0));
      const mu = y.reduce((a, b) => a + b, 0) / y.length;
      const v = y.reduce((a, b) => a + (b - mu) ** 2, 0) / y.length;
      const analytic = 2 * 1.96 * 100 * Math.sqrt(v / y.length);
      expect(Math.abs(mean - analytic) / analytic, model).toBeLessThan(0.1);
      expect(w).toBeGreaterThanOrEqual(Math.min(...ws));
      expect(w).toBeLessThanOrEqual(Math.max(...ws));
      expect(m.ci![0]).toBeLessThan(m.score!);
      expect(m.ci![1]).toBeGreaterThan(m.score!);
    }
  });

  it("is deterministic for a seed and independent of record order", () => {
    const again = scorePairwise([...records].reverse(), { suite: "arena-hard-v0.1" });
    expect(again.models).toEqual(result.models);
    const other = scorePairwise(records, { suite: "arena-hard-v0.1", seed: 7 });
    expect(other.models.map((m) => m.score)).toEqual(result.models.map((m) => m.score));
    expect(other.models.map((m) => m.ci)).not.toEqual(result.models.map((m) => m.ci));
  });
});

describe("battles from games", () => {
  it("maps game 1 (baseline = A) and game 2 (model = A), strong verdicts ×3", () => {
    expect(gameOutcome("A>>B", 0)).toEqual({ winner: "baseline", weight: 3 });
    expect(gameOutcome("A>B", 1)).toEqual({ winner: "model", weight: 1 });
    expect(gameOutcome("B>>A", 1)).toEqual({ winner: "baseline", weight: 3 });
    expect(gameOutcome("A=B", 1)).toEqual({ winner: "tie", weight: 1 });
    expect(gameOutcome(null, 0)).toBeNull();
    expect(gameOutcome("A<B", 0)).toBeNull();
    const rec: JudgmentRecord = {
      question_id: "q",
      model: "m",
      judge: "j",
      games: [{ score: "B>>A" }, { score: "A=B" }],
    };
    expect(judgmentBattles([rec]).map((b) => b.winner)).toEqual(["model_b", "model_b", "model_b", "tie"]);
  });
});

describe("style control", () => {
  // Two models with the same verdicts against the baseline (wins on 65% of 400 questions). "verbose" wrote the
  // longer, list-heavy answer exactly where it won (and on a fifth of its losses); "plain" always matched the
  // baseline's style. Style explains part of verbose's wins, so its style-controlled score is below plain's.
  const qs = Array.from({ length: 400 }, (_, i) => i);
  const wins = (i: number) => i % 20 < 13;
  const recs: JudgmentRecord[] = ["verbose", "plain"].flatMap((model) =>
    qs.map((i) => ({
      question_id: `q${i}`,
      model,
      judge: "j",
      games: [{ score: wins(i) ? "B>A" : "A>B" }, { score: wins(i) ? "A>B" : "B>A" }],
    })),
  );
  const base: StyleVector = [500, 2, 4, 3];
  const style = (model: string, q: string): StyleVector => {
    const i = Number(q.slice(1));
    if (model !== "verbose") return [...base];
    return wins(i) || i % 5 === 0 ? [1100, 5, 12, 8] : [...base];
  };
  const r = scorePairwise(recs, { suite: "s", baseline: "base", style });
  const m = (name: string) => r.models.find((x) => x.model === name)!;

  it("gives a style-controlled score beside the raw one, lower where style explains the wins", () => {
    expect(m("verbose").score).toBe(65);
    expect(m("plain").score).toBe(65);
    expect(m("verbose").styleControlled!.score).toBeLessThan(m("plain").styleControlled!.score - 5);
    for (const name of ["verbose", "plain"]) {
      const sc = m(name).styleControlled!;
      expect(sc.ci![0]).toBeLessThanOrEqual(sc.score);
      expect(sc.ci![1]).toBeGreaterThanOrEqual(sc.score);
    }
    expect(m("base").styleControlled).toEqual({ score: 50, ci: [50, 50] });
  });

  it("equals Arena-Hard's style-control formulation solved independently (numpy, scripts/judge-style-reference.py)", () => {
    const { records: rs, style: st } = styleCheckData();
    const out = scorePairwise(rs, { suite: "s", baseline: "base", style: st, rounds: 0 });
    const sc = Object.fromEntries(out.models.map((x) => [x.model, x.styleControlled!.score]));
    expect(sc).toEqual({ base: 50, m1: 51.43, m2: 48.76, m3: 49.89 });
  });

  it("matches the raw score (up to the small penalty) when style does not vary", () => {
    const flat = scorePairwise(recs, { suite: "s", baseline: "base", style: () => [...base] });
    for (const x of flat.models) expect(Math.abs(x.styleControlled!.score - x.score!), x.model).toBeLessThan(0.5);
  });

  it("leaves the style-controlled score out when no answer has style counts", () => {
    const none = scorePairwise(recs, { suite: "s", baseline: "base", style: () => null });
    expect(none.models.every((x) => x.styleControlled === null)).toBe(true);
  });
});

describe("edge cases", () => {
  it("lists a model none of whose games gave a verdict, without a score", () => {
    const rs: JudgmentRecord[] = [
      { question_id: "q1", model: "ok", judge: "j", games: [{ score: "B>A" }, { score: "B>A" }] },
      { question_id: "q2", model: "ok", judge: "j", games: [{ score: "A>B" }, { score: "A=B" }] },
      { question_id: "q1", model: "mute", judge: "j", games: [{ score: null }, { score: "garbage" }] },
    ];
    const r = scorePairwise(rs, { suite: "s", baseline: "base" });
    expect(r.models.map((m) => m.model)).toEqual(["base", "ok", "mute"]);
    expect(r.models[2]).toEqual({
      model: "mute",
      score: null,
      ci: null,
      styleControlled: null,
      answers: 1,
      judgments: 0,
      failed: 2,
    });
    expect(r.models[1]!.score).toBe(37.5); // 1 win, 2 losses, 1 tie
    const q = evalQuality(
      r,
      [
        { model: "mute", rating: 1, ci: null },
        { model: "ok", rating: 2, ci: null },
      ],
      "h",
    );
    expect(q.models).toBe(1);
  });

  it("marks a model that won every battle provisional", () => {
    const rs: JudgmentRecord[] = [
      { question_id: "q1", model: "star", judge: "j", games: [{ score: "B>>A" }, { score: "A>B" }] },
      { question_id: "q1", model: "mid", judge: "j", games: [{ score: "B>A" }, { score: "B>A" }] },
    ];
    const r = scorePairwise(rs, { suite: "s", baseline: "base" });
    const star = r.models.find((m) => m.model === "star")!;
    expect(star.provisional).toBe(true);
    expect(star.score).toBeGreaterThan(99);
  });
});

describe("judgment file reader", () => {
  it("accepts a label without text, and reads a label from text when there is no score", () => {
    const text =
      '{"question_id":"q1","model":"m","judge":"j","games":[{"score":"A>B"},{"user_prompt":"…","judgment":"x [[B>>A]]"}]}\n';
    expect(parseJudgmentJsonl(text)[0]!.games.map((g) => g.score)).toEqual(["A>B", "B>>A"]);
  });
  it("names the line of a bad row", () => {
    expect(() => parseJudgmentJsonl('{"question_id":"q","model":"m","judge":"j","games":[]}', "f.jsonl")).toThrow(
      /^f\.jsonl:1: games must be/,
    );
    expect(() => parseJudgmentJsonl("\n{oops", "f.jsonl")).toThrow(JudgmentParseError);
    expect(() => parseJudgmentJsonl("\n{oops", "f.jsonl")).toThrow("f.jsonl:2: not valid JSON");
    const dup = '{"question_id":"q","model":"m","judge":"j","games":[{"score":"A>B"}]}';
    expect(() => parseJudgmentJsonl(`${dup}\n${dup}`, "f")).toThrow(/judged twice \(also f:1\)/);
  });
  it("refuses records from several judges unless told which", () => {
    const rs: JudgmentRecord[] = [
      { question_id: "q", model: "m", judge: "j1", games: [{ score: "A>B" }] },
      { question_id: "q", model: "n", judge: "j2", games: [{ score: "B>A" }] },
    ];
    expect(() => scorePairwise(rs, { suite: "s" })).toThrow(/several judges/);
  });
});

describe("MT-Bench single grading", () => {
  it("averages per turn and overall, with a bootstrap interval over questions", () => {
    const grades = [
      { model: "a", questionId: "81", turn: 1, score: 9 },
      { model: "a", questionId: "81", turn: 2, score: 7 },
      { model: "a", questionId: "82", turn: 1, score: 8 },
      { model: "a", questionId: "82", turn: 2, score: null },
      { model: "b", questionId: "81", turn: 1, score: 4 },
      { model: "b", questionId: "81", turn: 2, score: 5.5 },
    ];
    const r = scoreSingle(grades, { suite: "mt-bench", judge: "j" });
    expect(r.baseline).toBeNull();
    const a = r.models.find((m) => m.model === "a")!;
    expect(a).toMatchObject({ score: 8, turns: [8.5, 7], answers: 2, judgments: 3, failed: 1 });
    expect(a.ci![0]).toBeGreaterThanOrEqual(7);
    expect(a.ci![1]).toBeLessThanOrEqual(9);
    expect(r.models.map((m) => m.model)).toEqual(["a", "b"]);
    expect(r.models[1]).toMatchObject({ score: 4.75, turns: [4, 5.5] });
    expect(() =>
      scoreSingle([{ model: "a", questionId: "1", turn: 1, score: 11 }], { suite: "s", judge: "j" }),
    ).toThrow();
  });
});

describe("quality against the human leaderboard", () => {
  it("computes Spearman with average ranks", () => {
    expect(spearman([1, 2, 3], [10, 20, 30])).toBe(1);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBe(-1);
    expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9486833, 6);
    expect(spearman([1], [1])).toBeNull();
  });

  it("scores separability, agreement with confidence and pair-rank Brier on the shared models", () => {
    // Human ratings in the order of the 2024 Chatbot Arena (gpt-4-0314 > gpt-4-0613 > gpt-3.5-turbo-0125 >
    // the Llama fine-tunes in the suite's order), with narrow intervals, plus a model the suite lacks.
    const order = result.models.map((m) => m.model);
    const human = order.map((model, k) => ({
      model,
      rating: 1200 - 20 * k,
      ci: [1195 - 20 * k, 1205 - 20 * k] as [number, number],
    }));
    human.push({ model: "not-in-suite", rating: 1300, ci: [1290, 1310] });
    const q = evalQuality(result, human, "arena-leaderboard/v1 overall test");
    expect(q.models).toBe(9);
    expect(q.pairs).toBe(36);
    expect(q.spearman).toBe(1);
    // Every human pair is separated; the suite separates all but a few neighbours.
    expect(q.agreement).toBeGreaterThan(0.9);
    expect(q.separability).toBeGreaterThan(0.8);
    expect(q.agreement).toBeCloseTo(q.separability! + (1 - q.separability!) * 0.5, 3);
    expect(q.brier).toBeLessThan(0.05);
    // Reversed humans: agreement drops to the overlapping pairs' ½, Brier near 1.
    const rev = evalQuality(
      result,
      human.map((h) => ({ ...h, rating: -h.rating, ci: [-h.ci![1], -h.ci![0]] as [number, number] })),
      "rev",
    );
    expect(rev.spearman).toBe(-1);
    expect(rev.brier).toBeGreaterThan(0.9);
    expect(rev.agreement).toBeLessThan(0.1);
  });
});
