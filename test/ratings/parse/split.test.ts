// Every format gives the same table whether fed in one chunk, split at every position, char by char, or in
// random pieces.
import { describe, expect, it } from "vitest";
import type { InputFormat } from "../../../shared/ratings/parse";
import sampleCsv from "../../fixtures/ratings/arena_140k_subset_sample.csv?raw";
import { parseChunks, rng, snapshot, splitAt } from "./helpers";

const CSV =
  "\uFEFFid,model_a,model_b,winner,language,tstamp,math,categories\r\n" +
  'r1,"gpt, ""4o""",claude,model_a,English,1700000000.5,1,"[""coding""]"\r\n' +
  'r2,claude,"multi\nline ✓ 😀",tie (bothbad),zh,1700000001,0,\n' +
  "\r\n" +
  'r3,gpt-x,gpt-x,tie,Chinese,,"",coding;math\r' +
  'r4,"",b,model_b,,,,\n'.replace('""', "a") +
  'r5,a,"b",both_bad,,,,';

const ROWS = [
  {
    id: "j1",
    model_a: "m{1}",
    model_b: "m[2]",
    winner: "model_a",
    language: "Русский",
    note: 'q"uote \\ "}]',
    tstamp: 1,
  },
  {
    id: "j2",
    model_a: "😀 model",
    model_b: "m[2]",
    winner: "tie",
    anony: true,
    sampling_probability: 0.25,
    conv_metadata: {
      sum_user_tokens: 7,
      sum_assistant_a_tokens: 100,
      sum_assistant_b_tokens: 50,
      turns: 2,
      header_count_a: { h1: 1, h2: 2, h3: 0, h4: 0, h5: 0, h6: 1 },
      header_count_b: { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
      list_count_a: { ordered: 2, unordered: 3 },
      list_count_b: { ordered: 0, unordered: 1 },
      bold_count_a: { "**": 4, __: 1 },
      bold_count_b: { "**": 0, __: 0 },
    },
  },
  { id: "j3", model_a: "a", model_b: "b", winner: "bothbad", anony: false },
  { id: "j4", model_a: "a", model_b: "b", winner: "b", excluded_reason: "identity_leak", text: "[{,}]\u2028" },
  {
    id: "j5",
    model_a: "a\u00e9",
    model_b: "b",
    winner: "tie (bothbad)",
    categories: ["creative_writing"],
    dedup_sampled: true,
  },
];
const JSON_TEXT = "[\n" + ROWS.map((r) => "  " + JSON.stringify(r, null, 1)).join(",\n") + "\n]\n";
const JSON_ASCII = JSON.stringify(ROWS).replace(
  /[\u007f-\uffff]/g,
  (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
);
const JSONL = ROWS.map((r) => JSON.stringify(r)).join("\r\n") + "\n\n";

const cases: [string, InputFormat, string][] = [
  ["csv", "csv", CSV],
  ["json (pretty)", "json", JSON_TEXT],
  ["json (unicode escapes)", "json", JSON_ASCII],
  ["jsonl", "jsonl", JSONL],
];

describe("chunk-split invariance", () => {
  for (const [name, format, text] of cases) {
    it(`${name}: every 2-way split and char-by-char equal one chunk`, () => {
      const whole = snapshot(parseChunks([text], format));
      expect(whole.length).toBeGreaterThan(2);
      for (let k = 0; k <= text.length; k++) expect(snapshot(parseChunks(splitAt(text, [k]), format))).toEqual(whole);
      expect(snapshot(parseChunks([...text.split("")], format))).toEqual(whole);
      // every 3-way split with the second cut close to the first (CRLF, "" and \\" pairs straddling two cuts)
      for (let k = 0; k < text.length; k++)
        for (let d = 1; d <= 2 && k + d <= text.length; d++)
          expect(snapshot(parseChunks(splitAt(text, [k, k + d]), format))).toEqual(whole);
    });

    it(`${name}: random multi-chunk splits equal one chunk`, () => {
      const whole = snapshot(parseChunks([text], format));
      const r = rng(42);
      for (let trial = 0; trial < 200; trial++) {
        const cuts = Array.from({ length: 1 + Math.floor(r() * 12) }, () => Math.floor(r() * (text.length + 1)));
        expect(snapshot(parseChunks(splitAt(text, cuts), format))).toEqual(whole);
      }
    });
  }

  it("the real CSV sample: random splits equal one chunk", () => {
    const whole = snapshot(parseChunks([sampleCsv], "csv"));
    expect(whole.length).toBe(200);
    const r = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * (sampleCsv.length + 1)));
      expect(snapshot(parseChunks(splitAt(sampleCsv, cuts), "csv"))).toEqual(whole);
    }
  });

  it("JSON, JSONL and CSV renderings of the same battles give the same table", () => {
    const rows = ROWS.filter((r) => r.anony !== false && !r.excluded_reason);
    const fromJson = snapshot(parseChunks([JSON.stringify(rows)], "json"));
    const fromJsonl = snapshot(parseChunks([rows.map((r) => JSON.stringify(r)).join("\n")], "jsonl"));
    expect(fromJsonl).toEqual(fromJson);
    const simple = rows.map(({ id, model_a, model_b, winner }) => ({ id, model_a, model_b, winner }));
    const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
    const csv =
      "id,model_a,model_b,winner\n" +
      simple.map((r) => [r.id, r.model_a, r.model_b, r.winner].map(q).join(",")).join("\n");
    const a = snapshot(parseChunks([csv], "csv"));
    const b = snapshot(parseChunks([JSON.stringify(simple)], "json"));
    expect(a).toEqual(b);
  });
});
