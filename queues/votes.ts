// The vote message (DESIGN section 8): everything the batch worker needs to write one `battles` row, and nothing
// it must not see (no transcript, no raw IP). Produced by the BattleRoom DO, consumed by workers/batch.
import { z } from "zod";
import { Winner } from "../shared/battle/contract";

const count = z.number().int().min(0);
const SideStyle = z
  .object({
    tokens: count,
    header: z.object({ h1: count, h2: count, h3: count, h4: count, h5: count, h6: count }).strict(),
    list: z.object({ ordered: count, unordered: count }).strict(),
    bold: z.object({ "**": count, __: count }).strict(),
    /**
     * Emoji in the side's answers (shared/battle/style.ts `countEmoji`; style control v2, DESIGN section 14).
     * Optional, so a message produced before it existed still validates (its battle row gets null counts).
     */
    emoji: count.optional(),
  })
  .strict();

export const VOTE_MESSAGE_VERSION = 1;

/**
 * The heuristic labels the DO computed from the conversation when the vote was cast (shared/data/categories). Optional so
 * a message produced before this field existed still validates; its battle is labelled later by maintenance.
 */
export const Classification = z
  .object({
    /** HEURISTICS_REVISION of the classifier that produced the labels. */
    rev: z.number().int().min(0),
    labels: z
      .object({ coding: z.boolean(), multi_turn: z.boolean(), long_query: z.boolean(), short_query: z.boolean() })
      .strict(),
    /** SHA-256 of the user turns (FastChat's dedup key). */
    promptHash: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type Classification = z.infer<typeof Classification>;

export const VoteMessage = z
  .object({
    v: z.literal(VOTE_MESSAGE_VERSION),
    battleId: z.uuid(),
    mode: z.enum(["anonymous", "side-by-side"]),
    modelA: z.string().min(1),
    modelB: z.string().min(1),
    winner: Winner,
    /** Salted SHA-256 of CF-Connecting-IP; the raw IP never leaves the edge. */
    voterHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.number().int().positive(),
    votedAt: z.number().int().positive(),
    turns: z.number().int().min(1),
    userTokens: count,
    style: z.object({ a: SideStyle, b: SideStyle }).strict(),
    language: z.string().min(2).max(16).nullable(),
    excludedReason: z.string().min(1).max(64).nullable(),
    samplingProbability: z.number().min(0).max(1).nullable(),
    consent: z.boolean(),
    classification: Classification.optional(),
  })
  .strict();
export type VoteMessage = z.infer<typeof VoteMessage>;

/** API winner values → the FastChat values the battles table and the ratings CLI use (DESIGN section 7). */
export const WINNER_TO_FASTCHAT = {
  a: "model_a",
  b: "model_b",
  tie: "tie",
  bothbad: "tie (bothbad)",
} as const;

/** Validates before sending, so a bad message fails at the producer rather than poisoning the queue. */
export async function sendVote(queue: Queue, message: VoteMessage): Promise<void> {
  await queue.send(VoteMessage.parse(message), { contentType: "json" });
}
