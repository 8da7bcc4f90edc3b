// Which ratings the data pins down (bt.ts `identifiability`): a model is provisional unless it lies in the one main
// strongly connected component of the who-beat-whom graph (a tie links both ways), the component with the most
// models (then the most battles), of at least two models. No main component (all singletons, or a tie between the
// largest) means every model is provisional. The rule must not depend on model names or row order.
import { describe, expect, it } from "vitest";
import { aggregate } from "../../../shared/ratings/aggregate";
import { computeBoard } from "../../../shared/ratings/board";
import { identifiability } from "../../../shared/ratings/bt";
import { buildLeaderboard } from "../../../shared/ratings/leaderboard";
import { buildPairMap } from "../../../shared/ratings/pairs";
import { setStyleCounts, STYLE_WIDTH } from "../../../shared/ratings/table";
import { permuteTable, tableFromRows, type Row } from "./helpers";

const provisionalOf = (rows: Row[]) => {
  const b = computeBoard(tableFromRows(rows), { name: "overall", bootstrap: 20 });
  return {
    board: b,
    set: b.models
      .filter((m) => m.provisional)
      .map((m) => m.model)
      .sort(),
  };
};

/** Six battles, five models, every model its own strongly connected component; gazette won all three of its. */
const SIX: Row[] = [
  ["gazette", "alpha", "model_a"],
  ["gazette", "beta", "model_a"],
  ["coda", "gazette", "model_b"],
  ["alpha", "beta", "model_a"],
  ["beta", "delta", "model_a"],
  ["coda", "delta", "model_a"],
];

describe("provisional: the main strongly connected component", () => {
  it("six battles with only singleton components: every model is provisional, the undefeated one too", () => {
    const { board, set } = provisionalOf(SIX);
    expect(board.method.ridge).toBeGreaterThan(0);
    expect(set).toEqual(["alpha", "beta", "coda", "delta", "gazette"]);
    expect([...board.method.provisional].sort()).toEqual(set);
    expect(board.models[0]!.model).toBe("gazette");
    expect(board.models[0]!.provisional).toBe(true);
    for (const m of board.models) expect(Number.isFinite(m.rating)).toBe(true);
  });

  it("a model that beat many is not the main component: a two-model component is", () => {
    // W beat five models (5 battles, more than any other component), X and Y beat each other once.
    const rows: Row[] = [
      ...["p", "q", "r", "s", "t"].map((m): Row => ["W", m, "model_a"]),
      ["X", "Y", "model_a"],
      ["Y", "X", "model_a"],
    ];
    expect(provisionalOf(rows).set).toEqual(["W", "p", "q", "r", "s", "t"]);
  });

  it("a tie links both directions: two models that only tied form a component", () => {
    const rows: Row[] = [
      ["A", "B", "tie"],
      ["C", "A", "model_a"],
    ];
    const { set } = provisionalOf(rows);
    expect(set).toEqual(["C"]);
    const bothbad: Row[] = [
      ["A", "B", "tie (bothbad)"],
      ["C", "A", "model_a"],
    ];
    expect(provisionalOf(bothbad).set).toEqual(["C"]);
  });

  it("two equally large components: no main component, every model provisional, whatever the names", () => {
    // {A, B} and {C, D} each tied once (two models, three battles counted per component); A beat C.
    const rows: Row[] = [
      ["A", "B", "tie"],
      ["C", "D", "tie"],
      ["A", "C", "model_a"],
    ];
    expect(provisionalOf(rows).set).toEqual(["A", "B", "C", "D"]);
    // The same battles with the names swapped (the components swap places in index order).
    const renamed = rows.map(([a, b, o]): Row => [rename(a), rename(b), o]);
    expect(provisionalOf(renamed).set).toEqual(["A", "B", "C", "D"]);
  });

  it("the larger component by models wins over battles; equal models are decided by battles", () => {
    // {A, B, C} (a cycle, 3 battles) and {X, Y} (10 battles), linked by A beating X.
    const rows: Row[] = [
      ["A", "B", "model_a"],
      ["B", "C", "model_a"],
      ["C", "A", "model_a"],
      ...Array.from({ length: 5 }, (): Row => ["X", "Y", "model_a"]),
      ...Array.from({ length: 5 }, (): Row => ["Y", "X", "model_a"]),
      ["A", "X", "model_a"],
    ];
    expect(provisionalOf(rows).set).toEqual(["X", "Y"]);
    // {A, B} (2 battles) and {X, Y} (10 battles): the busier one is the main component.
    const two: Row[] = [["A", "B", "model_a"], ["B", "A", "model_a"], ...rows.slice(3)];
    expect(provisionalOf(two).set).toEqual(["A", "B"]);
  });

  it("does not depend on row order or model indices", () => {
    for (const rows of [
      SIX,
      [
        ["A", "B", "tie"],
        ["C", "D", "tie"],
        ["A", "C", "model_a"],
      ] as Row[],
    ]) {
      const t = tableFromRows(rows);
      const ids = (tab: typeof t) => {
        const cells = aggregate(tab);
        const id = identifiability(buildPairMap(cells).pairs);
        return cells.models.filter((_, k) => id.provisional[k]).sort();
      };
      expect(ids(permuteTable(t, 3))).toEqual(ids(t));
      expect(ids(permuteTable(t, 8))).toEqual(ids(t));
    }
  });

  it("a strongly connected board has no provisional model", () => {
    const rows: Row[] = [
      ["A", "B", "model_a"],
      ["B", "C", "tie"],
      ["C", "A", "model_a"],
    ];
    const { board, set } = provisionalOf(rows);
    expect(set).toEqual([]);
    expect(board.method.ridge).toBeNull();
  });
});

