// Synthetic arena conversations for the router benchmark and tests (issue 14 acceptance): the strong model's true
// win rate depends on the prompt's topic (coding and maths: strong much better; greetings and chit-chat: the weak
// model as good or better) and on its length (long prompts favour the strong model). Other models take part too, so
// the per-prompt leaderboard (p2l) has something to choose: a cheap coder that is strong at code only, and a chatty
// small model good at small talk. Pure and seeded; rows are our conversations-export shape (DESIGN section 12).
import { Rng } from "../shared/ratings/rng";

export const SYNTH_STRONG = "atlas-large";
export const SYNTH_WEAK = "pico-small";
export const SYNTH_CODER = "forge-coder";
export const SYNTH_CHATTY = "chirp-mini";
export const SYNTH_MODELS = [SYNTH_STRONG, SYNTH_WEAK, SYNTH_CODER, SYNTH_CHATTY] as const;
/** USD per 1M output tokens, for the cost-aware router. */
export const SYNTH_PRICES: Record<string, number> = {
  [SYNTH_STRONG]: 15,
  [SYNTH_WEAK]: 0.4,
  [SYNTH_CODER]: 2,
  [SYNTH_CHATTY]: 0.2,
};

export const TOPICS = ["coding", "math", "writing", "chitchat", "greeting"] as const;
export type Topic = (typeof TOPICS)[number];

/** Skill (natural logits) of each model per topic; P(a beats b | not tie) = σ(skill_a − skill_b). */
export const SKILL: Record<string, Record<Topic, number>> = {
  [SYNTH_STRONG]: { coding: 1.6, math: 1.4, writing: 0.4, chitchat: -0.2, greeting: -0.5 },
  [SYNTH_WEAK]: { coding: 0, math: 0, writing: 0, chitchat: 0, greeting: 0 },
  [SYNTH_CODER]: { coding: 2.0, math: 0.6, writing: -0.6, chitchat: -0.8, greeting: -0.8 },
  [SYNTH_CHATTY]: { coding: -1.0, math: -1.0, writing: 0.2, chitchat: 0.6, greeting: 0.6 },
};
/** Extra logits for the strong model on long prompts (and on short ones, half that against it). */
export const LONG_BONUS = 0.8;
export const TIE_RATE = 0.1;

const VOCAB: Record<Topic, { openers: string[]; words: string[] }> = {
  coding: {
    openers: [
      "Write a Python function that",
      "Fix the bug in this JavaScript code that",
      "How do I implement a class in TypeScript that",
      "Explain this SQL query and rewrite it so it",
      "Write a Rust program that",
      "Why does my recursive algorithm crash when it",
    ],
    words: [
      "parses",
      "json",
      "array",
      "sorts",
      "linked",
      "list",
      "hash",
      "map",
      "async",
      "await",
      "thread",
      "compiler",
      "regex",
      "stack",
      "overflow",
      "pointer",
      "api",
      "endpoint",
      "database",
      "index",
      "loop",
      "variable",
      "unit",
      "test",
      "exception",
      "binary",
      "tree",
      "queue",
      "socket",
      "lambda",
      "import",
      "module",
      "syntax",
      "runtime",
    ],
  },
  math: {
    openers: [
      "Prove that",
      "Solve the equation where",
      "What is the integral of",
      "Compute the probability that",
      "Find the derivative of",
      "Show by induction that",
    ],
    words: [
      "integral",
      "derivative",
      "matrix",
      "eigenvalue",
      "prime",
      "theorem",
      "polynomial",
      "limit",
      "series",
      "converges",
      "probability",
      "variance",
      "triangle",
      "angle",
      "equation",
      "inequality",
      "modulo",
      "factorial",
      "logarithm",
      "vector",
      "determinant",
      "sum",
      "squares",
      "root",
      "function",
      "continuous",
    ],
  },
  writing: {
    openers: [
      "Write a short story about",
      "Compose a poem about",
      "Draft a cover letter for",
      "Write a product description for",
      "Summarise this article about",
    ],
    words: [
      "ocean",
      "dragon",
      "autumn",
      "city",
      "love",
      "journey",
      "winter",
      "forest",
      "memory",
      "letter",
      "hero",
      "castle",
      "river",
      "night",
      "dream",
      "friendship",
      "garden",
      "storm",
      "village",
      "mystery",
    ],
  },
  chitchat: {
    openers: [
      "What do you think about",
      "Do you like",
      "Tell me something fun about",
      "What's your favourite",
      "Can we chat about",
    ],
    words: [
      "weather",
      "weekend",
      "movies",
      "music",
      "pizza",
      "cats",
      "dogs",
      "holidays",
      "coffee",
      "football",
      "games",
      "tv",
      "shows",
      "food",
      "travel",
      "books",
      "sunny",
      "rain",
      "friends",
      "party",
    ],
  },
  greeting: {
    openers: ["hi", "hello", "hey there", "good morning", "yo", "hi, how are you", "hello friend", "howdy"],
    words: ["there", "buddy", "today", "again", "how", "are", "you", "doing", "nice", "to", "meet"],
  },
};

