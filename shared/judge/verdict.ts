// Strict parsers for the judge's verdict grammar (DESIGN section 13). Pure: no platform imports.
//
// Pairwise: exactly `[[A>>B]]`, `[[A>B]]`, `[[A=B]]`, `[[B>A]]` or `[[B>>A]]` (no spaces, no other forms such as
// `[[A<B]]` or `[[A>>>B]]`). Single grade: `[[N]]` with N in 1–10, an integer or a decimal (`[[8.5]]`, as FastChat
// accepts). In both, the LAST well-formed label in the text wins (a judge that reconsiders ends with its final
// word); labels inside fenced code blocks (``` or ~~~) and inline code spans are ignored, because there the judge
// is quoting the format or code, not giving a verdict. No label: null (the caller retries once, then counts the
// judgment as failed).

export const PAIRWISE_LABELS = ["A>>B", "A>B", "A=B", "B>A", "B>>A"] as const;
export type PairwiseLabel = (typeof PAIRWISE_LABELS)[number];

const PAIRWISE_RE = /\[\[(A>>B|A>B|A=B|B>A|B>>A)\]\]/g;
// A number 1–10: "10", "10.0", or 1–9 with optional decimals. Leading zeros and signs are malformed.
const GRADE_RE = /\[\[(10(?:\.0+)?|[1-9](?:\.\d+)?)\]\]/g;

/**
 * The text with fenced code blocks and inline code replaced by spaces (same length, so offsets stay meaningful).
 * Forgiving where judges are sloppy: a block closes at the next line that starts with the same fence, whatever
 * follows it (real judgments close with "```\"" when quoting an answer), and an opening fence that never closes
 * masks nothing (a verdict after a stray fence still counts).
 */
export function maskCode(text: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, " ");
  let out = text.replace(/^[ \t]*(`{3,}|~{3,})[^\n]*\n[\s\S]*?^[ \t]*\1/gm, blank);
  // Inline code: a run of backticks, content without a newline, the same run of backticks.
  out = out.replace(/(`+)[^`\n]+?\1/g, blank);
  return out;
}

function lastMatch(re: RegExp, text: string): string | null {
  let last: string | null = null;
  for (const m of maskCode(text).matchAll(re)) last = m[1]!;
  return last;
}

/** The pairwise verdict label of a judgment, or null when it has none. */
export function parsePairwiseVerdict(text: string): PairwiseLabel | null {
  return lastMatch(PAIRWISE_RE, text) as PairwiseLabel | null;
}

/** The single-answer grade (1–10, decimals allowed) of a judgment, or null when it has none. */
export function parseGrade(text: string): number | null {
  const g = lastMatch(GRADE_RE, text);
  return g === null ? null : Number(g);
}

/** Type guard for a stored label (e.g. a `games[].score` of an Arena-Hard-Auto judgment file). */
export function isPairwiseLabel(x: unknown): x is PairwiseLabel {
  return typeof x === "string" && (PAIRWISE_LABELS as readonly string[]).includes(x);
}

/** Judge calls per judgment: the first, and one retry when it has no verdict (DESIGN section 13). */
export const JUDGE_ATTEMPTS = 2;

/**
 * The verdict of a judgment from its attempts' texts, in order: the first text that parses wins. `failed` is true
 * when JUDGE_ATTEMPTS texts gave none (the caller stops asking); `retry` when fewer did and the judge should be
 * asked again.
 */
export function settleVerdict<T>(
  texts: readonly string[],
  parse: (text: string) => T | null,
): { value: T | null; attempt: number; retry: boolean; failed: boolean } {
  for (let k = 0; k < texts.length && k < JUDGE_ATTEMPTS; k++) {
    const v = parse(texts[k]!);
    if (v !== null) return { value: v, attempt: k + 1, retry: false, failed: false };
  }
  const tried = Math.min(texts.length, JUDGE_ATTEMPTS);
  return { value: null, attempt: tried, retry: tried < JUDGE_ATTEMPTS, failed: tried >= JUDGE_ATTEMPTS };
}
