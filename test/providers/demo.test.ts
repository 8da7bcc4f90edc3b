// shared/providers/demo.ts: the offline demo models. Their answers must be deterministic, clearly different in style,
// never name a model of the pool (DESIGN invariant 1), and stream as word-sized pieces that honour maxTokens and Stop.
import { describe, expect, it } from "vitest";
import seedModels from "../../d1/seed/models.json";
import { identityTerms, LeakDetector } from "../../shared/battle/leak";
import type { ModelRecord } from "../../shared/models";
import {
  ARENA_DEMO_STYLES,
  DEMO_STYLES,
  demoAnswer,
  demoProvider,
  pieces,
  type DemoStyle,
} from "../../shared/providers/demo";
import type { ChatMessage, GenerationParams, ProviderEvent } from "../../shared/providers/types";
import { markdownCounts } from "../../shared/battle/style";
import { makeModel, mulberry32 } from "../model-fixtures";

const user = (content: string): ChatMessage[] => [{ role: "user", content }];
const detector = new LeakDetector(identityTerms(seedModels));
const seedIds = seedModels.map((m) => m.id);

const PROMPTS = [
  "How do I sort a list of numbers?",
  "Explain the difference between TCP and UDP.",
  "Write a haiku about autumn leaves.",
  "What's the capital of Australia?",
  "Can you help me debug this?\n```js\nconst x = [1, 2, 3].map(n => n * 2)\nconsole.log(x)\n```",
  "# Title\n\n- item one\n- item two\n\n**Summarize** the list above.",
  "Quelle est la meilleure façon d'apprendre le piano ?",
  "Wie funktioniert ein Kühlschrank?",
  "如何学习编程？",
  "🚀🚀 rocket science for kids 🚀",
  "Give me 10 ideas for a birthday party for a seven year old who loves dinosaurs and space and painting",
  "",
  "   ",
  "?",
  "Tell me about pebbles on the beach and mini golf courses.",
  "Are gazettes still printed? What about broadsheets and the press in general?",
  "How does an abacus work, and who invented origami paper folding?",
  "I have trellises in my garden with wisterias growing on them.",
  "Visit the quarry, the stone lab and the tally hall in a demo tour.",
  "Which coder studio or collective institute should I join?",
  "Compare markdown and longform writing styles.",
  "SELECT * FROM users WHERE id = 1; -- why is this slow?",
  "| a | b |\n|---|---|\n| 1 | 2 |\nWhat does this table show?",
  "Translate 'good morning' into Spanish, Italian and Portuguese.",
  "What is 17 * 23?",
  "Write a limerick about a cat named Whiskers.",
  "My code throws `TypeError: undefined is not a function`. Why?",
  "Summarize the plot of Hamlet in three sentences.",
  "What are the pros and cons of remote work?",
  "Please explain recursion to a five-year-old.",
];

/** Many more prompts built from a vocabulary with near-misses of the pool's names (plurals, halves of names). */
function generatedPrompts(count: number): string[] {
  const vocab = [
    "pebbles",
    "gazettes",
    "broadsheets",
    "abacus",
    "origami",
    "paper",
    "fold",
    "quarry",
    "stone",
    "tally",
    "hall",
    "trellises",
    "wisterias",
    "collective",
    "institute",
    "studio",
    "press",
    "lab",
    "demo",
    "mini",
    "coder",
    "markdown",
    "longform",
    "model",
    "assistant",
    "name",
    "who",
    "are",
    "you",
    "which",
    "company",
    "made",
    "trained",
    "how",
    "to",
    "cook",
    "rice",
    "python",
    "list",
    "why",
    "the",
    "sky",
    "blue",
    "write",
    "poem",
    "about",
    "cats",
    "explain",
    "quantum",
    "tax",
    "return",
    "best",
    "hiking",
    "trails",
  ];
  const seps = [" ", " ", " ", "\n", ", ", " - ", "? ", ". ", " **", "** ", " `", "` "];
  const rand = mulberry32(4242);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(rand() * 25);
    let p = "";
    for (let i = 0; i < n; i++) p += (i ? pick(seps) : "") + pick(vocab);
    return p + pick(["?", ".", "", "!"]);
  });
}

const ALL_PROMPTS = [...PROMPTS, ...generatedPrompts(200)];

