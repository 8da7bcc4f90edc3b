import { describe, expect, it } from "vitest";
import { InputError, parseBattles } from "../../../shared/ratings/parse";
import { OUTCOME_CODE } from "../../../shared/ratings/table";
import sampleCsv from "../../fixtures/ratings/arena_140k_subset_sample.csv?raw";
import { errorOf, parseChunks, rowCategories, splitAt } from "./helpers";

const names = (r: ReturnType<typeof parseBattles>) =>
  Array.from({ length: r.table.length }, (_, i) => [
    r.table.models[r.table.modelA[i]!],
    r.table.models[r.table.modelB[i]!],
  ]);

describe("CSV quoting (RFC 4180)", () => {
  it("quoted commas, doubled quotes, newlines inside quotes, empty quoted fields", () => {
    const r = parseBattles(
      'model_a,model_b,winner,id\n"a, inc","say ""hi""",model_a,"x\ny"\n"",b,model_b,""\n',
      "csv",
      { skipInvalid: true, keepIds: true },
    );
    expect(names(r)).toEqual([["a, inc", 'say "hi"']]);
    expect(r.ids).toEqual(["x\ny"]);
    expect(r.skipped).toEqual({ "invalid:empty_model": 1 });
  });

  it("CRLF, LF and lone CR line ends, BOM, blank lines, no final newline", () => {
    const r = parseBattles(
      "\uFEFFmodel_a,model_b,winner\r\na,b,model_a\r\n\r\nc,d,tie\rc,e,model_b\n\ne,f,tie (bothbad)",
      "csv",
    );
    expect(names(r)).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["c", "e"],
      ["e", "f"],
    ]);
    expect(Array.from(r.table.outcome)).toEqual([0, 2, 1, 3]);
    expect(r.rows).toBe(4);
  });

  it("lenient like Python csv: a quote inside an unquoted field and text after a closing quote are literal", () => {
    const r = parseBattles('model_a,model_b,winner\nab"c,"x"y,tie\n', "csv");
    expect(names(r)).toEqual([['ab"c', "xy"]]);
  });

  it("line numbers count physical lines, including newlines inside quoted fields", () => {
    const e = errorOf(() => parseBattles('model_a,model_b,winner,note\na,b,model_a,"1\n2\n3"\r\nc,d,zz,x\n', "csv"));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('line 5: unknown winner "zz" (expected model_a, model_b, tie, tie (bothbad))');
  });

  it("an unterminated quoted field is an error naming the line where its record starts", () => {
    const e = errorOf(() => parseBattles('model_a,model_b,winner\na,b,tie\na,"b\n\n,tie\n', "csv"));
    expect(e.message).toBe('line 3: unterminated quoted field (missing closing ")');
    const r = parseBattles('model_a,model_b,winner\na,b,tie\na,"b\n\n,tie\n', "csv", { skipInvalid: true });
    expect(r.table.length).toBe(1);
    expect(r.skipped).toEqual({ "invalid:bad_row": 1 });
  });

  it("wrong field count is an error naming the line", () => {
    const text = "model_a,model_b,winner\na,b,tie\na,b\na,b,tie,extra\n";
    expect(errorOf(() => parseBattles(text, "csv")).message).toBe("line 3: expected 3 fields as in the header, got 2");
    expect(parseBattles(text, "csv", { skipInvalid: true }).skipped).toEqual({ "invalid:bad_row": 2 });
  });

  it("a header missing a required column is an error even under skipInvalid", () => {
    const e = errorOf(() => parseBattles("model_a,model_b,result\na,b,tie\n", "csv", { skipInvalid: true }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('line 1: CSV header is missing required column "winner" (found: model_a, model_b, result)');
    expect(errorOf(() => parseBattles("\n\nwinner\n", "csv")).message).toMatch(
      /^line 3: .*columns "model_a", "model_b"/,
    );
  });

  it("flag columns: 1/0/true/false/empty; is_code → coding, if → instruction_following", () => {
    const r = parseBattles(
      "model_a,model_b,winner,hard_6,math,creative_writing,if,is_code\n" +
        "a,b,tie,1,0,,true,False\n" +
        "a,b,tie,0,1.0,1,,1\n",
      "csv",
    );
    expect(rowCategories(r, 0)).toEqual(["hard_prompts", "instruction_following"]);
    expect(rowCategories(r, 1)).toEqual(["coding", "creative_writing", "math"]);
    const e = errorOf(() => parseBattles("model_a,model_b,winner,math\na,b,tie,maybe\n", "csv"));
    expect(e.message).toBe('line 2: math is not a boolean (true/false/1/0): "maybe"');
  });
});

describe("real LMArena CSV sample (test/fixtures/ratings, see PROVENANCE.md)", () => {
  const r = parseBattles(sampleCsv, "csv", { keepIds: true });
  const t = r.table;
  it("parses every row with the golden header; winner column used (winner_raw ignored)", () => {
    expect(t.length).toBe(200);
    expect(r.rows).toBe(200);
    expect(r.skipped).toEqual({});
    expect(t.models.length).toBe(50);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < t.length; i++) counts[t.outcome[i]!]!++;
    expect(counts).toEqual([71, 68, 32, 29]);
    expect(t.outcome[6]).toBe(OUTCOME_CODE["tie (bothbad)"]); // row 120: winner_raw both_bad
    expect(r.ids?.[0]).toBe("911cb365-6a3c-4990-8b54-fbae7d97c87c");
    expect(t.models[t.modelA[0]!]).toBe("kimi-k2-0711-preview");
    expect(t.style).toBeNull();
    expect(t.latestTstamp).toBeNull();
    expect(t.samplingProbability).toBeNull();
  });

  it("flags → categories hard_prompts / math / creative_writing / instruction_following", () => {
    expect([...t.categories].sort()).toEqual(["creative_writing", "hard_prompts", "instruction_following", "math"]);
    const size = (c: string) => {
      const k = t.categories.indexOf(c);
      let n = 0;
      for (let i = 0; i < t.length; i++) if ((t.categoryBits[i]! >>> k) & 1) n++;
      return n;
    };
    expect(size("hard_prompts")).toBe(79);
    expect(size("math")).toBe(13);
    expect(size("creative_writing")).toBe(16);
    expect(size("instruction_following")).toBe(39);
    expect(rowCategories(r, 4)).toEqual(["hard_prompts", "instruction_following", "math"]); // row 80
  });

  it("keeps the real self-battle (row 42460)", () => {
    const i = t.length - 1;
    expect(r.ids?.[i]).toBe("dfe9e678-1726-409a-8502-2f5297402cfe");
    expect(t.modelA[i]).toBe(t.modelB[i]);
    expect(t.models[t.modelA[i]!]).toBe("gemini-2.5-flash-preview-04-17");
  });
});

describe("CSV line numbers under chunk splits", () => {
  it("CRLF split between CR and LF, and quoted newlines, still name the right line", () => {
    const text = 'model_a,model_b,winner\r\na,b,tie\r\n"x\r\ny",b,tie\r\n\r\nc,d,bad\r\n';
    for (let k = 0; k <= text.length; k++)
      for (let d = 0; d <= 2 && k + d <= text.length; d++)
        expect(errorOf(() => parseChunks(splitAt(text, [k, k + d]), "csv")).message).toBe(
          'line 6: unknown winner "bad" (expected model_a, model_b, tie, tie (bothbad))',
        );
  });
});
