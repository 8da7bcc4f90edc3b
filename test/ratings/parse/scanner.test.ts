// The streaming JSON array scanner on hostile strings, and the table builder's growth and category limits.
import { describe, expect, it } from "vitest";
import { InputError, MAX_CATEGORIES, parseBattles, TableBuilder } from "../../../shared/ratings/parse";
import { errorOf, parseChunks, rowCategories, snapshot, splitAt } from "./helpers";

describe("JSON scanner", () => {
  const nasty = [
    "br]ack[et{s}",
    'esc \\" quote, } ] { [',
    "backslash at end \\",
    '\\\\"',
    "comma, , ,",
    "unicode \u00e9 \u4e2d \ud83d\ude00",
  ];
  const rows = nasty.map((s, i) => ({ model_a: s, model_b: `m${i}`, winner: "tie", note: { deep: [[{ s }]] }, id: s }));
  const raw = JSON.stringify(rows, null, 2);
  const escaped = raw.replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));

  it("strings containing brackets, braces, commas, escaped quotes, backslashes and unicode escapes", () => {
    for (const text of [raw, escaped, JSON.stringify(rows)]) {
      const r = parseBattles(text, "json", { keepIds: true });
      expect(r.table.length).toBe(nasty.length);
      expect(r.ids).toEqual(nasty);
      expect(r.table.models.slice(0, 1)).toEqual([nasty[0]]);
      const whole = snapshot(r);
      for (let k = 0; k <= text.length; k++) expect(snapshot(parseChunks(splitAt(text, [k]), "json"))).toEqual(whole);
    }
  });

  it("line numbers of elements across chunk boundaries", () => {
    const text =
      '[\n  {"model_a":"a","model_b":"b","winner":"tie"},\n\n  {"model_a":"a",\n "model_b":"b","winner":"zz"}\n]';
    for (let k = 0; k <= text.length; k++) {
      const e = errorOf(() => parseChunks(splitAt(text, [k]), "json"));
      expect(e.message).toMatch(/^line 4: unknown winner "zz"/);
    }
  });

  it("elements are parsed one at a time (a later syntax error does not lose earlier elements under skipInvalid)", () => {
    const r = parseBattles(
      '[{"model_a":"a","model_b":"b","winner":"a"}, {"model_a":}, {"model_a":"c","model_b":"d","winner":"b"}]',
      "json",
      { skipInvalid: true },
    );
    expect(r.table.models).toEqual(["a", "b", "c", "d"]);
    expect(r.skipped).toEqual({ "invalid:bad_json": 1 });
  });

  it("handles many elements streamed in small chunks", () => {
    const n = 5000;
    const parts = ["["];
    for (let i = 0; i < n; i++)
      parts.push(
        (i ? "," : "") +
          JSON.stringify({ model_a: `m${i % 7}`, model_b: `m${(i * 3) % 11}`, winner: i % 2 ? "a" : "b", tstamp: i }),
      );
    parts.push("]");
    const text = parts.join("");
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += 37) chunks.push(text.slice(i, i + 37));
    const r = parseChunks(chunks, "json");
    expect(r.table.length).toBe(n);
    expect(r.table.latestTstamp).toBe(n - 1);
  });
});

describe("TableBuilder", () => {
  const row = (i: number, categories: string[] = [], language: string | null = null) => ({
    modelA: `m${i % 5}`,
    modelB: `m${(i + 1) % 5}`,
    outcome: i % 4,
    categories,
    language,
    styleA: null,
    styleB: null,
    samplingProbability: null,
    id: null,
    tstamp: null,
  });

  it("grows by doubling from capacity 1 and keeps every row", () => {
    const b = new TableBuilder({ initialCapacity: 1 });
    for (let i = 0; i < 1000; i++) b.add(row(i, i % 3 ? [] : ["x"]));
    const { table } = b.finish();
    expect(table.length).toBe(1000);
    expect(table.modelA.length).toBe(1000);
    expect(table.models).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    for (let i = 0; i < 1000; i++) {
      expect(table.outcome[i]).toBe(i % 4);
      expect(table.categoryBits[i]).toBe(i % 3 ? 0 : 1);
    }
  });

  it("a 33rd category is an error naming the line, even under skipInvalid", () => {
    const lines = Array.from({ length: MAX_CATEGORIES + 1 }, (_, i) =>
      JSON.stringify({ model_a: "a", model_b: "b", winner: "tie", categories: [`c${i}`] }),
    );
    const e = errorOf(() => parseBattles(lines.join("\n"), "jsonl", { skipInvalid: true }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('line 33: too many categories: "c32" would be number 33 (at most 32)');
    const ok = parseBattles(lines.slice(0, 32).join("\n"), "jsonl");
    expect(ok.table.categories.length).toBe(32);
    expect(ok.table.categoryBits[31]).toBe(0x80000000);
  });

  it("language boards take the bits left over, most frequent first; the rest are reported as dropped", () => {
    const b = new TableBuilder();
    const cats = Array.from({ length: 28 }, (_, i) => `c${i}`);
    b.add(row(0, cats));
    // english, non_english → 30 categories; 2 bits left for lang_*.
    const langs = ["en", "de", "de", "fr", "fr", "fr", "ja"];
    langs.forEach((l, i) => b.add(row(i + 1, [], l)));
    const { table, droppedCategories } = b.finish();
    expect(table.categories.slice(28)).toEqual(["english", "non_english", "lang_fr", "lang_de"]);
    expect(droppedCategories).toEqual(["lang_en", "lang_ja"]);
    const r = { table, rows: 0, skipped: {}, excluded: {}, droppedCategories, ids: null };
    expect(rowCategories(r, 1)).toEqual(["english"]);
    expect(rowCategories(r, 2)).toEqual(["lang_de", "non_english"]);
    expect(rowCategories(r, 4)).toEqual(["lang_fr", "non_english"]);
  });
});
