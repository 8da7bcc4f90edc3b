// The judge suites (DESIGN section 13) as versioned data: JSON files bundled with the code (provenance in
// suites/PROVENANCE.md). Import this module only where a suite's questions are needed: arena-hard-v0.1 carries
// the 500 baseline answers (about 1.2 MB of the Worker bundle).
import arenaHardV01 from "./suites/arena-hard-v0.1.json";
import mtBench from "./suites/mt-bench.json";
import type { Suite } from "./types";

export type { Suite, SuiteQuestion } from "./types";

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
