// Conversation reshaping for vendors stricter than Chat Completions (Anthropic Messages, Gemini contents):
// system messages move to a separate field, empty turns are dropped (Anthropic rejects empty text blocks,
// e.g. an errored or stopped answer that produced nothing) and consecutive same-role turns are merged so roles
// alternate.
import type { ChatMessage } from "./types";

export interface Turn {
  role: "user" | "assistant";
  content: string;
}

export function splitConversation(messages: readonly ChatMessage[]): { system: string | null; turns: Turn[] } {
  const system = messages.filter((m) => m.role === "system" && m.content.trim() !== "").map((m) => m.content);
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === "system" || m.content.trim() === "") continue;
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.content += `\n\n${m.content}`;
    else turns.push({ role: m.role, content: m.content });
  }
  return { system: system.length > 0 ? system.join("\n\n") : null, turns };
}
