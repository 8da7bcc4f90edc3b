// The demo judge (docs/judge.md "Demo judge"): a deterministic, offline stand-in for an LLM judge, so `npm start`
// and the tests run a whole suite with no keys. It reads the answers themselves and writes a short judgment that
// ends with a verdict in the real grammar (DESIGN section 13), which the job then parses like any judge's text.
// Its taste is simple and stated: it prefers the longer, more structured answer (words up to a cap, headers, list
// items, code blocks, bold). Same input, same text: no randomness, no clock.
import { stripFencedCodeBlocks } from "./style-lite";
import type { PairwiseLabel } from "./verdict";

export const DEMO_JUDGE = "demo";

/** The demo judge's structure score of one answer (all turns joined): higher is "better" to it. */
export function demoStructureScore(answer: readonly string[]): number {
  const text = answer.join("\n");
  const prose = stripFencedCodeBlocks(text);
  const words = Math.min(400, prose.split(/\s+/).filter(Boolean).length);
  const headers = (prose.match(/^#{1,6}\s/gm) ?? []).length;
  const items = (prose.match(/^\s*(?:[-*+]|\d+\.)\s/gm) ?? []).length;
  const code = (text.match(/^```/gm) ?? []).length / 2;
  const bold = (prose.match(/\*\*[^*\n]+\*\*/g) ?? []).length;
  return words / 20 + 2 * headers + Math.min(items, 12) + 3 * Math.floor(code) + Math.min(bold, 6) / 2;
}

function pairwiseLabel(a: number, b: number): PairwiseLabel {
  const rel = (a - b) / Math.max(1, a, b);
  if (rel > 0.5) return "A>>B";
  if (rel > 0.1) return "A>B";
  if (rel < -0.5) return "B>>A";
  if (rel < -0.1) return "B>A";
  return "A=B";
}

/** A pairwise judgment of A against B (one answer per turn on each side), ending `[[label]]`. */
export function demoPairwiseJudgment(answerA: readonly string[], answerB: readonly string[]): string {
  const a = demoStructureScore(answerA);
  const b = demoStructureScore(answerB);
  return [
    "I compare the two replies on how complete and well organised they are.",
    `Assistant A's reply has a structure score of ${a.toFixed(1)}; Assistant B's has ${b.toFixed(1)}.`,
    `My final verdict is: [[${pairwiseLabel(a, b)}]]`,
  ].join("\n\n");
}

/** The demo judge's grade 1–10 of an answer (every turn up to the graded one counts, the graded one double). */
export function demoGrade(answer: readonly string[]): number {
  const last = demoStructureScore(answer.slice(-1));
  return Math.max(1, Math.min(10, Math.round(2 + last / 3)));
}

/** A single-answer grading judgment of the last turn of `answer`, ending `Rating: [[N]]`. */
export function demoGradeJudgment(answer: readonly string[]): string {
  const g = demoGrade(answer);
  return [
    `The reply is ${g >= 7 ? "thorough and well organised" : g >= 4 ? "adequate but thin" : "very brief"}.`,
    `Rating: [[${g}]]`,
  ].join("\n\n");
}
