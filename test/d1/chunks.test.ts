// The D1 chunking helper (d1/chunks.ts): every statement whose bound-parameter count grows with its input is split
// so that no statement binds more than D1's 100 parameters.
import { getTableColumns } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { D1_MAX_BOUND_PARAMS, insertChunks, itemsPerStatement, paramChunks, selectInChunks } from "../../d1/chunks";
import * as schema from "../../d1/schema";

describe("D1 parameter chunks", () => {
  it("fits each statement under the limit, keeping order and every item", async () => {
    expect(D1_MAX_BOUND_PARAMS).toBe(100);
    expect(itemsPerStatement(1)).toBe(100);
    expect(itemsPerStatement(1, 3)).toBe(97);
    expect(itemsPerStatement(7)).toBe(14);
    expect(() => itemsPerStatement(60, 50)).toThrow();
    const ids = Array.from({ length: 201 }, (_, i) => i);
    const chunks = paramChunks(ids, 1, 1);
    expect(chunks.map((c) => c.length)).toEqual([99, 99, 3]);
    expect(chunks.flat()).toEqual(ids);
    expect(paramChunks([], 1)).toEqual([]);
    // leaderboard_history has 11 columns (one bound parameter each per row): 9 rows per INSERT.
    expect(Object.keys(getTableColumns(schema.leaderboardHistory))).toHaveLength(11);
    expect(insertChunks(schema.leaderboardHistory, ids).map((c) => c.length)[0]).toBe(9);
    const seen: number[][] = [];
    const rows = await selectInChunks(ids, async (chunk) => {
      seen.push(chunk);
      return chunk.map((x) => x * 2);
    });
    expect(seen.every((c) => c.length <= 100)).toBe(true);
    expect(rows).toEqual(ids.map((x) => x * 2));
  });
});
