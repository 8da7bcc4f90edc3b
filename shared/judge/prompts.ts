// Judge prompts (DESIGN section 13): our own text, versioned data in prompts.json, always sampled at temperature 0.
// These functions turn a suite question and the answers into the chat messages a judge model is sent.
// Placeholders are filled in one pass, so an answer that happens to contain "{answer_b}" is never re-expanded.
import data from "./prompts.json";
import type { SuiteQuestion } from "./types";

export interface JudgePrompt {
  kind: "pairwise" | "single";
  /** Single grading against a reference answer. */
  reference?: boolean;
  system: string;
  user: string;
}

export interface ChatMessage {
  role: "system" | "user";
  content: string;
}

/** What a job sends to the judge model (an OpenAI-compatible chat completion). */
export interface JudgeRequest {
  /** Prompt id and file version, stored with the judgment so a result says which prompt produced it. */
  prompt: string;
  promptVersion: number;
  temperature: 0;
  messages: ChatMessage[];
}

export const PROMPTS_VERSION: number = data.version;
export const JUDGE_TEMPERATURE = 0 as const;
export const JUDGE_PROMPTS: Readonly<Record<string, JudgePrompt>> = data.prompts as Record<string, JudgePrompt>;
export const DEFAULT_PAIRWISE_PROMPT = "pairwise-v1";
export const DEFAULT_SINGLE_PROMPT = "single-v1";
export const DEFAULT_REFERENCE_PROMPT = "single-reference-v1";

function prompt(id: string, kind: JudgePrompt["kind"]): JudgePrompt {
  const p = Object.prototype.hasOwnProperty.call(JUDGE_PROMPTS, id) ? JUDGE_PROMPTS[id] : undefined;
  if (!p || p.kind !== kind) throw new Error(`no ${kind} judge prompt "${id}"`);
  return p;
}

/** Fill `{name}` placeholders in one pass; an unknown placeholder is a bug in the prompt data. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z_]+)\}/g, (m, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`judge prompt: no value for ${m}`);
    return values[name]!;
  });
}

function request(id: string, p: JudgePrompt, values: Record<string, string>): JudgeRequest {
  return {
    prompt: id,
    promptVersion: PROMPTS_VERSION,
    temperature: JUDGE_TEMPERATURE,
    messages: [
      { role: "system", content: p.system },
      { role: "user", content: fillTemplate(p.user, values) },
    ],
  };
}

/** The user turns as one block; with several turns, each labelled (pairwise answers are single-turn). */
function questionText(turns: readonly string[]): string {
  if (turns.length === 1) return turns[0]!;
  return turns.map((t, k) => `[Turn ${k + 1}]\n${t}`).join("\n\n");
}

function answerText(answers: readonly string[]): string {
  if (answers.length === 1) return answers[0]!;
  return answers.map((t, k) => `[Turn ${k + 1}]\n${t}`).join("\n\n");
}

/**
 * One pairwise game: `answerA` is shown as Assistant A. For a multi-turn question pass one answer per turn.
 */
export function buildPairwiseRequest(
  question: Pick<SuiteQuestion, "turns">,
  answerA: readonly string[],
  answerB: readonly string[],
  promptId: string = DEFAULT_PAIRWISE_PROMPT,
): JudgeRequest {
  if (answerA.length !== question.turns.length || answerB.length !== question.turns.length)
    throw new Error("pairwise judge: one answer per question turn on each side");
  return request(promptId, prompt(promptId, "pairwise"), {
    question: questionText(question.turns),
    answer_a: answerText(answerA),
    answer_b: answerText(answerB),
  });
}

/**
 * The two games of a pairwise suite question (DESIGN section 13): game 1 shows the baseline as A, game 2 the
 * model as A.
 */
export function buildPairwiseGames(
  question: Pick<SuiteQuestion, "turns">,
  baselineAnswer: readonly string[],
  modelAnswer: readonly string[],
  promptId: string = DEFAULT_PAIRWISE_PROMPT,
): [JudgeRequest, JudgeRequest] {
  return [
    buildPairwiseRequest(question, baselineAnswer, modelAnswer, promptId),
    buildPairwiseRequest(question, modelAnswer, baselineAnswer, promptId),
  ];
}

/**
 * Single-answer grading of the model's answer to user turn `turn` (1-based): the judge sees the conversation up
 * to that turn and grades the last reply. With `reference` (one reference answer per turn, e.g. an MT-Bench
 * math/reasoning/coding question) the reference prompt is used and shows that turn's reference.
 */
export function buildGradeRequest(
  question: Pick<SuiteQuestion, "turns" | "reference">,
  answers: readonly string[],
  turn: number,
  opts: { promptId?: string; useReference?: boolean } = {},
): JudgeRequest {
  if (!Number.isInteger(turn) || turn < 1 || turn > question.turns.length)
    throw new Error(`grade judge: turn ${turn} is not a turn of the question`);
  if (answers.length < turn) throw new Error(`grade judge: no answer for turn ${turn}`);
  const ref = (opts.useReference ?? true) ? question.reference?.[turn - 1] : undefined;
  const id = opts.promptId ?? (ref !== undefined ? DEFAULT_REFERENCE_PROMPT : DEFAULT_SINGLE_PROMPT);
  const p = prompt(id, "single");
  if (p.reference && ref === undefined) throw new Error(`grade judge: prompt "${id}" needs a reference answer`);
  const parts: string[] = [];
  for (let k = 0; k < turn; k++) {
    parts.push(`<|User|>\n${question.turns[k]!}`);
    parts.push(`<|Assistant|>\n${answers[k]!}`);
  }
  const values: Record<string, string> = { conversation: parts.join("\n\n") };
  if (p.reference) values.reference = ref!;
  return request(id, p, values);
}
