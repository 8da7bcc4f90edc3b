// The real Arena-Hard v0.1 judgment fixture (test/fixtures/judge, see PROVENANCE.md), parsed with the CLI's reader.
import { parseJudgmentJsonl } from "../../shared/ratings/judge-parse";
import type { JudgmentRecord } from "../../shared/ratings/judge";
import m0 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-DPO-UltraFeedback.jsonl?raw";
import m1 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-IPO-UltraFeedback.jsonl?raw";
import m2 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-SFT-Ultrachat.jsonl?raw";
import m3 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-TR_DPO-Alpha_0.6-UltraFeedback.jsonl?raw";
import m4 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-TR_DPO-Tau_256-UltraFeedback.jsonl?raw";
import m5 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/Llama-3-Base-8B-TR_IPO-Alpha_0.6-UltraFeedback.jsonl?raw";
import m6 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/gpt-3.5-turbo-0125.jsonl?raw";
import m7 from "../fixtures/judge/model_judgment/gpt-4-1106-preview/gpt-4-0613.jsonl?raw";

const files: [string, string][] = [
  ["Llama-3-Base-8B-DPO-UltraFeedback.jsonl", m0],
  ["Llama-3-Base-8B-IPO-UltraFeedback.jsonl", m1],
  ["Llama-3-Base-8B-SFT-Ultrachat.jsonl", m2],
  ["Llama-3-Base-8B-TR_DPO-Alpha_0.6-UltraFeedback.jsonl", m3],
  ["Llama-3-Base-8B-TR_DPO-Tau_256-UltraFeedback.jsonl", m4],
  ["Llama-3-Base-8B-TR_IPO-Alpha_0.6-UltraFeedback.jsonl", m5],
  ["gpt-3.5-turbo-0125.jsonl", m6],
  ["gpt-4-0613.jsonl", m7],
];

export function arenaHardRecords(): JudgmentRecord[] {
  const seen = new Map<string, string>();
  return files.flatMap(([name, text]) => parseJudgmentJsonl(text, name, seen));
}

export const fixtureFileCount = files.length;