export interface SynthOptions {
  n: number;
  seed?: number;
  /** Share of battles between the strong and the weak model (default 0.6; the rest pair all four models). */
  pairShare?: number;
  /** Share of prompts padded to a long prompt (default 0.25; never for greetings). */
  longShare?: number;
}

export interface SynthRow {
  id: string;
  tstamp: number;
  model_a: string;
  model_b: string;
  winner: "model_a" | "model_b" | "tie";
  language: string;
  anony: true;
  conversation_a: { role: "user" | "assistant"; content: string }[];
  conversation_b: { role: "user" | "assistant"; content: string }[];
  /** Not in the export: the generator's ground truth, for tests. */
  topic: Topic;
  long: boolean;
}

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng.next() * xs.length)]!;
}

function makePrompt(rng: Rng, topic: Topic, long: boolean): string {
  const v = VOCAB[topic];
  const words = (k: number) => Array.from({ length: k }, () => pick(rng, v.words)).join(" ");
  if (topic === "greeting")
    return `${pick(rng, v.openers)}${rng.next() < 0.5 ? "" : ` ${words(1 + Math.floor(rng.next() * 2))}`}`;
  let p = `${pick(rng, v.openers)} ${words(3 + Math.floor(rng.next() * 6))}.`;
  if (topic === "coding" && rng.next() < 0.3)
    p += `\n\`\`\`python\ndef f(x):\n    return ${words(2).replace(/ /g, "_")}(x)\n\`\`\``;
  if (long) {
    const sentences = 12 + Math.floor(rng.next() * 10);
    for (let i = 0; i < sentences; i++) p += ` Also consider ${words(6 + Math.floor(rng.next() * 6))}.`;
  }
  return p;
}

/** The generator's probability that `a` beats `b` on a prompt (ties excluded). */
export function trueWinProbability(a: string, b: string, topic: Topic, long: boolean): number {
  const bonus = (m: string) => (m === SYNTH_STRONG ? (long ? LONG_BONUS : -LONG_BONUS / 4) : 0);
  const d = SKILL[a]![topic] + bonus(a) - (SKILL[b]![topic] + bonus(b));
  return 1 / (1 + Math.exp(-d));
}

export function syntheticConversations(o: SynthOptions): SynthRow[] {
  const rng = new Rng(((o.seed ?? 0) ^ 0x73796e74) >>> 0);
  const pairShare = o.pairShare ?? 0.6;
  const longShare = o.longShare ?? 0.25;
  const rows: SynthRow[] = [];
  for (let i = 0; i < o.n; i++) {
    const topic = pick(rng, TOPICS);
    const long = topic !== "greeting" && rng.next() < longShare;
    const prompt = makePrompt(rng, topic, long);
    let a: string;
    let b: string;
    if (rng.next() < pairShare) [a, b] = [SYNTH_STRONG, SYNTH_WEAK];
    else {
      a = pick(rng, SYNTH_MODELS);
      do b = pick(rng, SYNTH_MODELS);
      while (b === a);
    }
    if (rng.next() < 0.5) [a, b] = [b, a];
    const u = rng.next();
    const winner =
      u < TIE_RATE
        ? "tie"
        : rng.next() < trueWinProbability(a, b, topic, long)
          ? ("model_a" as const)
          : ("model_b" as const);
    const answer = (m: string) => `(${m}) Here is my answer about ${topic}.`;
    rows.push({
      id: `synth-${String(i).padStart(6, "0")}`,
      tstamp: 1_700_000_000 + i,
      model_a: a,
      model_b: b,
      winner,
      language: "en",
      anony: true,
      conversation_a: [
        { role: "user", content: prompt },
        { role: "assistant", content: answer(a) },
      ],
      conversation_b: [
        { role: "user", content: prompt },
        { role: "assistant", content: answer(b) },
      ],
      topic,
      long,
    });
  }
  return rows;
}
