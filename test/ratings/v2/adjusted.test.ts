// Leaderboard v2 adjusted views (DESIGN section 14): on synthetic truth score = f(log price) + residual, battles
// simulated from the true scores and rated by the engine end to end (BattleTable → computeBoard with its
// bootstrap → adjustedViews), the adjusted scores' intervals cover the true residuals for ~95% of models; the
// Pareto frontier is exactly the brute-force non-dominated set.
import { describe, expect, it } from "vitest";
import {
  adjustedView,
  adjustedViews,
  boardFrontier,
  covariateOf,
  paretoFrontier,
  type FrontierPoint,
  type ModelCovariates,
} from "../../../shared/ratings/adjusted";
import { computeBoard } from "../../../shared/ratings/board";
import { Rng } from "../../../shared/ratings/rng";
import { modelNames, simulateTable } from "./sim";

/** OLS residuals of y on x (the estimand: the true scores' residuals against the line through the true scores). */
function olsResiduals(x: number[], y: number[]): number[] {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    sxx += (x[k]! - mx) ** 2;
    sxy += (x[k]! - mx) * (y[k]! - my);
  }
  const b = sxy / sxx;
  return y.map((v, k) => v - (my + b * (x[k]! - mx)));
}

describe("adjusted views", () => {
  it("recover the true price residuals within their 95% intervals for ~95% of models (20 draws × 12 models × 4,000 battles)", () => {
    const M = 12;
    let covered = 0;
    let coveredNoise = 0;
    let total = 0;
    let widthSum = 0;
    for (let draw = 0; draw < 20; draw++) {
      const rng = new Rng(5000 + draw);
      const x = Array.from({ length: M }, () => -1 + 2.5 * rng.next()); // log10 price: $0.10 … $30 per 1M
      const e = Array.from({ length: M }, () => 40 * rng.normal());
      const truth = x.map((v, k) => 1000 + 80 * v + 0.15 * 80 * v * v + e[k]!); // f mildly convex
      const table = simulateTable(M, [{ truth, battles: 4000 }], rng);
      const board = computeBoard(table, { name: "overall", bootstrap: 100, seed: draw, elo: false });
      const meta = new Map<string, ModelCovariates>(
        modelNames(M).map((m, k) => [m, { pricing: { input: 1, output: 10 ** x[k]! }, parameters: null }]),
      );
      const views = adjustedViews(board.raw, meta);
      expect(views.size).toBeUndefined(); // no model has a size
      const view = views.price!;
      expect(view.models).toHaveLength(M);
      const target = olsResiduals(x, truth);
      for (const m of view.models) {
        const k = Number(m.model.slice("model-".length));
        expect(m.x).toBeCloseTo(x[k]!, 12);
        const [lo, hi] = m.ci!;
        expect(lo).toBeLessThanOrEqual(m.adjusted + 1e-9);
        expect(hi).toBeGreaterThanOrEqual(m.adjusted - 1e-9);
        if (lo <= target[k]! && target[k]! <= hi) covered++;
        if (lo <= e[k]! && e[k]! <= hi) coveredNoise++;
        widthSum += hi - lo;
        total++;
      }
      // Residuals of a least-squares fit sum to zero.
      expect(Math.abs(view.models.reduce((s, m) => s + m.adjusted, 0))).toBeLessThan(1e-6);
    }
    const rate = covered / total;
    console.log(
      `adjusted (price) coverage of the true residuals: ${covered}/${total} = ${(100 * rate).toFixed(1)}%, ` +
        `mean width ${(widthSum / total).toFixed(1)} points; of the raw noise term e: ${((100 * coveredNoise) / total).toFixed(1)}%`,
    );
    expect(rate).toBeGreaterThanOrEqual(0.85);
    expect(rate).toBeLessThanOrEqual(1);
  });

  it("fits the line on the models with a known covariate; fewer than 3 → omitted; covariates are log10", () => {
    const board = {
      models: ["a", "b", "c", "d"],
      ratings: Float64Array.from([1000, 1100, 1200, 900]),
      samples: null,
    };
    const x = new Map<string, number | null>([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", null],
    ]);
    const v = adjustedView(board, x, { covariate: "x" })!;
    expect(v.fit.intercept).toBeCloseTo(1000, 9);
    expect(v.fit.slope).toBeCloseTo(100, 9);
    expect(v.fit.ci).toBeNull();
    expect(v.models.map((m) => m.model).sort()).toEqual(["a", "b", "c"]);
    for (const m of v.models) {
      expect(m.adjusted).toBeCloseTo(0, 9);
      expect(m.ci).toBeNull();
    }
    x.set("c", null);
    expect(adjustedView(board, x, { covariate: "x" })).toBeNull();
    expect(covariateOf({ pricing: { output: 100 } }, "price")).toBeCloseTo(2, 12);
    expect(covariateOf({ pricing: { output: 0 } }, "price")).toBeNull();
    expect(covariateOf({ parameters: 70 }, "size")).toBeCloseTo(Math.log10(70), 12);
    expect(covariateOf({ parameters: null }, "size")).toBeNull();
    expect(covariateOf(undefined, "size")).toBeNull();
  });
});