function rename(m: string): string {
  return ({ A: "C", B: "D", C: "A", D: "B" } as Record<string, string>)[m] ?? m;
}

describe("provisional on style-controlled boards", () => {
  /** A table with style counts on the rows listed in `styled` (the others have none, NaN). */
  function styledTable(rows: Row[], styled: (i: number) => boolean) {
    const t = tableFromRows(rows);
    t.style = new Float32Array(rows.length * STYLE_WIDTH).fill(NaN);
    rows.forEach((_, i) => {
      if (styled(i)) setStyleCounts(t.style!, i, [100 + i, 1, 2, 0], [90, 0, 2, 1]);
    });
    return t;
  }
  const meta = { snapshot: "s", generatedAt: "2026-01-01T00:00:00.000Z", sha256: "0".repeat(64), excluded: {} };

  it("marks the models the style fit's own rows cannot pin down, not the others", async () => {
    // Raw board: a cycle A > B > C > A and D that only beat A (D never lost: provisional on both).
    const rows: Row[] = [
      ["A", "B", "model_a"],
      ["B", "C", "model_a"],
      ["C", "A", "model_a"],
      ["B", "A", "tie"],
      ["D", "A", "model_a"],
    ];
    const all = await buildLeaderboard(
      styledTable(rows, () => true),
      { bootstrap: 10 },
      meta,
    );
    const prov = (models: { model: string; provisional?: true }[]) =>
      models
        .filter((m) => m.provisional)
        .map((m) => m.model)
        .sort();
    expect(prov(all.categories.overall!.models)).toEqual(["D"]);
    expect(prov(all.categories.overall!.styleControl!.models)).toEqual(["D"]);
    // Without style counts on C > A the style rows leave A > B > C with the tie A–B: C never won there.
    const some = await buildLeaderboard(
      styledTable(rows, (i) => i !== 2),
      { bootstrap: 10 },
      meta,
    );
    expect(prov(some.categories.overall!.models)).toEqual(["D"]);
    expect(prov(some.categories.overall!.styleControl!.models)).toEqual(["C", "D"]);
  });
});
