// LLM-judge labels (DESIGN section 8): hard_prompts, instruction_following, math, creative_writing. The judge
// prompts are versioned data files (./judges/*.json), not code; this module builds the judge's messages from the
// user turns only (capped at 12,500 characters), runs them at temperature 0, and parses the answer strictly: an
// answer that is malformed or ambiguous is "no label" (null), never a guess.
import type { ModelRecord } from "../../models";
import { ProviderError, providerFor, type ChatMessage } from "../../providers";
import creativeWriting from "./judges/creative_writing.json";
import hardPrompts from "./judges/hard_prompts.json";
import instructionFollowing from "./judges/instruction_following.json";
import math from "./judges/math.json";

/** The judge sees the user turns only, cut at this many characters (Arena-Hard / FastChat practice). */
export const JUDGE_INPUT_CHARS = 12_500;

export type ParseRule =
  | { kind: "criteria"; count: number; threshold: number }
  | { kind: "score"; tag: string; min: number; max: number; threshold: number }
  | { kind: "decision"; tag: string };

export interface JudgeSpec {
  label: "hard_prompts" | "instruction_following" | "math" | "creative_writing";
  version: number;
  system: string;
  /** The user message; {PROMPT} is replaced by the judge input. */
  user: string;
  maxTokens: number;
  parse: ParseRule;
}

export const JUDGES: readonly JudgeSpec[] = [hardPrompts, instructionFollowing, math, creativeWriting] as JudgeSpec[];

/** What the labels say about a battle once every judge answered: changes whenever a prompt version or labeller does. */
export const judgeRevision = (labeller: string) =>
  `${labeller}:${JUDGES.map((j) => `${j.label}.${j.version}`).join(",")}`;

/** The text the judges read: the user turns, joined by blank lines, capped. */
export function judgeInput(userTurns: readonly string[]): string {
  return userTurns.join("\n\n").slice(0, JUDGE_INPUT_CHARS);
}

export function judgeMessages(spec: JudgeSpec, input: string): ChatMessage[] {
  return [
    { role: "system", content: spec.system },
    { role: "user", content: spec.user.split("{PROMPT}").join(input) },
  ];
}

export interface Verdict {
  /** null = no label (malformed or ambiguous answer). */
  value: boolean | null;
  /** What was read: the criteria list, the score, or the decision; or why nothing was. */
  detail: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Parses a judge's answer by its spec's rule. Strict: zero or several different answers → null. */
export function parseVerdict(rule: ParseRule, output: string): Verdict {
  if (rule.kind === "criteria") {
    const lists = [...output.matchAll(/\[([^\[\]]*)\]/g)].map((m) => m[1]!.trim());
    const distinct = [...new Set(lists.map((l) => l.replace(/\s+/g, "")))];
    if (distinct.length === 0) return { value: null, detail: "malformed: no list" };
    if (distinct.length > 1) return { value: null, detail: "ambiguous: several lists" };
    const body = distinct[0]!;
    if (body !== "" && !/^\d+(,\d+)*$/.test(body)) return { value: null, detail: "malformed: not a list of numbers" };
    const numbers = body === "" ? [] : body.split(",").map(Number);
    if (numbers.some((n) => n < 1 || n > rule.count))
      return { value: null, detail: "malformed: criterion out of range" };
    const met = [...new Set(numbers)].sort((a, b) => a - b);
    return { value: met.length >= rule.threshold, detail: JSON.stringify(met) };
  }
  const tag = escape(rule.tag);
  const opened = (output.match(new RegExp(`<${tag}>`, "gi")) ?? []).length;
  const found = [...output.matchAll(new RegExp(`<${tag}>\\s*([^<]*?)\\s*</${tag}>`, "gi"))].map((m) =>
    m[1]!.toLowerCase(),
  );
  const distinct = [...new Set(found)];
  if (distinct.length === 0) return { value: null, detail: "malformed: no answer tag" };
  if (distinct.length > 1 || opened !== found.length) return { value: null, detail: "ambiguous: several answers" };
  const answer = distinct[0]!;
  if (rule.kind === "score") {
    if (!/^\d+$/.test(answer)) return { value: null, detail: "malformed: score is not a number" };
    const n = Number(answer);
    if (n < rule.min || n > rule.max) return { value: null, detail: "malformed: score out of range" };
    return { value: n >= rule.threshold, detail: String(n) };
  }
  if (answer === "yes" || answer === "no") return { value: answer === "yes", detail: answer };
  return { value: null, detail: "ambiguous: neither yes nor no" };
}

/** Something that answers a judge prompt: the demo labeller (./demo-judge.ts) or a pool model. */
export type JudgeFn = (spec: JudgeSpec, messages: ChatMessage[]) => Promise<string>;

export interface ModelJudgeOptions {
  timeoutMs?: number;
  /** The model's own upstream key when a provider registered it (GenerateRequest.resolveOwnedKey). */
  resolveOwnedKey?: () => Promise<string | null>;
}

/** A pool model as the judge, through its provider, at temperature 0. Failures throw (the queue retries). */
export function modelJudge(
  model: ModelRecord,
  env: Env,
  { timeoutMs = 60_000, resolveOwnedKey }: ModelJudgeOptions = {},
): JudgeFn {
  return async (spec, messages) => {
    const provider = providerFor(model.provider);
    if (!provider) throw new ProviderError("config", `no provider for kind ${model.provider}`);
    const signal = AbortSignal.timeout(timeoutMs);
    let text = "";
    for await (const ev of provider.generate({
      model,
      messages,
      params: { temperature: 0, topP: 1, maxTokens: spec.maxTokens },
      signal,
      attempt: 0,
      env,
      resolveOwnedKey,
    })) {
      if (ev.type === "text") text += ev.text;
    }
    return text;
  };
}
