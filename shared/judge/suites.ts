// The judge suites (DESIGN section 13) as versioned data: JSON files bundled with the code (provenance in
// suites/PROVENANCE.md). Import this module only where a suite's questions are needed: arena-hard-v0.1 carries
// the 500 baseline answers (about 1.2 MB of the Worker bundle).
import arenaHardV01 from "./suites/arena-hard-v0.1.json";
import mtBench from "./suites/mt-bench.json";

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

const SUITES: Record<string, Suite> = {
  "arena-hard-v0.1": arenaHardV01 as Suite,
  "mt-bench": mtBench as Suite,
};

/** Names of the built-in suites. */
export const SUITE_NAMES: readonly string[] = Object.keys(SUITES);

/** A built-in suite by name, or null when there is none. The object is shared: do not mutate it. */
export function loadSuite(name: string): Suite | null {
  return Object.prototype.hasOwnProperty.call(SUITES, name) ? SUITES[name]! : null;
}
