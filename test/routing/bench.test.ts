// PGR / APGR / CPT (DESIGN section 12) on hand-made scores, and the input rows the bench reads.
import { describe, expect, it } from "vitest";
import { cptAt, evaluateScores, routerBattleFromRow, splitBattles } from "../../shared/routing/index";

describe("evaluateScores", () => {
  it("an oracle router reaches PGR above 1; a constant one stays on the diagonal's end points", () => {
    // Strong wins the first half, loses the second: sending exactly those to strong is the best possible routing.
    const utilities = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0.5];
    const oracle = utilities.map((u) => u);
    const ev = evaluateScores(oracle, utilities);
    expect(ev.curve[0]).toEqual([0, 0]);
    expect(ev.curve[ev.curve.length - 1]).toEqual([1, 1]);
    expect(Math.max(...ev.curve.map(([, p]) => p))).toBeGreaterThan(1);
    expect(ev.apgr).toBeGreaterThan(1);
    const inverse = evaluateScores(
      oracle.map((s) => 1 - s),
      utilities,
    );
    expect(inverse.apgr).toBeLessThan(0);
  });
  it("PGR is (r − r_weak)/(r_strong − r_weak) at each share", () => {
    const utilities = [1, 0, 1, 1];
    const scores = [0.9, 0.8, 0.7, 0.1];
    const ev = evaluateScores(scores, utilities);
    // r_strong = 0.75, r_weak = 0.25; sending only the top prompt: r = (1 + 1 + 0 + 0)/4 = 0.5 → PGR 0.5.
    const quarter = ev.curve.find(([s]) => s === 0.25)!;
    expect(quarter[1]).toBeCloseTo(0.5, 10);
    // Area by trapezoids over the realised shares.
    let area = 0;
    for (let i = 1; i < ev.curve.length; i++) {
      area += ((ev.curve[i]![0] - ev.curve[i - 1]![0]) * (ev.curve[i]![1] + ev.curve[i - 1]![1])) / 2;
    }
    expect(ev.apgr).toBeCloseTo(area, 12);
  });
  it("CPT interpolates the first crossing", () => {
    const curve: [number, number][] = [
      [0, 0],
      [0.5, 0.4],
      [1, 1],
    ];
    expect(cptAt(curve, 0.2)).toBeCloseTo(0.25, 12);
    expect(cptAt(curve, 0.7)).toBeCloseTo(0.75, 12);
    expect(cptAt(curve, 0)).toBe(0);
    expect(cptAt(curve, 1.2)).toBeNull();
  });
});

describe("splitBattles", () => {
  it("is deterministic for a seed and near the share", () => {
    const xs = Array.from({ length: 2000 }, (_, i) => i);
    const a = splitBattles(xs, 0.2, 1);
    expect(splitBattles(xs, 0.2, 1)).toEqual(a);
    expect(splitBattles(xs, 0.2, 2)).not.toEqual(a);
    expect(Math.abs(a.test.length / 2000 - 0.2)).toBeLessThan(0.03);
  });
});

describe("routerBattleFromRow", () => {
  it("reads our conversations export: the last user message", () => {
    const r = routerBattleFromRow({
      id: "x",
      model_a: "a",
      model_b: "b",
      winner: "tie (bothbad)",
      conversation_a: [
        { role: "user", content: "first" },
        { role: "assistant", content: "..." },
        { role: "user", content: "second" },
        { role: "assistant", content: "..." },
      ],
      conversation_b: [],
    });
    expect(r).toEqual({ ok: true, battle: { prompt: "second", modelA: "a", modelB: "b", winner: "tie (bothbad)" } });
  });
  it("reads lmsys-arena-human-preference-55k rows: prompt is a JSON list of user turns", () => {
    const row = {
      id: 1,
      model_a: "gpt-4",
      model_b: "llama",
      prompt: JSON.stringify(["hi", "now write code"]),
      response_a: "[]",
      response_b: "[]",
      winner_model_a: 0,
      winner_model_b: 1,
      winner_tie: 0,
    };
    expect(routerBattleFromRow(row)).toEqual({
      ok: true,
      battle: { prompt: "now write code", modelA: "gpt-4", modelB: "llama", winner: "model_b" },
    });
    expect(routerBattleFromRow({ ...row, winner_model_b: 0, winner_tie: 1 })).toMatchObject({
      battle: { winner: "tie" },
    });
    expect(routerBattleFromRow({ ...row, winner_tie: 1 })).toEqual({
      ok: false,
      reason: "not exactly one of winner_model_a/b/tie",
    });
  });
  it("says why a row is unusable", () => {
    expect(routerBattleFromRow([])).toMatchObject({ ok: false });
    expect(routerBattleFromRow({ model_a: "a", model_b: "b", winner: "x", conversation_a: [] })).toEqual({
      ok: false,
      reason: "bad winner",
    });
    expect(routerBattleFromRow({ model_a: "a", model_b: "b", winner: "tie", conversation_a: [] })).toEqual({
      ok: false,
      reason: "no user message",
    });
    expect(routerBattleFromRow({ model_a: "a", model_b: "b", anony: false })).toEqual({
      ok: false,
      reason: "not anonymous",
    });
  });
});
