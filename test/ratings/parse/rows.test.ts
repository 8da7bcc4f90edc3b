// Row normalisation (DESIGN section 7): fields → table columns and categories.
import { describe, expect, it } from "vitest";
import { createValueParser, normaliseRow, parseBattles } from "../../../shared/ratings/parse";
import { rowCategories, snapshot, styleOf } from "./helpers";

const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join("\n");
const base = { model_a: "a", model_b: "b", winner: "model_a" };

describe("FastChat clean_battle JSON", () => {
  const battle = {
    question_id: "q1",
    model_a: "vicuna-13b",
    model_b: "gpt-4",
    winner: "model_b",
    judge: "arena_user_abc",
    turn: 1,
    anony: true,
    language: "English",
    tstamp: 1712345678.25,
    dedup_tag: { high_freq: false, sampled: true },
    category_tag: {
      "criteria_v0.1": {
        specificity: true,
        domain_knowledge: true,
        complexity: true,
        problem_solving: true,
        creativity: false,
        technical_accuracy: true,
        real_world: true,
      },
      "if_v0.1": { if: false, score: 2 },
      "math_v0.1": { math: true },
      "creative_writing_v0.1": { creative_writing: false, score: "no" },
    },
    conv_metadata: {
      sum_user_tokens: 12,
      sum_assistant_a_tokens: 250,
      sum_assistant_b_tokens: 610,
      context_a_tokens: 12,
      context_b_tokens: 12,
      turns: 1,
      header_count_a: { h1: 0, h2: 1, h3: 2, h4: 0, h5: 0, h6: 0 },
      list_count_a: { ordered: 3, unordered: 0 },
      bold_count_a: { "**": 1, __: 0 },
      header_count_b: { h1: 1, h2: 0, h3: 0, h4: 0, h5: 0, h6: 4 },
      list_count_b: { ordered: 0, unordered: 7 },
      bold_count_b: { "**": 5, __: 2 },
    },
  };
  const short = {
    ...battle,
    question_id: "q2",
    language: "Chinese",
    turn: 3,
    dedup_tag: { high_freq: true, sampled: false },
    category_tag: {},
    conv_metadata: {
      ...battle.conv_metadata,
      sum_user_tokens: 4,
      sum_assistant_a_tokens: 1,
      sum_assistant_b_tokens: 2,
      header_count_a: undefined,
    },
  };
  const r = parseBattles(JSON.stringify([battle, short]), "json", { keepIds: true });
  const t = r.table;

  it("conv_metadata → counts [length, header, list, bold] per side → the table's d = (a − b)/(a + b + 1)", () => {
    const row = (raw: object) => {
      const n = normaliseRow(JSON.parse(JSON.stringify(raw)) as Record<string, unknown>);
      if (!("row" in n)) throw new Error("skipped");
      return n.row;
    };
    expect([row(battle).styleA, row(battle).styleB]).toEqual([
      [250, 3, 3, 1],
      [610, 5, 7, 7],
    ]);
    expect([row(short).styleA, row(short).styleB]).toEqual([
      [1, 0, 3, 1],
      [2, 5, 7, 7],
    ]);
    expect(Array.from(t.style!)).toEqual([
      ...styleOf([250, 3, 3, 1], [610, 5, 7, 7]),
      ...styleOf([1, 0, 3, 1], [2, 5, 7, 7]),
    ]);
    expect(t.style![0]).toBeCloseTo((250 - 610) / 861, 6);
  });

  it("categories: category_tag, dedup_tag.sampled → dedup, sum_user_tokens ≥ 5 → no_short, turn > 1 → multi_turn, language", () => {
    expect(rowCategories(r, 0)).toEqual(["dedup", "english", "hard_prompts", "lang_en", "math", "no_short"]);
    expect(rowCategories(r, 1)).toEqual(["lang_zh", "multi_turn", "non_english"]);
    expect(r.ids).toEqual(["q1", "q2"]);
    expect(t.latestTstamp).toBe(1712345678.25);
    expect(t.samplingProbability).toBeNull();
    expect(t.models).toEqual(["vicuna-13b", "gpt-4"]);
  });

  it("long_query when sum_user_tokens ≥ 500; conv_metadata.turns > 1 → multi_turn; conv_metadata as a JSON string (CSV)", () => {
    const r2 = parseBattles(
      jsonl([
        {
          ...base,
          conv_metadata: { sum_user_tokens: 500, sum_assistant_a_tokens: 1, sum_assistant_b_tokens: 1, turns: 2 },
        },
      ]),
      "jsonl",
    );
    expect(rowCategories(r2, 0)).toEqual(["long_query", "multi_turn", "no_short"]);
    expect(Array.from(r2.table.style!)).toEqual(styleOf([1, 0, 0, 0], [1, 0, 0, 0]));
    const r3 = parseBattles(
      'model_a,model_b,winner,conv_metadata\na,b,tie,"{""sum_assistant_a_tokens"":9,""sum_assistant_b_tokens"":4,""bold_count_b"":{""__"":2}}"\n',
      "csv",
    );
    expect(Array.from(r3.table.style!)).toEqual(styleOf([9, 0, 0, 0], [4, 0, 0, 2]));
    expect(rowCategories(r3, 0)).toEqual([]);
  });
});

