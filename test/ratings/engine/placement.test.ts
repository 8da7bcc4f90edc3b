// Placing one model on a fixed board's scale (private results, issue 7): recovers a known rating, its intervals
// cover the truth about as often as they claim, it agrees with refitting the whole board, and a model that never
// lost stays finite and provisional.
import { describe, expect, it } from "vitest";
import { computeBoard } from "../../../shared/ratings/board";
import { placeModel, type PlacementBattle } from "../../../shared/ratings/placement";
import { Rng } from "../../../shared/ratings/rng";
import { syntheticTable } from "./helpers";

const opts = { bootstrap: 100, key: "0|overall|placement|x", level: 0.95, centre: 1000 };

/** n battles of a model rated `rating` against opponents with the given (fixed) ratings. */
function battlesOf(rating: number, opponents: ArrayLike<number>, n: number, seed: number): PlacementBattle[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const opponentRating = opponents[Math.floor(rng.next() * opponents.length)]!;
    const p = 1 / (1 + 10 ** ((opponentRating - rating) / 400));
    return { opponentRating, score: rng.next() < p ? 1 : 0, styleOffset: 0 };
  });
}

describe("placeModel", () => {
  const field = Float64Array.from({ length: 20 }, (_, k) => 850 + 15 * k);

  it("recovers a known rating; 95% intervals cover it for ~95% of draws", () => {
    let covered = 0;
    const draws = 120;
    for (let d = 0; d < draws; d++) {
      const placed = placeModel(battlesOf(1080, field, 400, 500 + d), { ...opts, key: `d${d}` })!;
      expect(Math.abs(placed.rating - 1080)).toBeLessThan(90);
      if (placed.ci![0] <= 1080 && 1080 <= placed.ci![1]) covered++;
      expect(placed.provisional).toBe(false);
    }
    expect(covered / draws).toBeGreaterThan(0.88);
    expect(covered / draws).toBeLessThan(0.995);
    const big = placeModel(battlesOf(1080, field, 20_000, 7), opts)!;
    expect(Math.abs(big.rating - 1080)).toBeLessThan(8);
  });

  it("agrees with refitting the whole board with the model in it", () => {
    const { table } = syntheticTable(15, 60_000, 3);
    // The last model plays only 1% of the battles, like a private model: fit the board without it, place it on
    // that board's scale, and compare with the board that includes it (both measured from the field's mean).
    const x = table.models.length - 1;
    const rng = new Rng(9);
    const keep = new Uint8Array(table.length);
    for (let i = 0; i < table.length; i++) {
      const hasX = table.modelA[i] === x || table.modelB[i] === x;
      keep[i] = !hasX || rng.next() < 0.15 ? 1 : 0;
    }
    const without = computeBoard(table, {
      name: "overall",
      bootstrap: 0,
      seed: 0,
      elo: false,
      filter: { rowMask: keep, excludeModels: Uint8Array.from(table.models, (_, k) => (k === x ? 1 : 0)) },
    });
    const withX = computeBoard(table, {
      name: "overall",
      bootstrap: 0,
      seed: 0,
      elo: false,
      filter: { rowMask: keep },
    });
    const ratingOf = (b: typeof without, name: string) => b.models.find((m) => m.model === name)!.rating;
    const fieldNames = table.models.slice(0, x);
    const battles: PlacementBattle[] = [];
    for (let i = 0; i < table.length; i++) {
      if (!keep[i]) continue;
      const a = table.modelA[i]!;
      const b = table.modelB[i]!;
      if (a !== x && b !== x) continue;
      const o = table.outcome[i]!;
      const xIsA = a === x;
      const score = o >= 2 ? 0.5 : (o === 0) === xIsA ? 1 : 0;
      battles.push({ opponentRating: ratingOf(without, table.models[xIsA ? b : a]!), score, styleOffset: 0 });
    }
    expect(battles.length).toBeGreaterThan(300);
    const placed = placeModel(battles, { ...opts, bootstrap: 0 })!;
    const meanOf = (b: typeof without) => fieldNames.reduce((s, n) => s + ratingOf(b, n), 0) / fieldNames.length;
    const refit = ratingOf(withX, table.models[x]!) - meanOf(withX);
    expect(Math.abs(placed.rating - meanOf(without) - refit)).toBeLessThan(3);
  });

  it("a model that never lost is provisional with a finite rating; the same key gives the same interval", () => {
    const wins = field.slice(0, 5).map((r) => r);
    const battles = Array.from(wins, (opponentRating) => ({ opponentRating, score: 1, styleOffset: 0 }));
    const placed = placeModel(battles, opts)!;
    expect(placed.provisional).toBe(true);
    expect(Number.isFinite(placed.rating)).toBe(true);
    expect(placed.rating).toBeGreaterThan(950);
    const again = placeModel(battles, opts)!;
    expect(again).toEqual(placed);
    const mixed = battlesOf(1000, field, 500, 1);
    expect(placeModel(mixed, opts)!.ci).toEqual(placeModel(mixed, opts)!.ci);
    expect(placeModel(mixed, { ...opts, key: "other" })!.ci).not.toEqual(placeModel(mixed, opts)!.ci);
    expect(placeModel([], opts)).toBeNull();
  });

  it("a style offset in X's favour lowers its placed rating by the offset's worth", () => {
    const battles = battlesOf(1000, field, 3000, 4);
    const plain = placeModel(battles, { ...opts, bootstrap: 0 })!;
    const styled = placeModel(
      battles.map((b) => ({ ...b, styleOffset: 0.2 })),
      { ...opts, bootstrap: 0 },
    )!;
    expect(plain.rating - styled.rating).toBeCloseTo(0.2 / (Math.LN10 / 400), 6);
  });
});