describe("Pareto frontier", () => {
  const brute = (pts: FrontierPoint[]): Set<string> =>
    new Set(
      pts
        .filter(
          (p) =>
            !pts.some(
              (q) =>
                q !== p && q.price <= p.price && q.rating >= p.rating && (q.price < p.price || q.rating > p.rating),
            ),
        )
        .map((p) => p.model),
    );

  it("is exactly the brute-force non-dominated set on 2,000 random sets (with many ties)", () => {
    const rng = new Rng(99);
    for (let s = 0; s < 2000; s++) {
      const n = 1 + Math.floor(rng.next() * 25);
      const coarse = s % 2 === 0; // half the sets on a coarse grid, so equal prices and ratings are common
      const pts: FrontierPoint[] = Array.from({ length: n }, (_, k) => ({
        model: `m${k}`,
        price: coarse ? Math.floor(rng.next() * 5) : 10 ** (3 * rng.next() - 1),
        rating: coarse ? 1000 + 10 * Math.floor(rng.next() * 5) : 900 + 300 * rng.next(),
      }));
      const got = paretoFrontier(pts);
      expect(new Set(got.map((p) => p.model))).toEqual(brute(pts));
      expect(got.length).toBe(new Set(got.map((p) => p.model)).size);
      for (let k = 1; k < got.length; k++) {
        // Along the frontier price rises and rating rises (strictly between different prices).
        expect(got[k]!.price).toBeGreaterThanOrEqual(got[k - 1]!.price);
        if (got[k]!.price > got[k - 1]!.price) expect(got[k]!.rating).toBeGreaterThan(got[k - 1]!.rating);
      }
    }
  });

  it("keeps exact duplicates together and ignores unknown prices", () => {
    const f = paretoFrontier([
      { model: "x", price: 1, rating: 1100 },
      { model: "y", price: 1, rating: 1100 },
      { model: "z", price: 1, rating: 1050 },
      { model: "w", price: 2, rating: 1100 },
      { model: "v", price: NaN, rating: 2000 },
      { model: "u", price: 5, rating: 1200 },
    ]);
    expect(f.map((p) => p.model)).toEqual(["x", "y", "u"]);
  });

  it("boardFrontier reads pricing.output (free models count, unknown and negative prices do not)", () => {
    const meta = new Map<string, ModelCovariates>([
      ["free", { pricing: { output: 0 } }],
      ["mid", { pricing: { input: 1, output: 4 } }],
      ["dear", { pricing: { output: 60 } }],
      ["unknown", { pricing: null }],
      ["bad", { pricing: { output: -1 } }],
    ]);
    const f = boardFrontier(
      [
        { model: "dear", rating: 1200 },
        { model: "mid", rating: 1050 },
        { model: "free", rating: 1100 },
        { model: "unknown", rating: 1300 },
        { model: "bad", rating: 1250 },
      ],
      meta,
    );
    expect(f).toEqual([
      { model: "free", rating: 1100, price: 0 },
      { model: "dear", rating: 1200, price: 60 },
    ]);
  });
});
