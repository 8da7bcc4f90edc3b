// The strict verdict grammar (DESIGN section 13) on realistic judge outputs, and on 70 real GPT-4 grading texts.
import { describe, expect, it } from "vitest";
import {
  isPairwiseLabel,
  JUDGE_ATTEMPTS,
  maskCode,
  parseGrade,
  parsePairwiseVerdict,
  settleVerdict,
} from "../../shared/judge/verdict";
import sample from "../fixtures/judge/arena-bench-v1-grades.sample.jsonl?raw";

describe("parsePairwiseVerdict", () => {
  it("reads each of the five labels", () => {
    for (const l of ["A>>B", "A>B", "A=B", "B>A", "B>>A"])
      expect(parsePairwiseVerdict(`My own answer ...\n\nFinal verdict: [[${l}]]`)).toBe(l);
  });

  it("takes the last label when the judge reconsiders", () => {
    const text =
      "Assistant A is more thorough, so at first glance [[A>B]]. However, A's SQL query has a bug in the JOIN " +
      "condition, while B's is correct.\n\nOn reflection, correctness matters most.\n\nMy final verdict is: [[B>A]]";
    expect(parsePairwiseVerdict(text)).toBe("B>A");
  });

  it("returns null when there is no label", () => {
    expect(parsePairwiseVerdict("Both answers are fine. I slightly prefer B.")).toBeNull();
    expect(parsePairwiseVerdict("")).toBeNull();
  });

  it("rejects malformed labels", () => {
    for (const bad of [
      "[[A > B]]",
      "[[A<B]]",
      "[[A>>>B]]",
      "[A>B]",
      "[[a>b]]",
      "[[A=>B]]",
      "[[B>=A]]",
      "[[C>A]]",
      "[[A>B]",
    ])
      expect(parsePairwiseVerdict(`Verdict: ${bad}`), bad).toBeNull();
    // A malformed last label does not hide an earlier well-formed one.
    expect(parsePairwiseVerdict("Verdict: [[A=B]]. (Not [[A > B]].)")).toBe("A=B");
  });

  it("ignores labels inside fenced code blocks and inline code", () => {
    const quoted =
      "The user asked for a parser. Assistant A's code:\n```python\nVERDICTS = ['[[A>>B]]', '[[A>B]]']\n```\n" +
      "Use one of `[[A>>B]]` … `[[B>>A]]` as instructed.\n\nMy final verdict is [[A=B]]";
    expect(parsePairwiseVerdict(quoted)).toBe("A=B");
    expect(parsePairwiseVerdict("```\nFinal verdict: [[A>B]]\n```")).toBeNull();
    expect(parsePairwiseVerdict("~~~\n[[B>A]]\n~~~\n")).toBeNull();
    // A fence that is never closed masks nothing.
    expect(parsePairwiseVerdict("```js\nconst x = 1;\n\nFinal verdict: [[B>>A]]")).toBe("B>>A");
  });

  it("keeps offsets when masking", () => {
    const t = "a `[[A>B]]` b\n```\n[[B>A]]\n```\nc";
    expect(maskCode(t)).toHaveLength(t.length);
  });

  it("type-guards stored labels", () => {
    expect(isPairwiseLabel("A>>B")).toBe(true);
    expect(isPairwiseLabel("A<B")).toBe(false);
    expect(isPairwiseLabel(null)).toBe(false);
  });
});

describe("parseGrade", () => {
  it("reads integers and decimals 1–10, the last one winning", () => {
    expect(parseGrade("Rating: [[7]]")).toBe(7);
    expect(parseGrade("Rating: [[8.5]]")).toBe(8.5);
    expect(parseGrade("Rating: [[10]]")).toBe(10);
    expect(parseGrade("Rating: [[10.0]]")).toBe(10);
    expect(parseGrade("First [[4]], but after checking the math again: Rating: [[6]]")).toBe(6);
  });

  it("rejects out-of-range and malformed grades", () => {
    for (const bad of ["[[0]]", "[[11]]", "[[10.5]]", "[[-3]]", "[[07]]", "[[7/10]]", "[[ 7 ]]", "[7]", "9/10", "[[1"])
      expect(parseGrade(`Rating: ${bad}`), bad).toBeNull();
  });

  it("ignores grades inside code", () => {
    expect(parseGrade("```\nprint('[[9]]')\n```\nRating: [[3]]")).toBe(3);
    expect(parseGrade("The answer prints `[[9]]`.")).toBeNull();
  });

  // 70 real GPT-4 single-answer grading texts with the 2023 arena-bench parser's result (integers only, one
  // [[n]]). Ours agrees on every row except the decimals that parser could not read.
  const rows = sample
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as { question_id: string; model: string; score: number | null; judgment: string });

  it("agrees with the original parser on real judge texts, and also reads their decimals", () => {
    expect(rows).toHaveLength(70);
    const differ = rows.filter((r) => parseGrade(r.judgment) !== r.score);
    expect(differ.map((r) => [r.score, parseGrade(r.judgment)])).toEqual([
      [null, 9.5],
      [null, 7.5],
      [null, 9.5],
      [null, 9.5],
    ]);
  });

  it("finds no grade where the real judge gave none (truncated, 9/10, [100] inside code, $ERROR$)", () => {
    const none = rows.filter((r) => r.score === null && parseGrade(r.judgment) === null);
    expect(none).toHaveLength(35);
    expect(none.some((r) => r.judgment === "$ERROR$")).toBe(true);
    expect(none.some((r) => r.judgment.endsWith("Rating: [[1"))).toBe(true);
  });

  it("reads a grade after a quoted answer closed by a sloppy fence", () => {
    const r = rows.filter((x) => x.question_id === "45cfec40348a4791ad96d14d9d72d125");
    expect(r.map((x) => parseGrade(x.judgment))).toEqual(r.map((x) => x.score));
    expect(r.length).toBe(2);
  });
});

describe("settleVerdict: one retry, then failed", () => {
  it("takes the first attempt with a verdict, asks again once, then gives up", () => {
    expect(JUDGE_ATTEMPTS).toBe(2);
    expect(settleVerdict([], parsePairwiseVerdict)).toEqual({ value: null, attempt: 0, retry: true, failed: false });
    expect(settleVerdict(["[[A>B]]"], parsePairwiseVerdict)).toEqual({
      value: "A>B",
      attempt: 1,
      retry: false,
      failed: false,
    });
    expect(settleVerdict(["no label"], parsePairwiseVerdict)).toEqual({
      value: null,
      attempt: 1,
      retry: true,
      failed: false,
    });
    expect(settleVerdict(["no label", "Rating: [[6]]"], parseGrade)).toEqual({
      value: 6,
      attempt: 2,
      retry: false,
      failed: false,
    });
    expect(settleVerdict(["none", "none"], parseGrade)).toEqual({
      value: null,
      attempt: 2,
      retry: false,
      failed: true,
    });
    // A third text is never read.
    expect(settleVerdict(["none", "none", "[[5]]"], parseGrade).failed).toBe(true);
  });
});
