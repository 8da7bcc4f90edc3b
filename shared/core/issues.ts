// The one formatter of zod issues, for people: the edge's 422 messages and the reasons stored with dead letters.
import type { z } from "zod";

export interface IssueFormat {
  /** What to call the root when an issue has an empty path ("body" for a request, "(root)" for a message). */
  root?: string;
  /** Between a path and its message: ": " in API errors; " " in dead-letter reasons (a stored format). */
  separator?: string;
  /** At most this many issues, so a huge invalid body cannot produce a huge message. */
  max?: number;
}

/** "field: problem; other: problem" — precise enough to fix the input, with no internals. */
export function describeIssues(error: z.ZodError, format: IssueFormat = {}): string {
  const { root = "body", separator = ": ", max = 5 } = format;
  return error.issues
    .slice(0, max)
    .map((i) => `${i.path.length ? i.path.join(".") : root}${separator}${i.message}`)
    .join("; ");
}
