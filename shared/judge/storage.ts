// Where the evaluation service keeps its texts and publications in R2 (docs/judge.md "Service"):
// evals/jobs/<job>/<kind>/<question>-<slot>-<nonce>.json holds one stored answer or judgment (the nonce makes a
// concurrent duplicate write land in its own object, deleted when its D1 row lost the race), and
// evals/published/<suite>/<etag>.json each publication of /evals/<suite>.json (the D1 row eval_published points at
// the live one).

export const evalTextKey = (job: string, kind: "answer" | "judgment", question: string, slot: number, nonce: string) =>
  `evals/jobs/${job}/${kind}/${encodeURIComponent(question)}-${slot}-${nonce}.json`;

export const evalPublishedKey = (suite: string, etag: string) =>
  `evals/published/${encodeURIComponent(suite)}/${etag}.json`;

/** The stored body of an answer (one text per turn) or a judgment (the judge's texts, one per attempt). */
export interface StoredEvalText {
  texts: string[];
  /** Judgments: the judge prompt id and version. */
  prompt?: string;
  promptVersion?: number;
}
