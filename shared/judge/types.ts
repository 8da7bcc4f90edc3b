// Suite shapes (DESIGN section 13), apart from suites.ts so code that only needs the types (prompts, scoring) does
// not pull the suites' data into a bundle.
export interface SuiteQuestion {
  /** Stable id within the suite (Arena-Hard's `question_id`/`uid`; MT-Bench's number as a string). */
  id: string;
  category: string;
  /** Arena-Hard topic cluster (two prompts per cluster). */
  cluster?: string;
  /** The user turns, in order (1 for Arena-Hard, 2 for MT-Bench). */
  turns: string[];
  /** Pairwise suites: the baseline model's answer to each turn, where the source ships it. */
  baselineAnswers?: string[];
  /** Single-grading suites: a reference answer per turn, for the categories graded with a reference. */
  reference?: string[];
}

export interface Suite {
  suite: string;
  version: number;
  /** "pairwise": two games per question against `baseline`; "single": one grade 1–10 per answer turn. */
  kind: "pairwise" | "single";
  turns: number;
  baseline?: string;
  /** Single-grading suites: categories whose questions come with a reference answer. */
  referenceCategories?: string[];
  questions: SuiteQuestion[];
}
