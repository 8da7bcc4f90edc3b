// shared/ratings/table-file.ts: the frozen table of a fanned-out recompute (issue 17) reads back exactly — every
// column, the names, the optional columns present or absent — and the boards computed from it are the boards of
// the table it was written from.
import { describe, expect, it } from "vitest";
import { buildLeaderboard } from "../../../shared/ratings/leaderboard";
import { createParser } from "../../../shared/ratings/parse";
import { decodeTable, encodeTable } from "../../../shared/ratings/table-file";
import { emptyTable } from "../../../shared/ratings/table";

const line = (i: number) =>
  JSON.stringify({
    id: `b${i}`,
    tstamp: 1_700_000_000 + i,
    model_a: ["m1", "m2", "m3"][i % 3],
    model_b: ["m2", "m3", "m1"][i % 3],
    winner: ["model_a", "model_b", "tie", "tie (bothbad)"][(i * 7) % 4],
    language: i % 2 ? "English" : "German",
    conv_metadata: {
      sum_assistant_a_tokens: 100 + ((i * 37) % 300),
      sum_assistant_b_tokens: 100 + ((i * 53) % 300),
      header_count_a: { h1: i % 2 },
      header_count_b: {},
      list_count_a: { ordered: i % 4 },
      list_count_b: { ordered: i % 3 },
      bold_count_a: {},
      bold_count_b: { "**": i % 2 },
    },
  });

const parsed = () => {
  const parser = createParser("jsonl", { tstamp: true });
  parser.push(Array.from({ length: 300 }, (_, i) => line(i)).join("\n"));
  return parser.end().table;
};

describe("table file", () => {
  it("reads back every column and name, as views into the bytes (no copy)", () => {
    const table = parsed();
    const bytes = encodeTable(table);
    const back = decodeTable(bytes.buffer as ArrayBuffer);
    expect(back.length).toBe(table.length);
    expect(back.models).toEqual(table.models);
    expect(back.categories).toEqual(table.categories);
    expect(back.latestTstamp).toBe(table.latestTstamp);
    for (const c of ["modelA", "modelB", "outcome", "categoryBits", "style", "tstamp"] as const) {
      expect(Array.from(back[c]!), c).toEqual(Array.from(table[c]!));
      expect(back[c]!.buffer, c).toBe(bytes.buffer);
    }
    expect(back.samplingProbability).toBeNull();
  });

  it("keeps absent columns absent, and rejects what is not a table file", () => {
    const t = emptyTable(5, ["a", "b"]);
    const back = decodeTable(encodeTable(t).buffer as ArrayBuffer);
    expect(back.style).toBeNull();
    expect(back.tstamp).toBeNull();
    expect(back.length).toBe(5);
    expect(() => decodeTable(new TextEncoder().encode('{"not":"a table"}').buffer as ArrayBuffer)).toThrow(
      /not a battle table/,
    );
  });

  it("gives the same leaderboard as the table it was written from", async () => {
    const meta = { snapshot: "s", generatedAt: "2026-12-04T00:00:00.000Z", sha256: "0".repeat(64), excluded: {} };
    const direct = await buildLeaderboard(parsed(), { bootstrap: 20 }, meta);
    const table = decodeTable(encodeTable(parsed()).buffer as ArrayBuffer);
    expect(JSON.stringify(await buildLeaderboard(table, { bootstrap: 20 }, meta))).toBe(JSON.stringify(direct));
  });
});
