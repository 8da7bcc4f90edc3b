// The battle's pure vote rules: whether a vote counts (invariant 4), and what the vote message says about the
// conversation, computed from the text that only the battle's Durable Object holds (DESIGN section 8). No I/O; the
// DO's outbox (durable-objects/outbox.ts) adds the battle's metadata and sends the message.
import { classifyConversation, HEURISTICS_REVISION } from "../data/categories";
import type { Side, SideFinish } from "./sse";
import { countTokens, sideStyle } from "./style";

/** What decides a vote's exclusion, besides the turns: the mode and the flags the DO set along the way. */
export interface ExclusionFacts {
  mode: "anonymous" | "side-by-side" | "chat";
  /** An answer named a model of the pool (sticky: the voter has seen it, even after regenerate). */
  leaked: boolean;
  /** An exclusion decided outside the conversation (the per-voter daily cap), null when none. */
  capReason: string | null;
}

/** A side's answer in one turn; `finish` is null while it is generating. */
export interface TurnFacts {
  turn: number;
  side: Side;
  user: string;
  text: string;
  finish: SideFinish | null;
}

/**
 * Whether a vote on this battle counts toward the public boards, and if not why. The reason never names a model.
 * - `identity_leak`: an answer named a model of the pool (sticky: the voter has seen it, even after regenerate);
 * - `provider_error`: a side of the current conversation failed;
 * - `unfinished`: a side was stopped (or is still generating);
 * - named side-by-side and direct chat are stored but never rated.
 */
export function exclusionOf(
  battle: ExclusionFacts,
  turns: readonly Pick<TurnFacts, "finish">[],
): { counted: boolean; reason: string | null } {
  if (battle.mode === "side-by-side") return { counted: false, reason: "side_by_side" };
  if (battle.mode === "chat") return { counted: false, reason: "direct_chat" };
  const reason = excludedReason(battle, turns);
  return { counted: reason === null, reason };
}

/** The `excluded_reason` stored with the battle (null when it is clean). */
export function excludedReason(battle: ExclusionFacts, turns: readonly Pick<TurnFacts, "finish">[]): string | null {
  if (battle.leaked) return "identity_leak";
  if (turns.some((t) => t.finish === "error")) return "provider_error";
  if (turns.some((t) => t.finish === "stopped" || t.finish === null)) return "unfinished";
  if (battle.capReason) return battle.capReason;
  return null;
}

/**
 * The vote message's fields that come from the conversation (turns ordered by turn, then side): the turn count,
 * the prompt tokens, each side's style features, and the heuristic language and categories.
 */
export async function conversationFeatures(turns: readonly TurnFacts[]) {
  const answers = (side: Side) => turns.filter((t) => t.side === side).map((t) => t.text);
  const prompts = turns.filter((t) => t.side === "a").map((t) => t.user);
  const [styleA, styleB, userTokens] = await Promise.all([
    sideStyle(answers("a")),
    sideStyle(answers("b")),
    countTokens(prompts).then((c) => c.reduce((s, n) => s + n, 0)),
  ]);
  const classified = await classifyConversation(
    { userTurns: prompts, answersA: answers("a"), answersB: answers("b") },
    userTokens,
  );
  return {
    turns: prompts.length,
    userTokens,
    style: { a: styleA, b: styleB },
    language: classified.language,
    classification: { rev: HEURISTICS_REVISION, labels: classified.labels, promptHash: classified.promptHash },
  };
}
