// Heuristic categories of one conversation (DESIGN sections 6 and 8). Computed by the BattleRoom DO when the vote
// is cast (it holds the text; the vote message carries only the result), and again by the maintenance runner when a
// classifier's version changes (from the retained transcript). Pure apart from the lazily loaded detector/tokenizer.
import { countTokens } from "../../battle/style";
import { sha256Hex } from "../../core/crypto";
import { isCoding } from "./coding";
import { detectLanguage } from "./language";

/**
 * One version per heuristic label: bump a label's number whenever its rule changes, and the maintenance runner
 * re-labels old battles with it in the background (docs/data.md "Versions").
 */
export const HEURISTIC_VERSIONS = {
  coding: 1,
  multi_turn: 1,
  long_query: 1,
  short_query: 1,
  language: 1,
} as const;
export type HeuristicLabel = keyof typeof HEURISTIC_VERSIONS;
export const HEURISTIC_LABELS = Object.keys(HEURISTIC_VERSIONS) as HeuristicLabel[];

/** One number that changes whenever any heuristic version does: battles labelled with another one are stale. */
export const HEURISTICS_REVISION = Object.values(HEURISTIC_VERSIONS).reduce((a, b) => a + b, 0);

/** FastChat's thresholds (the ratings parser uses the same ones on sum_user_tokens). */
export const LONG_QUERY_TOKENS = 500;
export const SHORT_QUERY_TOKENS = 5;
/** FastChat's dedup key: the user turns, each followed by a newline, cut at 10,000 characters. */
export const DEDUP_PROMPT_CHARS = 10_000;

/** Labels that are category boards (DESIGN section 6). `short_query` only feeds the `no_short` view (via tokens). */
export const CATEGORY_LABELS = [
  "coding",
  "creative_writing",
  "hard_prompts",
  "instruction_following",
  "long_query",
  "math",
  "multi_turn",
] as const;
export type CategoryLabel = (typeof CATEGORY_LABELS)[number];
const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORY_LABELS);
export const isCategoryLabel = (name: string): name is CategoryLabel => CATEGORY_SET.has(name);

export interface Conversation {
  userTurns: readonly string[];
  answersA: readonly string[];
  answersB: readonly string[];
}

export interface HeuristicResult {
  labels: Record<Exclude<HeuristicLabel, "language">, boolean>;
  /** ISO 639-1, or null when there is no prose to judge. */
  language: string | null;
  /** cl100k tokens over all user turns (the export's conv_metadata.sum_user_tokens). */
  userTokens: number;
  /** SHA-256 of the dedup key (FastChat's deduplication). */
  promptHash: string;
}

export function dedupKey(userTurns: readonly string[]): string {
  return userTurns
    .map((t) => `${t}\n`)
    .join("")
    .slice(0, DEDUP_PROMPT_CHARS);
}

export async function classifyConversation(c: Conversation, userTokens?: number): Promise<HeuristicResult> {
  const tokens = userTokens ?? (await countTokens(c.userTurns)).reduce((s, n) => s + n, 0);
  const [language, promptHash] = await Promise.all([detectLanguage(c.userTurns), sha256Hex(dedupKey(c.userTurns))]);
  return {
    labels: {
      coding: isCoding(c.userTurns, [...c.answersA, ...c.answersB]),
      multi_turn: c.userTurns.length >= 2,
      long_query: tokens >= LONG_QUERY_TOKENS,
      short_query: tokens < SHORT_QUERY_TOKENS,
    },
    language,
    userTokens: tokens,
    promptHash,
  };
}

/** The category names among labels that are true, sorted (the battle row's `categories`, in export order). */
export function categoriesOf(labels: Partial<Record<string, boolean | null>>): string[] {
  return Object.entries(labels)
    .filter(([name, v]) => v === true && isCategoryLabel(name))
    .map(([name]) => name)
    .sort();
}

export { isCoding, looksLikeCode } from "./coding";
export { detectLanguage, proseOf } from "./language";
