// The real Arena-Hard v0.1 judgment fixture (test/fixtures/judge, see PROVENANCE.md), parsed with the CLI's reader.
import { parseJudgmentJsonl } from "../../shared/ratings/judge-parse";
import type { JudgmentRecord } from "../../shared/ratings/judge";

const files = import.meta.glob("../fixtures/judge/model_judgment/gpt-4-1106-preview/*.jsonl", {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

export function arenaHardRecords(): JudgmentRecord[] {
  const seen = new Map<string, string>();
  return Object.keys(files)
    .sort()
    .flatMap((f) => parseJudgmentJsonl(files[f]!, f, seen));
}

export const fixtureFileCount = Object.keys(files).length;
