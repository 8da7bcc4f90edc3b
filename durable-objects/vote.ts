// Turning a finished battle into its vote message, and deciding whether the vote counts (invariant 4).
import { classifyConversation, HEURISTICS_REVISION } from "../shared/data/categories";
import type { ModelRecord } from "../shared/models";
import { countTokens, sideStyle } from "../shared/battle/style";
import { VOTE_MESSAGE_VERSION, type VoteMessage } from "../queues/votes";
import type { MetaRow, TurnRow } from "./battle-room";

/**
 * Whether a vote on this battle counts toward the public boards, and if not why. The reason never names a model.
 * - `identity_leak`: an answer named a model of the pool (sticky: the voter has seen it, even after regenerate);
 * - `provider_error`: a side of the current conversation failed;
 * - `unfinished`: a side was stopped (or is still generating);
 * - named side-by-side and direct chat are stored but never rated.
 */
export function exclusionOf(meta: MetaRow, turns: readonly TurnRow[]): { counted: boolean; reason: string | null } {
  if (meta.mode === "side-by-side") return { counted: false, reason: "side_by_side" };
  if (meta.mode === "chat") return { counted: false, reason: "direct_chat" };
  const reason = excludedReason(meta, turns);
  return { counted: reason === null, reason };
}

/** The `excluded_reason` stored with the battle (null when it is clean). */
export function excludedReason(meta: MetaRow, turns: readonly TurnRow[]): string | null {
  if (meta.leaked) return "identity_leak";
  if (turns.some((t) => t.finish === "error")) return "provider_error";
  if (turns.some((t) => t.finish === "stopped" || t.finish === null)) return "unfinished";
  if (meta.cap_reason) return meta.cap_reason;
  return null;
}

export async function buildVoteMessage(
  meta: MetaRow,
  turns: readonly TurnRow[],
  a: ModelRecord,
  b: ModelRecord,
): Promise<VoteMessage> {
  const answers = (side: "a" | "b") => turns.filter((t) => t.side === side).map((t) => t.text);
  const prompts = turns.filter((t) => t.side === "a").map((t) => t.user);
  const [styleA, styleB, userTokens] = await Promise.all([
    sideStyle(answers("a")),
    sideStyle(answers("b")),
    countTokens(prompts).then((c) => c.reduce((s, n) => s + n, 0)),
  ]);
  // Heuristic categories and language come from the text, which only this object holds (DESIGN section 8).
  const classified = await classifyConversation(
    { userTurns: prompts, answersA: answers("a"), answersB: answers("b") },
    userTokens,
  );
  return {
    v: VOTE_MESSAGE_VERSION,
    battleId: meta.id,
    mode: meta.mode === "side-by-side" ? "side-by-side" : "anonymous",
    modelA: a.id,
    modelB: b.id,
    winner: meta.winner!,
    voterHash: meta.voter_hash!,
    createdAt: meta.created_at,
    votedAt: meta.voted_at!,
    turns: prompts.length,
    userTokens,
    style: { a: styleA, b: styleB },
    language: classified.language,
    excludedReason: excludedReason(meta, turns),
    samplingProbability: meta.pair_probability,
    consent: meta.consent === 1,
    classification: { rev: HEURISTICS_REVISION, labels: classified.labels, promptHash: classified.promptHash },
  };
}
