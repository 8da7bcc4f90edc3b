// Aggregation, Bradley–Terry, Elo and pairwise matrices on small hand-computed examples.
import { describe, expect, it } from "vitest";
import { aggregate } from "../../../shared/ratings/aggregate";
import { computeBoard } from "../../../shared/ratings/board";
import { fitBT, identifiability, scoreEquations } from "../../../shared/ratings/bt";
import { onlineElo } from "../../../shared/ratings/elo";
import { buildPairMap } from "../../../shared/ratings/pairs";
import { permuteTable, tableFromRows, type Row } from "./helpers";

const rep = (n: number, r: Row): Row[] => Array.from({ length: n }, () => r);

describe("aggregate", () => {
  it("gives sorted cells with counts, independent of row and model order", () => {
    const t = tableFromRows([
      ["z", "a", "model_a"],
      ["a", "z", "tie"],
      ["z", "a", "model_a"],
      ["m", "a", "tie (bothbad)"],
      ["a", "z", "model_b"],
    ]);
    const c = aggregate(t);
    expect(c.models).toEqual(["a", "m", "z"]);
    const cells = Array.from({ length: c.length }, (_, k) => [c.a[k], c.b[k], c.outcome[k], c.count[k]]);
    expect(cells).toEqual([
      [0, 2, 1, 1],
      [0, 2, 2, 1],
      [1, 0, 3, 1],
      [2, 0, 0, 2],
    ]);
    expect(Array.from(c.votes)).toEqual([5, 1, 4]);
    const p = aggregate(permuteTable(t, 5));
    expect(p.models).toEqual(c.models);
    expect(Array.from(p.count)).toEqual(Array.from(c.count));
    expect(Array.from(p.a)).toEqual(Array.from(c.a));
    expect(Array.from(p.outcome)).toEqual(Array.from(c.outcome));
  });

  it("filters by category bit and drops ties for no_tie", () => {
    const t = tableFromRows(
      [
        ["a", "b", "model_a", 1],
        ["a", "b", "tie", 1],
        ["a", "c", "model_b", 2],
      ],
      ["math", "coding"],
    );
    expect(aggregate(t, { categoryMask: 1 }).battles).toBe(2);
    expect(aggregate(t, { categoryMask: 1 }).models).toEqual(["a", "b"]);
    expect(aggregate(t, { noTies: true }).battles).toBe(2);
  });

  it("counts a self-battle twice toward votes", () => {
    const c = aggregate(
      tableFromRows([
        ["a", "a", "model_a"],
        ["a", "b", "tie"],
      ]),
    );
    expect(Array.from(c.votes)).toEqual([3, 1]);
  });
});

