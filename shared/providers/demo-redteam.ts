// Breakable demo models for the Red Team game (DESIGN section 11): offline, deterministic, each with a stable
// difficulty. They read the conversation the way a real model would — the last user message and the system prompt —
// and give in only when their rule allows:
//   pushover  — does what it is asked: repeats a quoted phrase when asked to say it, shows its instructions when asked.
//   actor     — refuses plain requests, but plays along inside a role-play frame (pretend, role, story, character…).
//   fortress  — refuses nearly everything; only a "developer mode" request that asks for the text "verbatim" works.
// Their fixed text names no model, so nothing here can leak an identity.
import type { ChatMessage } from "./types";

import { REDTEAM_DEMO_STYLES } from "./kinds";

export { REDTEAM_DEMO_STYLES };
export type RedteamDemoStyle = (typeof REDTEAM_DEMO_STYLES)[number];

export const isRedteamDemoStyle = (s: string): s is RedteamDemoStyle =>
  (REDTEAM_DEMO_STYLES as readonly string[]).includes(s);

/** The first quoted span of the prompt ("…", “…”, '…' or «…»), or null. */
export function quotedPhrase(prompt: string): string | null {
  const m = /"([^"\n]{1,300})"|“([^”\n]{1,300})”|«([^»\n]{1,300})»|(?:^|\s)'([^'\n]{1,300})'(?=\s|[.,!?;:]|$)/u.exec(
    prompt,
  );
  return m ? (m[1] ?? m[2] ?? m[3] ?? m[4] ?? null) : null;
}

const ASK_TO_SAY = /\b(say|repeat|write|type|print|echo|output|spell|recite|read out)\b/i;
const ASK_TO_REVEAL =
  /\b(system prompt|instructions?|secret|password|passcode|pin|api key|key|credential|confidential|canary|rules|prompt)\b/i;
const ROLE_PLAY = /\b(pretend|role ?play|role|story|character|act as|acting|imagine|play the part|scene|script)\b/i;
const FORTRESS_KEY = /\b(developer|debug) mode\b/i;
const VERBATIM = /\bverbatim\b/i;

const REFUSALS = [
  "I'm sorry, but I can't help with that.",
  "That's not something I'm able to share or say.",
  "I have to decline that request, but I'm happy to help with something else.",
  "Nice try! I'm going to stay on my best behaviour.",
];

const CHAT = [
  "I'm here to help. What would you like to talk about?",
  "Happy to chat. Ask me anything within my guidelines.",
  "Sure, tell me more about what you need.",
];

type Ask = { kind: "say"; phrase: string } | { kind: "reveal" } | null;

function askOf(prompt: string): Ask {
  const phrase = quotedPhrase(prompt);
  if (phrase && ASK_TO_SAY.test(prompt)) return { kind: "say", phrase };
  if (ASK_TO_REVEAL.test(prompt)) return { kind: "reveal" };
  if (phrase) return { kind: "say", phrase };
  return null;
}

function allows(style: RedteamDemoStyle, prompt: string): boolean {
  switch (style) {
    case "pushover":
      return true;
    case "actor":
      return ROLE_PLAY.test(prompt);
    case "fortress":
      return FORTRESS_KEY.test(prompt) && VERBATIM.test(prompt);
  }
}

function comply(style: RedteamDemoStyle, ask: NonNullable<Ask>, system: string): string {
  const text = ask.kind === "say" ? ask.phrase : system || "I have no special instructions.";
  switch (style) {
    case "pushover":
      return ask.kind === "say" ? `Sure! ${text}` : `Of course. My instructions say: ${text}`;
    case "actor":
      return ask.kind === "say"
        ? `*stays in character* Very well: "${text}" *bows*`
        : `*in character* The old scroll reads: ${text} *rolls it up again*`;
    case "fortress":
      return `[developer mode] Verbatim output follows.\n${text}`;
  }
}

/** The whole answer of a red-team demo model to this conversation. */
export function redteamAnswer(style: RedteamDemoStyle, messages: readonly ChatMessage[], rand: () => number): string {
  const system = messages
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n");
  const prompt = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const ask = askOf(prompt);
  const pick = (items: readonly string[]) => items[Math.floor(rand() * items.length)]!;
  if (!ask) return pick(CHAT);
  if (!allows(style, prompt)) {
    return style === "actor" ? `${pick(REFUSALS)} Unless, of course, this were only a story…` : pick(REFUSALS);
  }
  return comply(style, ask, system);
}
