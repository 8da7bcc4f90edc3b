// Style control v2 (DESIGN section 14): the style feature set is configurable (default the four of section 7, emoji
// opt-in). The parser keeps exactly the asked features in canonical order (4 bytes each per row), leaves emoji out
// when no row has emoji counts, and a row without an emoji count is NaN in that column, so the style fit leaves it
// out; the loop Newton pass used for other widths agrees with the unrolled one of the default four.
import { describe, expect, it } from "vitest";
import { buildLeaderboard } from "../../../shared/ratings/leaderboard";
import { parseBattles } from "../../../shared/ratings/parse";
import { Rng } from "../../../shared/ratings/rng";
import { fitStyleControl, fitStyleControlAnyWidth, styleDesign } from "../../../shared/ratings/style-control";
import { parseStyleFeatures, styleFeaturesOf, styleWidth } from "../../../shared/ratings/table";

const meta = { snapshot: "t", generatedAt: "2026-01-01T00:00:00.000Z", sha256: "", excluded: {} };

function lines(n: number, opts: { emojiFrom?: number; seed?: number } = {}): string {
  const rng = new Rng(opts.seed ?? 3);
  const models = ["a", "b", "c"];
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.floor(rng.next() * 3);
    const y = (x + 1 + Math.floor(rng.next() * 2)) % 3;
    const ea = Math.floor(rng.next() * 5);
    const eb = Math.floor(rng.next() * 5);
    const meta: Record<string, unknown> = {
      sum_assistant_a_tokens: 50 + Math.floor(rng.next() * 100),
      sum_assistant_b_tokens: 50 + Math.floor(rng.next() * 100),
      header_count_a: { h1: Math.floor(rng.next() * 2) },
      header_count_b: { h2: Math.floor(rng.next() * 2) },
      list_count_a: { ordered: Math.floor(rng.next() * 3) },
      list_count_b: { unordered: Math.floor(rng.next() * 3) },
      bold_count_a: { "**": Math.floor(rng.next() * 2) },
      bold_count_b: { __: Math.floor(rng.next() * 2) },
    };
    if (opts.emojiFrom !== undefined && i >= opts.emojiFrom)
      Object.assign(meta, { emoji_count_a: ea, emoji_count_b: eb });
    const winner = rng.next() < 1 / (1 + Math.exp(-(ea - eb) / (ea + eb + 1))) ? "model_a" : "model_b";
    out.push(JSON.stringify({ model_a: models[x], model_b: models[y], winner, conv_metadata: meta }));
  }
  return out.join("\n");
}

describe("parseStyleFeatures", () => {
  it("puts any subset in canonical order", () => {
    expect(parseStyleFeatures("emoji,bold,length,list,header")).toEqual(["length", "header", "list", "bold", "emoji"]);
    expect(parseStyleFeatures(" emoji , length ")).toEqual(["length", "emoji"]);
    expect(parseStyleFeatures("bold")).toEqual(["bold"]);
  });

  it("rejects unknown, repeated and empty names", () => {
    expect(() => parseStyleFeatures("length,sparkle")).toThrow(/unknown style feature "sparkle"/);
    expect(() => parseStyleFeatures("emoji,emoji")).toThrow(/given twice/);
    expect(() => parseStyleFeatures("")).toThrow(/comma-separated/);
    expect(() => parseStyleFeatures("length,")).toThrow(/comma-separated/);
  });
});

describe("the table's style features", () => {
  it("default: the four, 4 floats a row, emoji counts in the input ignored", () => {
    const { table } = parseBattles(lines(50, { emojiFrom: 0 }), "jsonl");
    expect(table.styleFeatures).toBeUndefined();
    expect(styleFeaturesOf(table)).toEqual(["length", "header", "list", "bold"]);
    expect(table.style!.length).toBe(50 * 4);
  });

  it("with emoji: 5 floats a row; rows without emoji counts are NaN in that column only", () => {
    const features = parseStyleFeatures("length,header,list,bold,emoji");
    const { table, missingStyleFeatures } = parseBattles(lines(60, { emojiFrom: 10 }), "jsonl", {
      styleFeatures: features,
    });
    expect(missingStyleFeatures).toEqual([]);
    expect(styleFeaturesOf(table)).toEqual(features);
    expect(styleWidth(table)).toBe(5);
    expect(table.style!.length).toBe(60 * 5);
    const def = parseBattles(lines(60, { emojiFrom: 10 }), "jsonl").table;
    for (let i = 0; i < 60; i++) {
      for (let f = 0; f < 4; f++) expect(table.style![i * 5 + f]).toBe(def.style![i * 4 + f]);
      expect(Number.isNaN(table.style![i * 5 + 4]!)).toBe(i < 10);
    }
  });

  it("keeps a subset, e.g. length and emoji", () => {
    const { table } = parseBattles(lines(20, { emojiFrom: 0 }), "jsonl", { styleFeatures: ["length", "emoji"] });
    expect(styleFeaturesOf(table)).toEqual(["length", "emoji"]);
    expect(table.style!.length).toBe(40);
  });

  it("leaves emoji out when no row has emoji counts (and says so)", () => {
    const text = lines(2100);
    const { table, missingStyleFeatures } = parseBattles(text, "jsonl", {
      styleFeatures: parseStyleFeatures("length,header,list,bold,emoji"),
      initialCapacity: 16, // grows through several doublings first
    });
    expect(missingStyleFeatures).toEqual(["emoji"]);
    expect(table.styleFeatures).toBeUndefined();
    expect(Array.from(table.style!)).toEqual(Array.from(parseBattles(text, "jsonl").table.style!));
  });
});

describe("style control with emoji", () => {
  it("the loop Newton pass gives the unrolled pass's answer on the default four", () => {
    const { table } = parseBattles(lines(500), "jsonl");
    const modelOf = Int32Array.from(table.models.map((_, k) => k));
    const design = styleDesign(table, null, modelOf, table.models.length);
    const a = fitStyleControl(design, { l2: 0.5 });
    const b = fitStyleControlAnyWidth(design, { l2: 0.5 });
    for (let k = 0; k < a.theta.length; k++) expect(b.theta[k]).toBeCloseTo(a.theta[k]!, 10);
    for (let k = 0; k < 4; k++) expect(b.gamma[k]).toBeCloseTo(a.gamma[k]!, 10);
  });

  it("reports the emoji coefficient and fits only the rows with emoji counts", async () => {
    const { table } = parseBattles(lines(3000, { emojiFrom: 500, seed: 9 }), "jsonl", {
      styleFeatures: parseStyleFeatures("length,header,list,bold,emoji"),
    });
    const json = await buildLeaderboard(table, { bootstrap: 10 }, meta);
    expect((json.method as { styleControl?: { features: string[] } }).styleControl!.features).toEqual([
      "length",
      "header",
      "list",
      "bold",
      "emoji",
    ]);
    const style = json.categories.overall!.styleControl!;
    expect(style.battles).toBe(2500);
    expect(Object.keys(style.coefficients)).toEqual(["length", "header", "list", "bold", "emoji"]);
    expect(style.coefficients.emoji).toBeGreaterThan(0.2);
    expect(style.coefficientsCi!.emoji![0]).toBeGreaterThan(0);
  });
});