describe("optional columns appear only when present and back-fill earlier rows", () => {
  it("style NaN, sampling probability NaN, id null for rows without them; latest tstamp", () => {
    const meta = { sum_assistant_a_tokens: 3, sum_assistant_b_tokens: 4 };
    const r = parseBattles(
      jsonl([base, { ...base, conv_metadata: meta, sampling_probability: 0.5, id: "x", tstamp: 5 }, base]),
      "jsonl",
      { initialCapacity: 1, keepIds: true, tstamp: true },
    );
    const t = r.table;
    expect(Array.from(t.style!)).toEqual([
      NaN,
      NaN,
      NaN,
      NaN,
      ...styleOf([3, 0, 0, 0], [4, 0, 0, 0]),
      NaN,
      NaN,
      NaN,
      NaN,
    ]);
    expect(Array.from(t.samplingProbability!)).toEqual([NaN, 0.5, NaN]);
    expect(r.ids).toEqual([null, "x", null]);
    expect(t.latestTstamp).toBe(5);
    expect(Array.from(t.tstamp!)).toEqual([NaN, 5, NaN]);
  });

  it("per-row tstamp through all three formats (growing from capacity 1) under tstamp: true, not kept by default", () => {
    const rows = [{ ...base, tstamp: 1712345678.25 }, { ...base, tstamp: 7 }, base, { ...base, tstamp: 1712345679.5 }];
    const csv =
      "model_a,model_b,winner,tstamp\na,b,model_a,1712345678.25\na,b,model_a,7\na,b,model_a,\na,b,model_a,1712345679.5\n";
    for (const [text, format] of [
      [jsonl(rows), "jsonl"],
      [JSON.stringify(rows), "json"],
      [csv, "csv"],
    ] as const) {
      const t = parseBattles(text, format, { initialCapacity: 1, tstamp: true }).table;
      expect(Array.from(t.tstamp!)).toEqual([1712345678.25, 7, NaN, 1712345679.5]);
      expect(t.latestTstamp).toBe(1712345679.5);
      const off = parseBattles(text, format).table;
      expect(off.tstamp).toBeNull();
      expect(off.latestTstamp).toBe(1712345679.5);
    }
  });

  it("none of them when no row has them", () => {
    const r = parseBattles(jsonl([base, base]), "jsonl");
    const t = r.table;
    expect([t.style, t.samplingProbability, r.ids, t.latestTstamp, t.tstamp]).toEqual([null, null, null, null, null]);
    expect(t.categories).toEqual([]);
    expect(Array.from(t.categoryBits)).toEqual([0, 0]);
  });

  it("sampling probabilities are dropped when not wanted (the cron worker never weights)", () => {
    const rows = jsonl([{ ...base, sampling_probability: 0.5 }]);
    expect(parseBattles(rows, "jsonl", { samplingProbability: false }).table.samplingProbability).toBeNull();
  });
});

describe("winner spellings", () => {
  it("model_a/a, model_b/b, tie, tie (bothbad)/bothbad/both_bad (trimmed)", () => {
    const ws = ["model_a", "a", "model_b", "b", "tie", "tie (bothbad)", "bothbad", "both_bad", " tie "];
    const r = parseBattles(jsonl(ws.map((winner) => ({ ...base, winner }))), "jsonl");
    expect(Array.from(r.table.outcome)).toEqual([0, 0, 1, 1, 2, 3, 3, 3, 2]);
  });
});