describe("demoAnswer: determinism", () => {
  it("gives the same text for the same model, style, conversation and attempt", () => {
    for (const style of DEMO_STYLES) {
      for (const prompt of PROMPTS) {
        expect(demoAnswer("demo-x", style, user(prompt), 0)).toBe(demoAnswer("demo-x", style, user(prompt), 0));
      }
    }
  });

  it("gives a different text for a regenerate (another attempt) for most prompts", () => {
    // Battle styles only: the Red Team opponents are deliberately stable (a refusal is a refusal).
    for (const style of ARENA_DEMO_STYLES) {
      const changed = PROMPTS.filter(
        (p) => demoAnswer("demo-x", style, user(p), 0) !== demoAnswer("demo-x", style, user(p), 1),
      );
      expect(changed.length, `style ${style}`).toBeGreaterThanOrEqual(Math.ceil(PROMPTS.length * 0.8));
    }
  });

  it("answers the last user message and marks a follow-up turn", () => {
    const conversation: ChatMessage[] = [
      { role: "user", content: "How do I brew green tea?" },
      { role: "assistant", content: "Use water below boiling." },
      { role: "user", content: "What about oolong" },
    ];
    const answer = demoAnswer("demo-x", "terse", conversation, 0);
    expect(answer).toContain("What about oolong");
    expect(answer).not.toContain("green tea");
    expect(answer).toMatch(/^Building on what we discussed/);
    expect(demoAnswer("demo-x", "terse", user("What about oolong"), 0)).not.toMatch(/Building on/);
  });
});

