// The `demo` provider: offline, deterministic generators with clearly different styles, so `npm start` and the
// tests run with no keys and no network. The model's `upstreamModel` picks the style; `params.tokensPerSecond`
// sets the pace (DESIGN section 5: a whole answer in 1–10 s so both sides visibly interleave), `params.jitter`
// (0–1, default 0.5) how much each gap varies around it.
//
// The generated text is built only from the fixed phrases below and the user's own words, so it never names a
// model of the pool unless the user typed that name (which is then a real identity leak, and is caught).
import type { ChatMessage, GenerateRequest, Provider, ProviderEvent } from "./types";
import { ProviderError } from "./types";
import { seededRandom } from "../core/random";
import { ARENA_DEMO_STYLES, DEMO_STYLES, type DemoStyle } from "./kinds";
import { isRedteamDemoStyle, redteamAnswer } from "./demo-redteam";

export { ARENA_DEMO_STYLES, DEMO_STYLES, type DemoStyle };

/** Default pace per style, in tokens (words) per second, before the DEMO_SPEEDUP multiplier. */
const DEFAULT_TPS: Record<DemoStyle, number> = {
  terse: 12,
  verbose: 60,
  markdown: 45,
  lists: 40,
  code: 50,
  pushover: 20,
  actor: 20,
  fortress: 20,
};

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

/** The user's question reduced to a short topic phrase (first dozen words, no markdown or line breaks). */
export function topicOf(prompt: string): string {
  const words = prompt
    .replace(/[`*_#>|[\]]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const topic = words
    .slice(0, 12)
    .join(" ")
    .replace(/[?.!,;:]+$/, "");
  return topic.length > 0 ? (words.length > 12 ? `${topic}…` : topic) : "your question";
}

const OPENERS = [
  "Good question.",
  "Here is how I would think about it.",
  "Let me break this down.",
  "There are a few angles worth separating.",
  "The short version comes first, then the details.",
];
const POINTS = [
  "start from the simplest case and check that it behaves as expected",
  "write down the assumptions, because most disagreements hide there",
  "compare two or three alternatives against the same criteria",
  "measure before optimizing, since intuition about cost is often wrong",
  "look for an existing, well-tested solution before building a new one",
  "consider the edge cases: empty input, very large input and invalid input",
  "keep the explanation concrete with a small worked example",
  "separate what is known from what is only likely",
  "prefer the option that is easiest to undo if it turns out wrong",
  "think about who will read or maintain the result later",
  "check the units and the orders of magnitude",
  "state the trade-off plainly instead of hiding it",
];
const CLOSERS = [
  "I hope this helps; ask if you want more detail on any part.",
  "If you share more context, I can tailor the answer further.",
  "That should be enough to get started.",
  "Happy to go deeper on any of these points.",
];
const CODE_SNIPPETS = [
  'function solve(input) {\n  const items = input.split("\\n").filter(Boolean);\n  return items.map((line) => line.trim()).sort();\n}',
  "def solve(values):\n    seen = set()\n    result = []\n    for v in values:\n        if v not in seen:\n            seen.add(v)\n            result.append(v)\n    return result",
  "SELECT category, COUNT(*) AS n\nFROM items\nGROUP BY category\nORDER BY n DESC;",
];

function sentences(rand: () => number, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = pick(rand, POINTS);
    out.push(
      `${pick(rand, ["It helps to", "A good habit is to", "You will usually want to", "It is worth trying to"])} ${p}.`,
    );
  }
  return out;
}

function compose(style: (typeof ARENA_DEMO_STYLES)[number], topic: string, turn: number, rand: () => number): string {
  const followUp = turn > 1 ? `Building on what we discussed, ` : "";
  switch (style) {
    case "terse":
      return `${followUp}${pick(rand, ["In short", "Briefly", "Short answer"])}: on "${topic}", ${pick(rand, POINTS)}.`;
    case "verbose": {
      const paras: string[] = [
        `${followUp}${pick(rand, OPENERS)} You asked about "${topic}", and it deserves a careful answer.`,
      ];
      for (let i = 0; i < 5; i++) paras.push(sentences(rand, 3 + Math.floor(rand() * 2)).join(" "));
      paras.push(
        `To summarize the discussion of "${topic}": ${pick(rand, POINTS)}, and ${pick(rand, POINTS)}. ${pick(rand, CLOSERS)}`,
      );
      return paras.join("\n\n");
    }
    case "markdown": {
      const parts = [
        `## Overview\n\n${followUp}**${topic}** touches several ideas. ${pick(rand, OPENERS)}`,
        `### Key points\n\n${sentences(rand, 2).join(" ")} The **main idea** is to ${pick(rand, POINTS)}.`,
        `### Details\n\n- **First**, ${pick(rand, POINTS)}.\n- **Second**, ${pick(rand, POINTS)}.\n- __Finally__, ${pick(rand, POINTS)}.`,
        `| Aspect | Recommendation |\n|---|---|\n| Approach | ${pick(rand, POINTS)} |\n| Risk | ${pick(rand, POINTS)} |`,
        `## Conclusion\n\n${pick(rand, CLOSERS)}`,
      ];
      return parts.join("\n\n");
    }
    case "lists": {
      const n = 5 + Math.floor(rand() * 4);
      const items = Array.from({ length: n }, (_, i) => `${i + 1}. ${capitalize(pick(rand, POINTS))}.`);
      const bullets = Array.from({ length: 3 }, () => `- ${pick(rand, POINTS)}`);
      return `${followUp}Steps for "${topic}":\n\n${items.join("\n")}\n\nAlso keep in mind:\n\n${bullets.join("\n")}`;
    }
    case "code": {
      const snippet = pick(rand, CODE_SNIPPETS);
      const lang = snippet.startsWith("def") ? "python" : snippet.startsWith("SELECT") ? "sql" : "javascript";
      return `${followUp}Here is a compact way to approach "${topic}".\n\n\`\`\`${lang}\n${snippet}\n\`\`\`\n\n${sentences(rand, 2).join(" ")} ${pick(rand, CLOSERS)}`;
    }
  }
}

