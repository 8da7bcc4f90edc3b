// The heuristic classifiers against the hand-written fixture set (test/fixtures/categories/*.json): every prompt
// gets exactly its expected categories (coding, multi_turn, long_query), its short-query flag and its language.
import { describe, expect, it } from "vitest";
import {
  categoriesOf,
  classifyConversation,
  dedupKey,
  HEURISTICS_REVISION,
  looksLikeCode,
  proseOf,
} from "../../../shared/data/categories";
import coding from "../../fixtures/categories/coding.json";
import general from "../../fixtures/categories/general.json";
import languages from "../../fixtures/categories/languages.json";
import long from "../../fixtures/categories/long.json";
import math from "../../fixtures/categories/math.json";
import multiTurn from "../../fixtures/categories/multi_turn.json";
import short from "../../fixtures/categories/short.json";

export interface Fixture {
  name: string;
  turns: { user: string; a?: string; b?: string }[];
  expect: { language: string | null; categories: string[]; short?: boolean; judge?: string[] };
}

export const FIXTURES: Record<string, Fixture[]> = {
  coding,
  general,
  languages,
  long,
  math,
  multi_turn: multiTurn,
  short,
};
const all = Object.entries(FIXTURES).flatMap(([file, list]) => list.map((f) => ({ file, ...f })));

const conversation = (f: Fixture) => ({
  userTurns: f.turns.map((t) => t.user),
  answersA: f.turns.map((t) => t.a ?? ""),
  answersB: f.turns.map((t) => t.b ?? ""),
});

describe("fixture set", () => {
  it("has at least 60 prompts covering every kind the issue lists", () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
    const langs = new Set(all.map((f) => f.expect.language));
    for (const l of ["zh", "ja", "ru", "ar", "hi", "ko", "es", "de", "fr"]) expect(langs).toContain(l);
    expect(all.filter((f) => f.expect.categories.includes("coding")).length).toBeGreaterThanOrEqual(15);
    expect(all.filter((f) => f.expect.categories.includes("long_query")).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((f) => f.expect.categories.includes("multi_turn")).length).toBeGreaterThanOrEqual(4);
    expect(all.filter((f) => f.expect.short).length).toBeGreaterThanOrEqual(5);
    expect(FIXTURES.math!.length).toBeGreaterThanOrEqual(5);
    expect(new Set(all.map((f) => f.name)).size).toBe(all.length);
  });
});

describe("heuristic classification of every fixture", () => {
  it.each(all.map((f) => [`${f.file}/${f.name}`, f] as const))("%s", async (_, f) => {
    const r = await classifyConversation(conversation(f));
    expect({ categories: categoriesOf(r.labels), language: r.language, short: r.labels.short_query }).toEqual({
      categories: [...f.expect.categories].sort(),
      language: f.expect.language,
      short: f.expect.short ?? false,
    });
  });
});

describe("coding heuristic details", () => {
  it("ignores prose fences and ASCII art, as FastChat's tagger does", () => {
    expect(looksLikeCode("Format this as a table:\n```markdown\n| a | b |\n```")).toBe(false);
    expect(looksLikeCode("Draw me ascii art of a cat\n```\n /\\_/\\\n```")).toBe(false);
    expect(looksLikeCode("Here:\n```\nprint(1)\n```")).toBe(true);
  });
  it("needs a programming word next to a name that is also an ordinary word", () => {
    expect(looksLikeCode("My ruby ring lost its shine")).toBe(false);
    expect(looksLikeCode("Write a Ruby script that prints the date")).toBe(true);
    expect(looksLikeCode("Is Swift a good first programming language?")).toBe(true);
  });
  it("bounds the work on a very long answer", () => {
    const t0 = Date.now();
    expect(looksLikeCode("lorem ipsum dolor sit amet ".repeat(200_000))).toBe(false);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe("language and dedup key", () => {
  it("judges the language on prose, not code or URLs", () => {
    expect(proseOf(["看看这个 ```js\nconst x = 1;\n``` https://example.com/a"])).toBe("看看这个");
  });
  it("has no language for a prompt without letters", async () => {
    expect((await classifyConversation({ userTurns: ["12345 + 678"], answersA: [""], answersB: [""] })).language).toBe(
      null,
    );
  });
  it("keys dedup on the user turns only, cut at 10,000 characters", () => {
    expect(dedupKey(["a", "b"])).toBe("a\nb\n");
    expect(dedupKey(["x".repeat(20_000)]).length).toBe(10_000);
  });
  it("has a revision that changes with any heuristic version", () => {
    expect(HEURISTICS_REVISION).toBeGreaterThanOrEqual(5);
  });
});
