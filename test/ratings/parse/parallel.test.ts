// A JSONL file parsed as slices (the CLI's parallel parse: one slice per thread) must give exactly what one
// sequential parse gives: the same table (model and category order included), counts, key order and first error.
import { describe, expect, it } from "vitest";
import {
  createPartParser,
  InputError,
  mergeParsedParts,
  parseBattles,
  type ParseOptions,
  type ParseResult,
} from "../../../shared/ratings/parse";
import { mulberry32 } from "../../../shared/core/random";
import { snapshot } from "./helpers";

/** Cuts `text` into `k` slices of whole lines at random line ends (a slice may be empty). */
function slices(text: string, k: number, rand: () => number): string[] {
  const ends: number[] = [];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) ends.push(i + 1);
  const cuts = Array.from({ length: k - 1 }, () => ends[Math.floor(rand() * ends.length)] ?? 0).sort((a, b) => a - b);
  const out: string[] = [];
  let prev = 0;
  for (const c of [...cuts, text.length]) {
    out.push(text.slice(prev, c));
    prev = c;
  }
  return out;
}

/** Each slice through its own part parser, pushed in small pieces, then merged in order. */
function parseInSlices(parts: string[], options: ParseOptions): ParseResult {
  return mergeParsedParts(
    parts.map((text) => {
      const p = createPartParser(options);
      for (let at = 0; at < text.length; at += 97) p.push(text.slice(at, at + 97));
      return p.end();
    }),
    options,
  );
}

const full = (r: ParseResult) => ({
  ...snapshot(r),
  styleFeatures: r.table.styleFeatures,
  missingStyleFeatures: r.missingStyleFeatures,
  // JSON output follows key order: the merged counts must list reasons in first-seen order too.
  order: [Object.keys(r.skipped), Object.keys(r.excluded)],
});

/** Lines that exercise every column and dictionary: models, categories and languages first seen late. */
function arenaLines(n: number, seed: number, { invalid = false, emoji = false } = {}): string {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const categories = ["coding", "math", "hard_prompts", "creative_writing", "instruction_following"];
  const languages = ["English", "zh", "ru", "de-DE", "Japanese", "unknown", null];
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    // Later rows reach further into the model list, so the later slices bring models of their own.
    const pool = 3 + Math.floor((i / n) * 20);
    const row: Record<string, unknown> = {
      id: `r${i}`,
      model_a: `m${Math.floor(rand() * pool)}`,
      model_b: `m${Math.floor(rand() * pool)}`,
      winner: pick(["model_a", "model_b", "tie", "tie (bothbad)"]),
      language: pick(languages),
      categories: categories.filter(() => rand() < (i / n) * 0.5),
    };
    if (rand() < 0.7) {
      const side = (s: string) => ({
        [`sum_assistant_${s}_tokens`]: Math.floor(rand() * 900),
        [`header_count_${s}`]: { h1: Math.floor(rand() * 3) },
        [`list_count_${s}`]: { ordered: Math.floor(rand() * 4), unordered: 0 },
        [`bold_count_${s}`]: { "**": Math.floor(rand() * 5), __: 0 },
        ...(emoji && rand() < 0.5 ? { [`emoji_count_${s}`]: Math.floor(rand() * 4) } : {}),
      });
      row["conv_metadata"] = {
        sum_user_tokens: Math.floor(rand() * 700),
        turns: pick([1, 1, 2]),
        ...side("a"),
        ...side("b"),
      };
    }
    if (i > n / 3 && rand() < 0.5) row["sampling_probability"] = 0.01 + rand() * 0.5;
    if (rand() < 0.8) row["tstamp"] = 1_700_000_000 + Math.floor(rand() * 1e6);
    if (rand() < 0.05) row["anony"] = false;
    if (rand() < 0.05) row["excluded_reason"] = pick(["leaked_identity", "anomalous_voter", "duplicate_prompt"]);
    let line = JSON.stringify(row);
    if (invalid && rand() < 0.04) line = pick([line.slice(0, 20), JSON.stringify({ ...row, winner: "nobody" })]);
    if (rand() < 0.02) lines.push("");
    lines.push(rand() < 0.1 ? `${line}\r` : line);
  }
  return `${lines.join("\n")}\n`;
}

describe("parallel JSONL parse (slices merged in order)", () => {
  const option_sets: [string, ParseOptions][] = [
    ["defaults", { keepIds: true }],
    ["tstamp, sampling probability, skip invalid", { keepIds: true, tstamp: true, skipInvalid: true }],
    ["emoji asked for", { keepIds: true, styleFeatures: ["length", "header", "list", "bold", "emoji"] }],
  ];
  for (const [name, options] of option_sets) {
    it(`gives the sequential parse's result exactly: ${name}`, () => {
      const text = arenaLines(600, 11, { invalid: options.skipInvalid === true, emoji: name.startsWith("emoji") });
      const sequential = full(parseBattles(text, "jsonl", options));
      const rand = mulberry32(5);
      for (const k of [1, 2, 3, 5]) {
        for (let trial = 0; trial < 6; trial++) {
          expect(full(parseInSlices(slices(text, k, rand), options))).toEqual(sequential);
        }
      }
    });
  }

  it("an emoji column no slice has is dropped as in the sequential parse", () => {
    const options: ParseOptions = { styleFeatures: ["length", "header", "list", "bold", "emoji"] };
    const text = arenaLines(200, 3);
    const r = parseInSlices(slices(text, 3, mulberry32(1)), options);
    expect(r.missingStyleFeatures).toEqual(["emoji"]);
    expect(full(r)).toEqual(full(parseBattles(text, "jsonl", options)));
  });

  it("reports the first bad line of the file, at its line in the file, whichever slice holds it", () => {
    const lines = arenaLines(300, 7).trimEnd().split("\n");
    lines[250] = "{not json";
    lines[120] = JSON.stringify({ model_a: "x", model_b: "y", winner: "nobody" });
    const text = `${lines.join("\n")}\n`;
    const sequential = errorOf(() => parseBattles(text, "jsonl"));
    expect(sequential.message).toMatch(/^line 121: /);
    const rand = mulberry32(9);
    for (let trial = 0; trial < 10; trial++) {
      const e = errorOf(() => parseInSlices(slices(text, 1 + (trial % 4), rand), {}));
      expect([e.message, e.line, e.kind]).toEqual([sequential.message, sequential.line, sequential.kind]);
    }
  });

  it("a 33rd category spread over slices fails at the line the sequential parse names", () => {
    const rows = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ model_a: "a", model_b: "b", winner: "tie", categories: [`c${i}`] }),
    );
    const text = `${rows.join("\n")}\n`;
    const sequential = errorOf(() => parseBattles(text, "jsonl"));
    expect(sequential.kind).toBe("too_many_categories");
    for (const k of [2, 3, 4]) {
      const e = errorOf(() => parseInSlices(slices(text, k, mulberry32(k)), {}));
      expect([e.message, e.kind]).toEqual([sequential.message, sequential.kind]);
    }
  });

  it("no battles anywhere is the same error, with the merged skip counts", () => {
    const text = `${Array.from({ length: 9 }, () => '{"model_a":"a","model_b":"b","winner":"tie","anony":false}').join("\n")}\n`;
    const sequential = errorOf(() => parseBattles(text, "jsonl"));
    const e = errorOf(() => parseInSlices(slices(text, 3, mulberry32(2)), {}));
    expect(e.message).toBe(sequential.message);
    expect(e.message).toContain("9 rows skipped: anony_false 9");
  });
});

function errorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}