/** The full deterministic answer a demo model gives to this conversation. */
export function demoAnswer(
  modelId: string,
  style: DemoStyle,
  messages: readonly ChatMessage[],
  attempt: number,
): string {
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const turn = messages.filter((m) => m.role === "user").length;
  const rand = seededRandom(`${modelId}|${attempt}|${messages.map((m) => `${m.role}:${m.content}`).join("\u0000")}`);
  if (isRedteamDemoStyle(style)) return redteamAnswer(style, messages, rand);
  return compose(style, topicOf(lastUser), turn, rand);
}

/** Splits text into word-sized pieces that keep their leading whitespace, so joining them restores the text. */
export function pieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });

export const demoProvider: Provider = {
  async *generate(req: GenerateRequest): AsyncIterable<ProviderEvent> {
    const style = req.model.upstreamModel as DemoStyle;
    if (!DEMO_STYLES.includes(style)) {
      throw new ProviderError("config", `demo upstreamModel must be one of ${DEMO_STYLES.join(", ")}`);
    }
    const tps =
      typeof req.model.params.tokensPerSecond === "number" ? req.model.params.tokensPerSecond : DEFAULT_TPS[style];
    const speedup = Number(req.env.DEMO_SPEEDUP) > 0 ? Number(req.env.DEMO_SPEEDUP) : 1;
    const meanDelay = 1000 / (tps * speedup);
    // Each gap is meanDelay × (1 ± jitter); params.jitter = 0 gives the fixed pacing benchmarks need.
    const jitter =
      typeof req.model.params.jitter === "number" ? Math.min(1, Math.max(0, req.model.params.jitter)) : 0.5;
    const all = pieces(demoAnswer(req.model.id, style, req.messages, req.attempt));
    const rand = seededRandom(`${req.model.id}|pace|${req.attempt}`);
    const n = Math.min(all.length, req.params.maxTokens);
    for (let i = 0; i < n; i++) {
      await sleep(meanDelay * (1 + jitter * (2 * rand() - 1)), req.signal);
      if (req.signal.aborted) return;
      yield { type: "text", text: all[i]! };
    }
    yield { type: "finish", reason: n < all.length ? "length" : "stop", usage: { outputTokens: n } };
  },
};