describe("languages", () => {
  it("ISO 639-1 codes and FastChat names → english / non_english / lang_xx", () => {
    const langs = ["en", "English", "ZH", "zh-Hant", "Chinese", "russian", "pt_BR", "Klingon", "unknown", "", null];
    const r = parseBattles(jsonl(langs.map((language) => ({ ...base, language }))), "jsonl");
    expect(langs.map((_, i) => rowCategories(r, i))).toEqual([
      ["english", "lang_en"],
      ["english", "lang_en"],
      ["lang_zh", "non_english"],
      ["lang_zh", "non_english"],
      ["lang_zh", "non_english"],
      ["lang_ru", "non_english"],
      ["lang_pt", "non_english"],
      ["non_english"],
      ["non_english"],
      [],
      [],
    ]);
  });
});

describe("skipped rows", () => {
  it("anony false and excluded_reason are skipped and counted; anony true/absent kept", () => {
    const r = parseBattles(
      jsonl([
        { ...base, anony: false },
        { ...base, anony: true },
        { ...base, excluded_reason: "identity_leak" },
        { ...base, excluded_reason: "identity_leak", anony: false },
        { ...base, excluded_reason: "provider_error" },
        { ...base, excluded_reason: null },
        base,
      ]),
      "jsonl",
    );
    expect(r.table.length).toBe(3);
    expect(r.rows).toBe(7);
    expect(r.skipped).toEqual({ anony_false: 1, "excluded:identity_leak": 2, "excluded:provider_error": 1 });
    expect(r.excluded).toEqual({ identity_leak: 2, provider_error: 1 });
  });

  it("CSV: anony 'false' / '0' skipped; empty excluded_reason kept", () => {
    const r = parseBattles(
      "model_a,model_b,winner,anony,excluded_reason\na,b,tie,false,\na,b,tie,0,\na,b,tie,True,\na,b,tie,,\na,b,tie,,x\n",
      "csv",
    );
    expect(r.table.length).toBe(2);
    expect(r.skipped).toEqual({ anony_false: 2, "excluded:x": 1 });
  });
});

describe("self-battles and categories array", () => {
  it("model_a == model_b is kept", () => {
    const r = parseBattles(
      jsonl([
        { model_a: "m", model_b: "m", winner: "tie" },
        { model_a: "m", model_b: "n", winner: "a" },
      ]),
      "jsonl",
    );
    expect(r.table.length).toBe(2);
    expect(r.table.modelA[0]).toBe(r.table.modelB[0]);
    expect(r.table.models).toEqual(["m", "n"]);
  });

  it("categories array (JSON) and ';'-separated or JSON-array string (CSV); 'overall' ignored", () => {
    const r = parseBattles(jsonl([{ ...base, categories: ["coding", "overall", "math"] }]), "jsonl");
    expect(rowCategories(r, 0)).toEqual(["coding", "math"]);
    const c = parseBattles('model_a,model_b,winner,categories\na,b,tie,coding;math\na,b,tie,"[""x""]"\n', "csv");
    expect(rowCategories(c, 0)).toEqual(["coding", "math"]);
    expect(rowCategories(c, 1)).toEqual(["x"]);
  });
});

describe("createValueParser (the cron worker's path) builds the table the text parser builds", () => {
  it("same table, counts and errors as parsing the JSON lines", () => {
    const rows = [
      { ...base, id: "1", tstamp: 1.5, language: "English", categories: ["coding"], sampling_probability: 0.25 },
      {
        ...base,
        model_b: "c",
        winner: "tie (bothbad)",
        turn: 2,
        conv_metadata: { sum_assistant_a_tokens: 3, sum_assistant_b_tokens: 9 },
      },
      { ...base, anony: false },
      { ...base, excluded_reason: "identity_leak" },
      { ...base, winner: "model_b", language: "German", categories: [] },
    ];
    const values = createValueParser({ keepIds: true });
    for (const r of rows) values.push(r);
    expect(snapshot(values.end())).toEqual(snapshot(parseBattles(jsonl(rows), "jsonl", { keepIds: true })));
    const bad = createValueParser();
    bad.push(base);
    expect(() => bad.push({ ...base, winner: "nobody" })).toThrow(/^line 2: unknown winner/);
  });
});
