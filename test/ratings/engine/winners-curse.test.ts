// shared/ratings/winners-curse.ts: the inflation of the best-looking of k private variants (issue 16). A light
// version of bench/winners-curse.ts's calibration, plus the edge cases the integrator relies on.
import { describe, expect, it } from "vitest";
import { Rng } from "../../../shared/ratings/rng";
import {
  fitFamily,
  MAX_WORK,
  PAIR_RAMP_END,
  pairInflation,
  seFromInterval,
  simulateInflation,
  winnersCurse,
  type VariantEstimate,
} from "../../../shared/ratings/winners-curse";

const variants = (ys: number[], se: number): VariantEstimate[] => ys.map((y, i) => ({ id: `v${i}`, estimate: y, se }));

describe("winnersCurse", () => {
  it("is 0 for k = 1 (no selection)", () => {
    const r = winnersCurse([{ id: "only", estimate: 1234, ci: [1220, 1248] }], "only");
    expect(r).toMatchObject({ k: 1, inflation: 0, plugin: 0, shrinkage: 0, adjusted: 1234, se: null });
  });

  it("takes standard errors from intervals and is deterministic for a seed", () => {
    expect(seFromInterval([980, 1020])).toBeCloseTo(20 / 1.959964, 4);
    const v: VariantEstimate[] = [
      { id: "a", estimate: 1210, ci: [1195, 1225] },
      { id: "b", estimate: 1195, ci: [1180, 1210] },
      { id: "c", estimate: 1188, se: 8 },
    ];
    const r1 = winnersCurse(v, "a", { seed: 3 });
    expect(winnersCurse(v, "a", { seed: 3 })).toEqual(r1);
    expect(r1.releasedIsBest).toBe(true);
    expect(r1.inflation).toBeGreaterThan(0);
    expect(r1.adjusted).toBeCloseTo(1210 - r1.inflation, 9);
    expect(winnersCurse(v, "b").releasedIsBest).toBe(false);
  });

  it("matches s·E[max of k normals] when the variants are indistinguishable", () => {
    // Identical estimates: τ̂ = 0, so the plug-in is the expected maximum of k standard normals times s.
    const expectedMax: Record<number, number> = { 2: 0.5642, 5: 1.163 };
    for (const k of [2, 5]) {
      const r = winnersCurse(variants(Array(k).fill(1200), 10), "v0", { rounds: 20000, bootstrapRounds: 0 });
      expect(r.prior.tau).toBe(0);
      expect(r.plugin / 10).toBeCloseTo(expectedMax[k]!, 1);
    }
  });

  it("is small when the variants' gaps are real (spread far above the noise)", () => {
    const r = winnersCurse(variants([1300, 1200, 1100, 1000], 5), "v0");
    expect(r.prior.tau).toBeGreaterThan(100);
    expect(r.inflation).toBeLessThan(0.5);
  });

  it("bounds the work", () => {
    const r = winnersCurse(
      variants(
        Array.from({ length: 20 }, (_, i) => 1200 + i),
        8,
      ),
      "v19",
      { rounds: 1e6, bootstrapRounds: 200 },
    );
    expect(20 * r.rounds * (1 + r.bootstrapRounds)).toBeLessThanOrEqual(MAX_WORK);
  });

  it("rejects a released id that is not a variant, and a variant without an se or interval", () => {
    expect(() => winnersCurse(variants([1, 2], 1), "nope")).toThrow(/not among/);
    expect(() =>
      winnersCurse(
        [
          { id: "a", estimate: 1 },
          { id: "b", estimate: 2, se: 1 },
        ],
        "a",
      ),
    ).toThrow(/se/);
  });

  it("fits the family level and spread (DerSimonian–Laird, equal s)", () => {
    const f = fitFamily([10, 20, 30], [5, 5, 5]);
    expect(f.mean).toBeCloseTo(20, 9);
    expect(f.tau2).toBeCloseTo(100 - 25, 9); // sample variance − s²
  });

  it("is calibrated on simulated families (light version of the bench)", () => {
    // Known truth: θ_i = 1200 + τ·z, y_i = θ_i + s_i·e, release argmax y. Mean estimate within 20% of the truth.
    for (const [k, tau] of [
      [5, 0],
      [10, 5],
    ] as const) {
      const rng = Rng.fromKey(`test|${k}|${tau}`);
      const s = Array.from({ length: k }, () => 5 + 7 * rng.next());
      const truth = simulateInflation(tau, s, 40000, Rng.fromKey(`truth|${k}|${tau}`));
      const worlds = 60;
      let mean = 0;
      for (let w = 0; w < worlds; w++) {
        const v: VariantEstimate[] = s.map((si, i) => ({
          id: `v${i}`,
          estimate: 1200 + tau * rng.normal() + si * rng.normal(),
          se: si,
        }));
        const best = v.reduce((b, x) => (x.estimate > b.estimate ? x : b));
        mean += winnersCurse(v, best.id, { seed: w, rounds: 400, bootstrapRounds: 50 }).inflation / worlds;
      }
      expect(Math.abs(mean / truth - 1)).toBeLessThan(0.2);
    }
  });

  it("k = 2: full curse for a gap within the noise, none for a gap far above it, calibrated for every spread", () => {
    const s1 = 6;
    const s2 = 9;
    const sigma0 = Math.hypot(s1, s2);
    const i0 = sigma0 / Math.sqrt(2 * Math.PI); // I(0), the most choosing the best of two can inflate
    expect(pairInflation(1200, 1200 + 0.5 * sigma0, s1, s2)).toBeCloseTo(i0, 9);
    expect(pairInflation(1200, 1200 + PAIR_RAMP_END * sigma0, s1, s2)).toBe(0);
    const r = winnersCurse(
      [
        { id: "a", estimate: 1210, se: s1 },
        { id: "b", estimate: 1200, se: s2 },
      ],
      "a",
    );
    expect(r.inflation).toBeCloseTo(pairInflation(1210, 1200, s1, s2), 9);
    expect(r.se).toBeGreaterThan(0);
    // Exact expectation over the gap d ~ N(0, 2τ² + σ₀²) against the true I(τ) = σ₀²/(√(2π)·σ_d), for spreads from
    // none to 50× the noise: the relative bias stays within ±17% (the bootstrap estimator's reached +52%).
    for (const tau of [0, 3, 8, 15, 30, 80, 400]) {
      const sd = Math.sqrt(2 * tau * tau + sigma0 * sigma0);
      const truth = (sigma0 * sigma0) / (Math.sqrt(2 * Math.PI) * sd);
      let mean = 0;
      const steps = 20000;
      const h = (12 * sd) / steps;
      for (let n = 0; n < steps; n++) {
        const d = (n + 0.5) * h; // |d|, density 2φ(d/sd)/sd
        mean += (pairInflation(d, 0, s1, s2) * 2 * Math.exp(-0.5 * (d / sd) ** 2) * h) / (sd * Math.sqrt(2 * Math.PI));
      }
      expect(Math.abs(mean / truth - 1)).toBeLessThan(0.17);
    }
  });
});
