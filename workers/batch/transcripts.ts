// The text of a recorded battle, for classifiers that run after the vote (LLM judge, re-labelling): the retained
// transcript in R2 when there is one, else the battle's Durable Object while it still lives (BATTLE_TTL_SECONDS
// after the vote). Null when neither has it: such a battle keeps the labels it was given when the vote was cast.
import type { Transcript } from "../../durable-objects/battle-room";
import type { Conversation } from "../../shared/data/categories";

export async function loadConversation(
  env: Env,
  battle: { id: string; transcriptKey: string | null },
): Promise<Conversation | null> {
  let t: Transcript | null = null;
  if (battle.transcriptKey) {
    const object = await env.STORE.get(battle.transcriptKey);
    if (object) t = (await object.json()) as Transcript;
  }
  if (!t) {
    const result = await env.BATTLE.getByName(battle.id).transcript();
    if (result.ok) t = result.transcript;
  }
  if (!t) return null;
  const of = (conv: Transcript["conversationA"], role: "user" | "assistant") =>
    conv.filter((m) => m.role === role).map((m) => m.content);
  return {
    userTurns: of(t.conversationA, "user"),
    answersA: of(t.conversationA, "assistant"),
    answersB: of(t.conversationB, "assistant"),
  };
}
