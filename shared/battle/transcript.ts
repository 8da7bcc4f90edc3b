// A battle's transcript: the R2 object the batch worker writes when transcript retention applies (DESIGN
// section 8), and the one way to read it back. Written from the BattleRoom DO's transcript() RPC, which only answers
// once the battle is voted (the pair is public by then); read by the archived battle view, the conversation export,
// providers' private results, and the classifiers that run after the vote (LLM judge, re-labelling).
import { z } from "zod";
import type { Conversation } from "../data/categories";
import type { ChatMessage } from "../providers";
import { readStoredJson } from "../core/stored-json";
import { errorText, log } from "../core/log";
import type { TurnView } from "./contract";

/** A transcript message is a provider chat message: the DO builds one from the other. */
const TranscriptMessage = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
}) satisfies z.ZodType<ChatMessage>;

/** The R2 object format (`transcripts/<day>/<battle>.json`): each side's whole conversation, prompts included. */
export const Transcript = z.object({
  id: z.string(),
  modelA: z.string(),
  modelB: z.string(),
  conversationA: z.array(TranscriptMessage),
  conversationB: z.array(TranscriptMessage),
});
export type Transcript = z.infer<typeof Transcript>;

/** Deliveries after which a vote is written without its transcript if the copy to R2 keeps failing. */
export const TRANSCRIPT_ATTEMPTS = 3;

/** The R2 key of a battle's transcript, by the UTC day of its vote. */
export const transcriptKey = (vote: { battleId: string; votedAt: number }): string =>
  `transcripts/${new Date(vote.votedAt).toISOString().slice(0, 10)}/${vote.battleId}.json`;

/** The transcript stored at `key`, or null when there is none (or it is not a transcript: logged, never cast). */
export const readTranscript = (bucket: R2Bucket, key: string): Promise<Transcript | null> =>
  readStoredJson(bucket, key, Transcript, "transcript.invalid");

const textsOf = (conv: Transcript["conversationA"], role: "user" | "assistant") =>
  conv.filter((m) => m.role === role).map((m) => m.content);

/** The turns of a transcript as the battle view shows them: each prompt with both answers ("" if missing). */
export function turnsOf(t: Transcript): TurnView[] {
  const [as, bs] = [textsOf(t.conversationA, "assistant"), textsOf(t.conversationB, "assistant")];
  return textsOf(t.conversationA, "user").map((user, i) => ({ user, a: as[i] ?? "", b: bs[i] ?? "" }));
}

/**
 * Copies the transcript from the battle's DO to R2 when retention applies; returns the R2 key or null.
 * A failure fails the batch (so it is retried) for the first few attempts only: after that the vote is written
 * without its transcript rather than being held back, or dead-lettered, because of it.
 */
export async function retainTranscript(
  env: Env,
  vote: { battleId: string; votedAt: number; consent: boolean },
  retention: "consented" | "all" | "off",
  attempts: number,
): Promise<string | null> {
  if (retention === "off" || (retention === "consented" && !vote.consent)) return null;
  try {
    const result = await env.BATTLE.getByName(vote.battleId).transcript();
    if (!result.ok) return null; // the battle expired before its vote was processed: metadata only
    const key = transcriptKey(vote);
    await env.STORE.put(key, JSON.stringify(result.transcript), { httpMetadata: { contentType: "application/json" } });
    return key;
  } catch (err) {
    if (attempts < TRANSCRIPT_ATTEMPTS) throw err;
    log.error("vote.transcript_dropped", { battle: vote.battleId, attempts, err: errorText(err) });
    return null;
  }
}

/**
 * The text of a recorded battle, for classifiers that run after the vote (LLM judge, re-labelling): the retained
 * transcript in R2 when there is one, else the battle's Durable Object while it still lives (BATTLE_TTL_SECONDS
 * after the vote). Null when neither has it: such a battle keeps the labels it was given when the vote was cast.
 */
export async function loadConversation(
  env: Env,
  battle: { id: string; transcriptKey: string | null },
): Promise<Conversation | null> {
  let t: Transcript | null = battle.transcriptKey ? await readTranscript(env.STORE, battle.transcriptKey) : null;
  if (!t) {
    const result = await env.BATTLE.getByName(battle.id).transcript();
    if (result.ok) t = result.transcript;
  }
  if (!t) return null;
  return {
    userTurns: textsOf(t.conversationA, "user"),
    answersA: textsOf(t.conversationA, "assistant"),
    answersB: textsOf(t.conversationB, "assistant"),
  };
}