describe("Bradley–Terry", () => {
  it("two models: 3 wins of 4 gives 400·log10(3) apart, centred on 1000", () => {
    const t = tableFromRows([...rep(3, ["A", "B", "model_a"]), ["A", "B", "model_b"]]);
    const b = computeBoard(t, { name: "overall", bootstrap: 0, elo: false });
    const half = 200 * Math.log10(3);
    expect(b.raw.ratings[0]).toBeCloseTo(1000 + half, 9);
    expect(b.raw.ratings[1]).toBeCloseTo(1000 - half, 9);
    expect(b.models.map((m) => m.model)).toEqual(["A", "B"]);
    expect(b.models[0]!.rating).toBe(Math.round((1000 + half) * 1e6) / 1e6);
    expect(b.method.ridge).toBeNull();
  });

  it("ties count half a win for each side (both kinds)", () => {
    // A: 2 wins + 2 ties of 4 = 3 of 4, as above.
    const t = tableFromRows([...rep(2, ["A", "B", "model_a"]), ["B", "A", "tie"], ["A", "B", "tie (bothbad)"]]);
    const b = computeBoard(t, { name: "overall", bootstrap: 0, elo: false });
    expect((b.raw.ratings[0] as number) - (b.raw.ratings[1] as number)).toBeCloseTo(400 * Math.log10(3), 9);
  });

  it("self-battles move nothing and count twice in votes", () => {
    const base: Row[] = [
      ...rep(3, ["A", "B", "model_a"]),
      ["B", "C", "model_a"],
      ["C", "A", "model_a"],
      ["B", "A", "tie"],
      ["C", "B", "tie"],
    ];
    const withSelf: Row[] = [...base, ["A", "A", "model_a"], ["A", "A", "model_b"], ["C", "C", "tie"]];
    const b0 = computeBoard(tableFromRows(base), { name: "overall", bootstrap: 20, elo: true });
    const b1 = computeBoard(tableFromRows(withSelf), { name: "overall", bootstrap: 0, elo: true });
    for (let k = 0; k < 3; k++) expect(b1.raw.ratings[k]).toBeCloseTo(b0.raw.ratings[k] as number, 10);
    const v0 = Object.fromEntries(b0.models.map((m) => [m.model, m]));
    const v1 = Object.fromEntries(b1.models.map((m) => [m.model, m]));
    expect(v1.A!.votes).toBe(v0.A!.votes + 4);
    expect(v1.C!.votes).toBe(v0.C!.votes + 2);
    expect(v1.A!.elo).toBe(v0.A!.elo);
  });

  it("anchor shifts every rating by the same amount", () => {
    const rows: Row[] = [
      ...rep(3, ["A", "B", "model_a"]),
      ["B", "C", "model_a"],
      ["C", "A", "model_a"],
      ["B", "A", "tie"],
      ["C", "B", "model_b"],
    ];
    const t = tableFromRows(rows);
    const free = computeBoard(t, { name: "overall", bootstrap: 0 });
    const anch = computeBoard(t, { name: "overall", bootstrap: 0, anchor: { model: "B", rating: 1200 } });
    const bi = free.raw.models.indexOf("B");
    const shift = 1200 - (free.raw.ratings[bi] as number);
    for (let k = 0; k < 3; k++) expect(anch.raw.ratings[k]).toBeCloseTo((free.raw.ratings[k] as number) + shift, 9);
    expect(anch.raw.ratings[bi]).toBeCloseTo(1200, 9);
    const mean = Array.from(free.raw.ratings).reduce((a, b) => a + b, 0) / 3;
    expect(mean).toBeCloseTo(1000, 9);
    // An anchor model that is not on the board falls back to mean centring and says so.
    const missing = computeBoard(t, { name: "overall", bootstrap: 0, anchor: { model: "Z", rating: 1200 } });
    expect(missing.method.anchored).toBe(false);
    expect(Array.from(missing.raw.ratings)).toEqual(Array.from(free.raw.ratings));
  });

  it("a model that never loses: ridge recorded, converges, flagged provisional", () => {
    const rows: Row[] = [
      ...rep(5, ["A", "B", "model_a"]),
      ...rep(3, ["B", "C", "model_a"]),
      ...rep(2, ["C", "B", "model_a"]),
      ...rep(4, ["C", "D", "tie"]),
      ...rep(2, ["D", "B", "model_a"]),
      ["W", "A", "model_a"],
      ["W", "C", "model_a"],
      ["B", "W", "model_b"],
    ];
    const b = computeBoard(tableFromRows(rows), { name: "overall", bootstrap: 30 });
    expect(b.method.ridge).toBeGreaterThan(0);
    // W beat everyone it met; A lost only to W and beat B: both sit above the main component {B, C, D}.
    expect([...b.method.provisional].sort()).toEqual(["A", "W"]);
    const w = b.models.find((m) => m.model === "W")!;
    expect(w.provisional).toBe(true);
    expect(b.models[0]!.model).toBe("W");
    expect(b.models.find((m) => m.model === "C")!.provisional).toBeUndefined();
    expect(b.method.maxRelScore).toBeLessThan(1e-8);
    for (const m of b.models) {
      expect(Number.isFinite(m.rating)).toBe(true);
      expect(Number.isFinite(m.ci![0]) && Number.isFinite(m.ci![1])).toBe(true);
    }
  });

  it("a model that never wins and a disconnected graph: ridge, provisional, finite", () => {
    const rows: Row[] = [
      ...rep(4, ["A", "B", "model_a"]),
      ...rep(3, ["B", "A", "model_a"]),
      ["L", "A", "model_b"],
      ["B", "L", "model_a"],
      // separate piece
      ...rep(2, ["X", "Y", "model_a"]),
      ["Y", "X", "model_a"],
    ];
    const t = tableFromRows(rows);
    const cells = aggregate(t);
    const id = identifiability(buildPairMap(cells).pairs);
    expect(id.exists).toBe(false);
    const b = computeBoard(t, { name: "overall", bootstrap: 10 });
    expect(b.method.ridge).toBeGreaterThan(0);
    const prov = new Set(b.models.filter((m) => m.provisional).map((m) => m.model));
    expect(prov).toEqual(new Set(["L", "X", "Y"]));
    expect(b.models[b.models.length - 1]!.model).toBe("L");
    expect(b.method.maxRelScore).toBeLessThan(1e-8);
    const mean = Array.from(b.raw.ratings).reduce((a, c) => a + c, 0) / b.raw.ratings.length;
    expect(mean).toBeCloseTo(1000, 9);
  });

  it("a strongly connected graph needs no ridge and satisfies the score equations", () => {
    const rows: Row[] = [
      ...rep(3, ["A", "B", "model_a"]),
      ["B", "C", "model_a"],
      ["C", "A", "model_a"],
      ["B", "A", "tie"],
      ["C", "B", "model_b"],
    ];
    const cells = aggregate(tableFromRows(rows));
    const map = buildPairMap(cells);
    expect(identifiability(map.pairs).exists).toBe(true);
    const fit = fitBT(map.pairs);
    const s = scoreEquations(map.pairs, fit.theta);
    for (let k = 0; k < 3; k++)
      expect(Math.abs((s.expected[k] as number) - (s.observed[k] as number))).toBeLessThan(1e-10);
  });
});