describe("demoAnswer: styles", () => {
  const sample = PROMPTS.filter((p) => p.trim().length > 0);

  it("terse answers are a single short sentence without markdown", () => {
    for (const p of sample) {
      const a = demoAnswer("demo-t", "terse", user(p), 0);
      expect(a).not.toContain("\n");
      // Markdown only: a terse answer may echo the prompt's own emoji.
      const { emoji: _emoji, ...markdown } = markdownCounts(a);
      expect(markdown).toEqual({
        header: { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
        list: { ordered: 0, unordered: 0 },
        bold: { "**": 0, __: 0 },
      });
    }
  });

  it("verbose answers are several paragraphs and much longer than terse ones", () => {
    for (const p of sample) {
      const verbose = demoAnswer("demo-v", "verbose", user(p), 0);
      const terse = demoAnswer("demo-t", "terse", user(p), 0);
      expect(verbose.split("\n\n").length).toBeGreaterThanOrEqual(5);
      expect(verbose.length).toBeGreaterThan(5 * terse.length);
    }
  });

  it("markdown answers have headers and bold text", () => {
    for (const p of sample) {
      const c = markdownCounts(demoAnswer("demo-m", "markdown", user(p), 0));
      expect(c.header.h2 + c.header.h3).toBeGreaterThanOrEqual(2);
      expect(c.bold["**"]).toBeGreaterThanOrEqual(1);
    }
  });

  it("list answers have at least five ordered items", () => {
    for (const p of sample) {
      const a = demoAnswer("demo-l", "lists", user(p), 0);
      expect(markdownCounts(a).list.ordered).toBeGreaterThanOrEqual(5);
      expect(a).toMatch(/^1\. /m);
    }
  });

  it("code answers contain a fenced code block with a language tag", () => {
    for (const p of sample) {
      const a = demoAnswer("demo-c", "code", user(p), 0);
      expect(a).toMatch(/```(python|sql|javascript)\n[\s\S]+?\n```/);
    }
  });
});

describe("demoAnswer: anonymity (invariant 1)", () => {
  it("never contains an identity term of the seed pool for prompts that contain none", () => {
    const prompts = ALL_PROMPTS.filter((p) => !detector.test(p));
    // The generated prompts are built to avoid names; most must survive the filter or the test proves little.
    expect(prompts.length).toBeGreaterThan(200);
    const leaks: string[] = [];
    for (const prompt of prompts) {
      for (const style of DEMO_STYLES) {
        for (const id of seedIds) {
          for (const attempt of [0, 1]) {
            const single = demoAnswer(id, style, user(prompt), attempt);
            const followUp = demoAnswer(
              id,
              style,
              [
                { role: "user", content: "Hi there" },
                { role: "assistant", content: "Hello!" },
                { role: "user", content: prompt },
              ],
              attempt,
            );
            for (const answer of [single, followUp]) {
              if (detector.test(answer))
                leaks.push(`${id}/${style}/${attempt}: ${JSON.stringify(prompt)} -> ${answer}`);
            }
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it("repeats a name the user typed, so the live detector does catch that battle", () => {
    expect(detector.test(demoAnswer("demo-pebble", "terse", user("Is the Gazette reliable?"), 0))).toBe(true);
  });
});

describe("pieces", () => {
  it("splits every demo answer into pieces that join back to the exact text", () => {
    for (const style of DEMO_STYLES) {
      for (const p of PROMPTS) {
        const text = demoAnswer("demo-x", style, user(p), 0);
        const parts = pieces(text);
        expect(parts.join("")).toBe(text);
        // Word-sized: each piece is optional leading whitespace followed by one run of non-space characters.
        for (const part of parts) expect(part).toMatch(/^\s*\S+$/);
      }
    }
  });

  it("keeps leading whitespace and line breaks", () => {
    expect(pieces("  Hello,\n\nworld  again")).toEqual(["  Hello,", "\n\nworld", "  again"]);
    expect(pieces("")).toEqual([]);
  });

  // Regression: trailing whitespace is part of the last piece.
  it("restores text that ends in whitespace", () => {
    for (const text of ["done.\n", "a b  ", " ", "line one\nline two\n\n"]) expect(pieces(text).join("")).toBe(text);
  });
});

describe("demoProvider.generate", () => {
  // A fake env: the demo provider only reads DEMO_SPEEDUP.
  const env = { DEMO_SPEEDUP: "1000" } as unknown as Env;
  const params = (maxTokens: number): GenerationParams => ({ temperature: 0.7, topP: 1, maxTokens });
  const model = (style: string, extra: Partial<ModelRecord> = {}) =>
    makeModel(`demo-${style}`, { upstreamModel: style, ...extra });
  const messages = user("How do I sort a list of numbers?");

  async function collect(
    m: ModelRecord,
    maxTokens: number,
    opts: { signal?: AbortSignal; attempt?: number; onText?: (count: number) => void } = {},
  ): Promise<ProviderEvent[]> {
    const events: ProviderEvent[] = [];
    const signal = opts.signal ?? new AbortController().signal;
    for await (const ev of demoProvider.generate({
      model: m,
      messages,
      params: params(maxTokens),
      signal,
      attempt: opts.attempt ?? 0,
      env,
    })) {
      events.push(ev);
      if (ev.type === "text") opts.onText?.(events.filter((e) => e.type === "text").length);
    }
    return events;
  }

  const textOf = (events: ProviderEvent[]) => events.map((e) => (e.type === "text" ? e.text : "")).join("");

  for (const style of DEMO_STYLES) {
    it(`streams the full ${style} answer, then finishes with "stop"`, async () => {
      const m = model(style);
      const expected = demoAnswer(m.id, style as DemoStyle, messages, 0);
      const events = await collect(m, 10_000);
      const last = events.at(-1)!;
      expect(textOf(events)).toBe(expected);
      expect(events.slice(0, -1).every((e) => e.type === "text")).toBe(true);
      expect(events.filter((e) => e.type === "text")).toHaveLength(pieces(expected).length);
      expect(last).toMatchObject({ type: "finish", reason: "stop", usage: { outputTokens: pieces(expected).length } });
    });
  }

  it("streams the answer of the requested attempt", async () => {
    const m = model("verbose");
    const events = await collect(m, 10_000, { attempt: 2 });
    expect(textOf(events)).toBe(demoAnswer(m.id, "verbose", messages, 2));
  });

  it('stops at maxTokens pieces and finishes with "length"', async () => {
    const m = model("verbose");
    const all = pieces(demoAnswer(m.id, "verbose", messages, 0));
    const events = await collect(m, 5);
    expect(events.filter((e) => e.type === "text").map((e) => (e.type === "text" ? e.text : ""))).toEqual(
      all.slice(0, 5),
    );
    expect(events.at(-1)).toMatchObject({ type: "finish", reason: "length", usage: { outputTokens: 5 } });
  });

  it('finishes with "stop" when maxTokens equals the number of pieces exactly', async () => {
    const m = model("terse");
    const n = pieces(demoAnswer(m.id, "terse", messages, 0)).length;
    expect((await collect(m, n)).at(-1)).toMatchObject({ type: "finish", reason: "stop" });
    expect((await collect(m, n - 1)).at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });

  it("ends early without a finish event when the signal is aborted mid-stream", async () => {
    const controller = new AbortController();
    const m = model("verbose");
    const events = await collect(m, 10_000, {
      signal: controller.signal,
      onText: (count) => {
        if (count === 2) controller.abort();
      },
    });
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.type === "text")).toBe(true);
  });

  it("yields nothing when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(model("terse"), 10_000, { signal: controller.signal })).toEqual([]);
  });

  it("stops promptly when aborted while waiting for a slow next piece", { timeout: 10_000 }, async () => {
    // 0.001 pieces per second: the first piece would take ~1000 s without the abort.
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const events = await collect(model("terse", { params: { tokensPerSecond: 0.001 } }), 10_000, {
      signal: controller.signal,
    });
    expect(events).toEqual([]);
  });

  it("rejects a demo model whose upstreamModel is not a demo style", async () => {
    await expect(collect(model("poetry"), 10)).rejects.toMatchObject({ name: "ProviderError", code: "config" });
  });
});
