// The golden 135,634 real LMArena battles (test/fixtures/golden, aggregated from ../shared/golden; see
// PROVENANCE.md): score equations, centring, category boards, bootstrap determinism and seed stability.
import { describe, expect, it } from "vitest";
import { aggregate } from "../../../shared/ratings/aggregate";
import { computeBoard, type BoardResult } from "../../../shared/ratings/board";
import { scoreEquations } from "../../../shared/ratings/bt";
import { buildPairMap } from "../../../shared/ratings/pairs";
import { GOLDEN_BATTLES, goldenTable, permuteTable } from "./helpers";

const table = goldenTable();
const overall = computeBoard(table, { name: "overall", bootstrap: 100, seed: 0 });

function checkScoreEquations(b: BoardResult): number {
  const map = buildPairMap(b.raw.cells);
  const s = scoreEquations(map.pairs, b.raw.theta);
  let worst = 0;
  for (let k = 0; k < b.raw.models.length; k++) {
    const battles = s.battles[k] as number;
    const diff = Math.abs((s.expected[k] as number) - (s.observed[k] as number));
    expect(diff).toBeLessThanOrEqual(1e-6 * battles);
    worst = Math.max(worst, diff / Math.max(1, battles));
  }
  return worst;
}

describe("golden overall board", () => {
  it("has every battle and model, votes summing to twice the battles", () => {
    expect(table.length).toBe(GOLDEN_BATTLES);
    expect(overall.battles).toBe(135_634);
    expect(overall.models).toHaveLength(53);
    expect(overall.models.reduce((a, m) => a + m.votes, 0)).toBe(2 * 135_634);
    // 10 self-battles of gemini-2.5-flash-preview-04-17 count twice.
    const g = overall.models.find((m) => m.model === "gemini-2.5-flash-preview-04-17")!;
    const pw = overall.pairwise;
    const gi = pw.models.indexOf(g.model);
    expect(g.votes).toBeGreaterThan(0);
    expect(pw.battles[gi]![gi]).toBe(0);
  });

  it("satisfies the MLE score equations within 1e-6 × battles (no ridge needed)", () => {
    expect(overall.method.ridge).toBeNull();
    expect(overall.method.provisional).toEqual([]);
    const worst = checkScoreEquations(overall);
    console.log(
      `golden overall: ${overall.method.iterations} Newton iterations, worst |E−O|/battles = ${worst.toExponential(2)}`,
    );
  });

  it("is centred on 1000 and sorted by rating with ranks from the intervals", () => {
    const mean = overall.raw.ratings.reduce((a, b) => a + b, 0) / overall.raw.ratings.length;
    expect(mean).toBeCloseTo(1000, 9);
    for (let k = 1; k < overall.models.length; k++)
      expect(overall.models[k - 1]!.rating).toBeGreaterThanOrEqual(overall.models[k]!.rating);
    expect(overall.models[0]!.rank).toBe(1);
    for (const m of overall.models) {
      const [lo, hi] = m.ci!;
      expect(lo).toBeLessThanOrEqual(hi);
      const better = overall.models.filter((o) => o.ci![0] > hi).length;
      expect(m.rank).toBe(1 + better);
    }
  });

  it("keeps qwen3-coder-480b-a35b-instruct (2 battles, both ties) finite and converged", () => {
    const q = overall.models.find((m) => m.model === "qwen3-coder-480b-a35b-instruct")!;
    expect(q.votes).toBe(2);
    expect(Number.isFinite(q.rating)).toBe(true);
    // Two ties: its rating solves P(beats opponent 1) + P(beats opponent 2) = 1 (MLE exists); the interval is finite.
    expect(q.ci![0]).toBeLessThanOrEqual(q.rating);
    expect(q.ci![1]).toBeGreaterThanOrEqual(q.rating);
    expect(q.provisional).toBeUndefined();
  });

  it("anchoring shifts every rating and interval by one constant", () => {
    const top = overall.models[0]!.model;
    const a = computeBoard(table, { name: "overall", bootstrap: 20, seed: 0, anchor: { model: top, rating: 1500 } });
    const f = computeBoard(table, { name: "overall", bootstrap: 20, seed: 0 });
    const ti = f.raw.models.indexOf(top);
    const shift = 1500 - (f.raw.ratings[ti] as number);
    for (let k = 0; k < f.raw.models.length; k++)
      expect(a.raw.ratings[k]).toBeCloseTo((f.raw.ratings[k] as number) + shift, 8);
    expect(a.raw.ratings[ti]).toBe(1500);
    // Every bootstrap round is aligned on the anchor, so its interval collapses onto the anchor rating.
    expect(a.raw.lower![ti]).toBeCloseTo(1500, 9);
    expect(a.raw.upper![ti]).toBeCloseTo(1500, 9);
  });

  it("builds the four category boards from the CSV flags, each satisfying its score equations", () => {
    const sizes: Record<string, number> = {
      hard_prompts: 50_884,
      math: 10_892,
      creative_writing: 11_587,
      instruction_following: 24_666,
    };
    table.categories.forEach((name, bit) => {
      const b = computeBoard(table, { name, filter: { categoryMask: 1 << bit }, bootstrap: 0 });
      expect(b.battles).toBe(sizes[name]);
      if (b.method.ridge === null) checkScoreEquations(b);
      else expect(b.method.provisional.length).toBeGreaterThan(0);
    });
  });
});

describe("golden bootstrap", () => {
  it("same seed gives identical output; row and model order do not matter", () => {
    const again = computeBoard(permuteTable(table, 11), { name: "overall", bootstrap: 100, seed: 0 });
    expect(again.models.map(({ elo: _e, ...m }) => m)).toEqual(overall.models.map(({ elo: _e, ...m }) => m));
    expect(Array.from(again.raw.lower!)).toEqual(Array.from(overall.raw.lower!));
    expect(Array.from(again.raw.ratings)).toEqual(Array.from(overall.raw.ratings));
    expect(again.pairwise).toEqual(overall.pairwise);
  });

  it("different seeds move endpoints by only a few points for models with thousands of votes", () => {
    const other = computeBoard(table, { name: "overall", bootstrap: 100, seed: 1 });
    const board2 = computeBoard(table, { name: "other-board", bootstrap: 100, seed: 0 });
    let worst = 0;
    let differs = 0;
    for (let k = 0; k < overall.raw.models.length; k++) {
      if ((overall.raw.votes[k] as number) < 3000) continue;
      for (const o of [other, board2]) {
        const d = Math.max(
          Math.abs((o.raw.lower![k] as number) - (overall.raw.lower![k] as number)),
          Math.abs((o.raw.upper![k] as number) - (overall.raw.upper![k] as number)),
        );
        if (d > 0) differs++;
        worst = Math.max(worst, d);
      }
    }
    console.log(
      `seed 0 vs seed 1 / other board name: worst endpoint change ${worst.toFixed(2)} points (models with ≥3000 votes)`,
    );
    expect(differs).toBeGreaterThan(0);
    expect(worst).toBeLessThan(5);
  });

  it("aggregation of the fixture round-trips the cell counts", () => {
    const c = aggregate(table);
    expect(c.models).toHaveLength(53);
    expect(c.count.reduce((a, b) => a + b, 0)).toBe(135_634);
  });
});