describe("online Elo", () => {
  it("matches a hand computation (K=4, base 10, scale 400)", () => {
    const t = tableFromRows([
      ["A", "B", "model_a"], // ea = ½: A 1002, B 998
      ["B", "A", "tie"], // ea(B) = 1/(1+10^(4/400)) = 0.494244..., B += 4·(½ − ea)
      ["A", "A", "model_a"], // self-battle: no change
      ["C", "A", "model_b"], // ea(C) = 1/(1+10^((A−1000)/400))
    ]);
    const e = onlineElo(t);
    const eaB = 1 / (1 + Math.pow(10, 4 / 400));
    const A2 = 1002 - 4 * (0.5 - eaB);
    const B2 = 998 + 4 * (0.5 - eaB);
    const eaC = 1 / (1 + Math.pow(10, (A2 - 1000) / 400));
    expect(e[0]).toBeCloseTo(A2 + 4 * eaC, 12);
    expect(e[1]).toBeCloseTo(B2, 12);
    expect(e[2]).toBeCloseTo(1000 - 4 * eaC, 12);
    // Literal values, computed by hand: B2 = 998.0230248..., 4·eaC with A2 = 1001.9769752 ≈ 1.98862.
    expect(e[1]).toBeCloseTo(998.02302, 4);
  });
});

describe("pairwise matrices", () => {
  it("exclude ties, null on the diagonal and where no battles", () => {
    const t = tableFromRows([
      ...rep(3, ["A", "B", "model_a"]),
      ["B", "A", "model_a"],
      ...rep(2, ["A", "B", "tie"]),
      ["A", "C", "model_a"],
      ["B", "C", "tie"],
      ["A", "A", "model_a"],
    ]);
    const b = computeBoard(t, { name: "overall", bootstrap: 0 });
    const pw = b.pairwise;
    expect(pw.models).toEqual(b.models.map((m) => m.model));
    const ix = (m: string) => pw.models.indexOf(m);
    const [A, B, C] = [ix("A"), ix("B"), ix("C")];
    expect(pw.winFraction[A]![B]).toBe(0.75);
    expect(pw.winFraction[B]![A]).toBe(0.25);
    expect(pw.winFraction[A]![C]).toBe(1);
    expect(pw.winFraction[C]![A]).toBe(0);
    expect(pw.winFraction[B]![C]).toBeNull();
    expect(pw.winFraction[A]![A]).toBeNull();
    expect(pw.battles[A]![B]).toBe(4);
    expect(pw.battles[B]![A]).toBe(4);
    expect(pw.battles[B]![C]).toBe(0);
    expect(pw.battles[A]![A]).toBe(0);
  });
});

describe("--min-votes", () => {
  it("drops models under the threshold with their battles and re-ranks", () => {
    const rows: Row[] = [
      ...rep(6, ["A", "B", "model_a"]),
      ...rep(4, ["B", "A", "model_a"]),
      ...rep(5, ["B", "C", "model_a"]),
      ...rep(5, ["C", "B", "model_a"]),
      ...rep(3, ["C", "A", "tie"]),
      ["S", "A", "model_a"],
      ["S", "C", "model_a"],
    ];
    const t = tableFromRows(rows);
    const b = computeBoard(t, { name: "overall", bootstrap: 0, minVotes: 3 });
    expect(b.method.droppedModels).toEqual(["S"]);
    expect(b.models.map((m) => m.model).sort()).toEqual(["A", "B", "C"]);
    expect(b.battles).toBe(rows.length - 2);
    const a = b.models.find((m) => m.model === "A")!;
    expect(a.votes).toBe(13);
    expect(b.models.map((m) => m.rank)).toEqual([1, 2, 3]);
    const without = computeBoard(tableFromRows(rows.filter((r) => r[0] !== "S")), { name: "overall", bootstrap: 0 });
    expect(b.models).toEqual(without.models);
  });
});

describe("degenerate boards", () => {
  it("an empty board has no models and no pairwise entries", () => {
    const t = tableFromRows([["A", "B", "model_a"]], ["math"]);
    const b = computeBoard(t, { name: "math", filter: { categoryMask: 1 } });
    expect(b.battles).toBe(0);
    expect(b.models).toEqual([]);
    expect(b.pairwise).toEqual({ models: [], winFraction: [], battles: [] });
  });

  it("a model with only self-battles is kept, provisional, without an interval", () => {
    const t = tableFromRows([
      ...rep(3, ["A", "B", "model_a"]),
      ["B", "A", "model_a"],
      ["S", "S", "model_a"],
      ["S", "S", "tie"],
    ]);
    const b = computeBoard(t, { name: "overall", bootstrap: 20 });
    const s = b.models.find((m) => m.model === "S")!;
    expect(s.votes).toBe(4);
    expect(s.provisional).toBe(true);
    expect(s.ci).toBeNull();
    expect(b.method.ridge).toBeGreaterThan(0);
    expect(JSON.stringify(b.models)).not.toContain("NaN");
    const mean = Array.from(b.raw.ratings).reduce((x, y) => x + y, 0) / 3;
    expect(mean).toBeCloseTo(1000, 9);
  });
});
