// DESIGN section 7: results do not depend on row order. The raw boards draw over sorted cells; the
// style-controlled boards draw battle rows, so the rows are put in a canonical order first (canonical.ts). Only the
// online Elo, defined in time order, may differ between two orders of the same battles.
import { describe, expect, it } from "vitest";
import { canonicalPermutation } from "../../../shared/ratings/canonical";
import { buildLeaderboard } from "../../../shared/ratings/leaderboard";
import { Rng } from "../../../shared/ratings/rng";
import { emptyTable, setStyleCounts, STYLE_WIDTH, type BattleTable } from "../../../shared/ratings/table";

const meta = { snapshot: "t", generatedAt: "2026-01-01T00:00:00.000Z", sha256: "", excluded: {} };

function battles(n: number, seed: number): BattleTable {
  const rng = new Rng(seed);
  const names = ["delta", "alpha", "echo", "charlie", "bravo", "foxtrot"];
  const t = emptyTable(n, names, { style: true });
  t.categories = ["coding", "math"];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rng.next() * names.length);
    const b = Math.floor(rng.next() * names.length); // self-battles included
    t.modelA[i] = a;
    t.modelB[i] = b;
    t.outcome[i] = Math.floor(rng.next() * 4);
    t.categoryBits[i] = Math.floor(rng.next() * 4);
    // Few distinct count values, so many rows are exact duplicates of each other.
    const c = () => [Math.floor(rng.next() * 3) * 100, Math.floor(rng.next() * 2), 0, Math.floor(rng.next() * 2)];
    setStyleCounts(t.style!, i, c(), c());
  }
  return t;
}

/** The same battles in another row order, with the model list in another order (as a parser meeting them so). */
function shuffled(t: BattleTable, seed: number): BattleTable {
  const rng = new Rng(seed);
  const n = t.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const models = [...t.models].reverse();
  const to = (k: number) => t.models.length - 1 - k;
  const out = emptyTable(n, models, { style: true });
  out.categories = t.categories;
  order.forEach((src, i) => {
    out.modelA[i] = to(t.modelA[src]!);
    out.modelB[i] = to(t.modelB[src]!);
    out.outcome[i] = t.outcome[src]!;
    out.categoryBits[i] = t.categoryBits[src]!;
    for (let f = 0; f < STYLE_WIDTH; f++) out.style![i * STYLE_WIDTH + f] = t.style![src * STYLE_WIDTH + f]!;
  });
  return out;
}

const withoutElo = (json: Awaited<ReturnType<typeof buildLeaderboard>>) =>
  JSON.parse(JSON.stringify(json, (k, v) => (k === "elo" ? undefined : v)));

describe("row order", () => {
  it("gives byte-identical boards, style-controlled intervals included (Elo aside)", async () => {
    const t = battles(6000, 1);
    const s = shuffled(t, 2);
    const opts = { bootstrap: 30, seed: 3 };
    const a = await buildLeaderboard(t, opts, meta);
    const b = await buildLeaderboard(s, opts, meta);
    expect(Object.keys(a.categories)).toEqual(["overall", "coding", "math", "no_tie"]);
    expect(a.categories.overall!.styleControl!.models[0]!.ci).not.toBeNull();
    expect(JSON.stringify(withoutElo(b))).toBe(JSON.stringify(withoutElo(a)));
  });

  it("the canonical permutation sorts by model names, outcome, then features", () => {
    const t = battles(500, 4);
    const perm = canonicalPermutation(t);
    expect([...perm].sort((x, y) => x - y)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const key = (i: number) => [t.models[t.modelA[i]!]!, t.models[t.modelB[i]!]!, t.outcome[i]!] as const;
    for (let k = 1; k < perm.length; k++) {
      const [a0, b0, o0] = key(perm[k - 1]!);
      const [a1, b1, o1] = key(perm[k]!);
      expect(a0 < a1 || (a0 === a1 && (b0 < b1 || (b0 === b1 && o0 <= o1)))).toBe(true);
    }
  });
});
