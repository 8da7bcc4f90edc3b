// Suites as versioned data (shared/judge/suites) and the judge message builders (shared/judge/prompts).
import { describe, expect, it } from "vitest";
import {
  buildGradeRequest,
  buildPairwiseGames,
  buildPairwiseRequest,
  fillTemplate,
  JUDGE_PROMPTS,
  PROMPTS_VERSION,
} from "../../shared/judge/prompts";
import { loadSuite, SUITE_NAMES } from "../../shared/judge/suites";
import { parseGrade, parsePairwiseVerdict } from "../../shared/judge/verdict";

describe("suites", () => {
  it("ships arena-hard-v0.1: 500 prompts in 250 clusters, each with the gpt-4-0314 answer", () => {
    const s = loadSuite("arena-hard-v0.1")!;
    expect(s).toMatchObject({
      suite: "arena-hard-v0.1",
      version: 1,
      kind: "pairwise",
      baseline: "gpt-4-0314",
      turns: 1,
    });
    expect(s.questions).toHaveLength(500);
    expect(new Set(s.questions.map((q) => q.id)).size).toBe(500);
    expect(new Set(s.questions.map((q) => q.cluster)).size).toBe(250);
    expect(s.questions.every((q) => q.turns.length === 1 && q.baselineAnswers?.length === 1)).toBe(true);
    // The judgment fixture's first question id is a suite id (the 2024 question_id).
    expect(s.questions.some((q) => q.id === "b43c07656ead4150b360294ee932b410")).toBe(true);
  });

  it("ships mt-bench: 80 two-turn questions, 10 per category, references for math/reasoning/coding", () => {
    const s = loadSuite("mt-bench")!;
    expect(s).toMatchObject({ kind: "single", turns: 2 });
    expect(s.questions).toHaveLength(80);
    const cats = new Map<string, number>();
    for (const q of s.questions) cats.set(q.category, (cats.get(q.category) ?? 0) + 1);
    expect([...cats.values()]).toEqual(new Array(8).fill(10));
    const withRef = s.questions.filter((q) => q.reference);
    expect(withRef).toHaveLength(30);
    expect(new Set(withRef.map((q) => q.category))).toEqual(new Set(["math", "reasoning", "coding"]));
    expect(withRef.every((q) => q.reference!.length === 2 && q.turns.length === 2)).toBe(true);
  });

  it("lists its suites and knows no others", () => {
    expect([...SUITE_NAMES].sort()).toEqual(["arena-hard-v0.1", "mt-bench"]);
    expect(loadSuite("nope")).toBeNull();
    expect(loadSuite("__proto__")).toBeNull();
  });
});

describe("judge prompts", () => {
  const q = { turns: ["Write a function that reverses a string."] };

  it("builds the two games of a question: baseline as A first, then the model as A", () => {
    const [g1, g2] = buildPairwiseGames(q, ["BASELINE ANSWER"], ["MODEL ANSWER"]);
    expect(g1.temperature).toBe(0);
    expect(g1.prompt).toBe("pairwise-v1");
    expect(g1.promptVersion).toBe(PROMPTS_VERSION);
    expect(g1.messages[0]!.role).toBe("system");
    expect(g1.messages[0]!.content).toMatch(/yourself first/i);
    const u1 = g1.messages[1]!.content;
    const u2 = g2.messages[1]!.content;
    expect(u1.indexOf("BASELINE ANSWER")).toBeLessThan(u1.indexOf("MODEL ANSWER"));
    expect(u2.indexOf("MODEL ANSWER")).toBeLessThan(u2.indexOf("BASELINE ANSWER"));
    expect(u1).toContain(q.turns[0]);
  });

  it("never re-expands placeholders found in an answer", () => {
    const r = buildPairwiseRequest(q, ["A says {answer_b} and {question}"], ["B"]);
    expect(r.messages[1]!.content).toContain("A says {answer_b} and {question}");
    expect(() => fillTemplate("{missing}", {})).toThrow(/no value/);
  });

  it("lists every verdict label in the pairwise prompt, and its own example parses", () => {
    const sys = JUDGE_PROMPTS["pairwise-v1"]!.system;
    for (const l of ["[[A>>B]]", "[[A>B]]", "[[A=B]]", "[[B>A]]", "[[B>>A]]"]) expect(sys).toContain(l);
    // The prompt itself ends with the last label in its list: a judge echoing it would be read as B>>A, so the
    // job must parse only the judge's reply, never the prompt.
    expect(parsePairwiseVerdict(sys)).toBe("B>>A");
    expect(parseGrade(JUDGE_PROMPTS["single-v1"]!.system)).toBe(7);
  });

  it("grades a turn with or without the reference, showing the conversation up to it", () => {
    const mt = loadSuite("mt-bench")!;
    const math = mt.questions.find((x) => x.category === "math")!;
    const writing = mt.questions.find((x) => x.category === "writing")!;
    const t2 = buildGradeRequest(math, ["ans1", "ans2"], 2);
    expect(t2.prompt).toBe("single-reference-v1");
    const u = t2.messages[1]!.content;
    expect(u).toContain(math.turns[0]);
    expect(u).toContain(math.turns[1]);
    expect(u.indexOf("ans1")).toBeLessThan(u.indexOf("ans2"));
    expect(u).toContain(math.reference![1]);
    expect(u).not.toContain(math.reference![0]);
    expect(buildGradeRequest(writing, ["w1"], 1).prompt).toBe("single-v1");
    expect(buildGradeRequest(math, ["a"], 1, { useReference: false }).prompt).toBe("single-v1");
    expect(() => buildGradeRequest(writing, ["w1"], 1, { promptId: "single-reference-v1" })).toThrow(/reference/);
    expect(() => buildGradeRequest(writing, ["w1"], 2)).toThrow(/no answer/);
    expect(() => buildGradeRequest(writing, ["w1", "w2"], 3)).toThrow(/not a turn/);
    expect(() => buildPairwiseRequest(q, ["a"], ["b"], "single-v1")).toThrow(/no pairwise judge prompt/);
  });
});
