// Synthetic battles with known true ratings: coverage of the 95% bootstrap intervals over repeated draws, and
// the engine time of BT + 100 bootstrap rounds at 1M battles.
import { describe, expect, it } from "vitest";
import { aggregate } from "../../../shared/ratings/aggregate";
import { bootstrapBT } from "../../../shared/ratings/bootstrap";
import { computeBoard } from "../../../shared/ratings/board";
import { fitBT, identifiability } from "../../../shared/ratings/bt";
import { buildPairMap } from "../../../shared/ratings/pairs";
import { thetaToRatings } from "../../../shared/ratings/scale";
import { syntheticTable } from "./helpers";

describe("synthetic truth", () => {
  it("95% intervals cover the true (mean-1000) ratings for ~95% of models over 20 draws", () => {
    let covered = 0;
    let total = 0;
    let sqErr = 0;
    for (let draw = 0; draw < 20; draw++) {
      const { table, truth } = syntheticTable(20, 20_000, 1000 + draw, { spread: 250 });
      const b = computeBoard(table, { name: "overall", bootstrap: 100, seed: draw, elo: false });
      expect(b.method.ridge).toBeNull();
      // Board models are sorted by name = model index order here.
      for (let k = 0; k < truth.length; k++) {
        const t = truth[k] as number;
        if ((b.raw.lower![k] as number) <= t && t <= (b.raw.upper![k] as number)) covered++;
        sqErr += ((b.raw.ratings[k] as number) - t) ** 2;
        total++;
      }
    }
    const rate = covered / total;
    console.log(
      `coverage ${covered}/${total} = ${(100 * rate).toFixed(1)}%, RMSE ${Math.sqrt(sqErr / total).toFixed(2)} points`,
    );
    expect(rate).toBeGreaterThanOrEqual(0.85);
    expect(rate).toBeLessThanOrEqual(0.99);
  });

  // The timing is only logged: speed is measured by `npm run bench:ratings` (bench/ratings.ts), not asserted on a
  // shared, loaded test machine.
  it("fits BT + 100 bootstrap rounds on 1M battles, 50 models: no ridge round, ratings match the truth up to scale", () => {
    const { table, truth } = syntheticTable(50, 1_000_000, 77, { spread: 300, tieRate: 0.3 });
    const t0 = performance.now();
    const cells = aggregate(table);
    const t1 = performance.now();
    const map = buildPairMap(cells);
    const ident = identifiability(map.pairs);
    const fit = fitBT(map.pairs, { ridge: ident.exists ? 0 : 1e-4 });
    const { ratings } = thetaToRatings(fit.theta, cells.models, null);
    const t2 = performance.now();
    const bs = bootstrapBT(cells, map, fit.theta, ratings, {
      rounds: 100,
      seed: 0,
      board: "overall",
      ridge: 0,
      anchorIndex: -1,
    });
    const t3 = performance.now();
    console.log(
      `1M battles, 50 models, ${cells.length} cells: aggregate ${(t1 - t0).toFixed(0)} ms, BT fit ${(t2 - t1).toFixed(0)} ms (${fit.iterations} it), 100 bootstrap rounds ${(t3 - t2).toFixed(0)} ms, total ${(t3 - t0).toFixed(0)} ms`,
    );
    expect(bs.ridgeRounds).toBe(0);
    // Ties (30%, drawn outside the BT model) compress the scale, so check agreement up to scale: correlation.
    const mr = ratings.reduce((a, b) => a + b, 0) / 50;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let k = 0; k < 50; k++) {
      const x = (ratings[k] as number) - mr;
      const y = (truth[k] as number) - 1000;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    expect(sxy / Math.sqrt(sxx * syy)).toBeGreaterThan(0.999);
  });
});
