// The paper's alternatives: sandwich intervals, Bonferroni-corrected intervals, inverse-probability weighting.
import { describe, expect, it } from "vitest";
import { computeBoard } from "../../../shared/ratings/board";
import { normalCdf, normalQuantile } from "../../../shared/ratings/linalg";
import { goldenTable, syntheticTable, tableFromRows, type Row } from "./helpers";

describe("normal quantile", () => {
  it("matches known values", () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 7);
    expect(normalQuantile(1 - 0.05 / 106)).toBeCloseTo(3.3064, 3);
    expect(normalCdf(1)).toBeCloseTo(0.8413447, 6);
  });
});

describe("sandwich intervals", () => {
  const table = goldenTable();
  it("agree with the bootstrap widths on the golden board", () => {
    const bs = computeBoard(table, { name: "overall", bootstrap: 100 });
    const sw = computeBoard(table, { name: "overall", bootstrap: 0, ci: "sandwich" });
    expect(sw.method.ci).toBe("sandwich");
    expect(sw.method.bootstrapRounds).toBe(0);
    expect(Array.from(sw.raw.ratings)).toEqual(Array.from(bs.raw.ratings));
    const ratios: number[] = [];
    for (let k = 0; k < sw.raw.models.length; k++) {
      if ((sw.raw.votes[k] as number) < 3000) continue;
      const wS = (sw.raw.upper![k] as number) - (sw.raw.lower![k] as number);
      const wB = (bs.raw.upper![k] as number) - (bs.raw.lower![k] as number);
      ratios.push(wS / wB);
      expect(sw.raw.lower![k]).toBeLessThan(sw.raw.ratings[k] as number);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)] as number;
    console.log(
      `sandwich/bootstrap width ratio: median ${median.toFixed(3)}, range ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)}`,
    );
    expect(median).toBeGreaterThan(0.8);
    expect(median).toBeLessThan(1.25);
  });

  it("has zero width for the anchor model and covers the truth ~95% on synthetic data", () => {
    const anchored = computeBoard(table, {
      name: "overall",
      bootstrap: 0,
      ci: "sandwich",
      anchor: { model: table.models[0]!, rating: 1100 },
    });
    const a = anchored.models.find((m) => m.model === table.models[0])!;
    expect(a.ci).toEqual([1100, 1100]);
    let covered = 0;
    let total = 0;
    for (let draw = 0; draw < 20; draw++) {
      const { table: t, truth } = syntheticTable(20, 20_000, 5000 + draw, { spread: 250 });
      const b = computeBoard(t, { name: "overall", ci: "sandwich", elo: false });
      for (let k = 0; k < truth.length; k++) {
        const v = truth[k] as number;
        if ((b.raw.lower![k] as number) <= v && v <= (b.raw.upper![k] as number)) covered++;
        total++;
      }
    }
    console.log(`sandwich coverage ${covered}/${total}`);
    expect(covered / total).toBeGreaterThanOrEqual(0.85);
    expect(covered / total).toBeLessThanOrEqual(0.99);
  });
});

describe("Bonferroni correction", () => {
  it("widens every interval to level 1 − α/models and never raises a rank", () => {
    const table = goldenTable();
    for (const ci of ["sandwich", "bootstrap"] as const) {
      const plain = computeBoard(table, { name: "overall", ci, bootstrap: 100 });
      const bonf = computeBoard(table, { name: "overall", ci, bootstrap: 100, correction: "bonferroni" });
      expect(bonf.method.perIntervalLevel).toBeCloseTo(1 - 0.05 / 53, 12);
      for (let k = 0; k < plain.raw.models.length; k++) {
        expect(bonf.raw.lower![k]).toBeLessThanOrEqual(plain.raw.lower![k] as number);
        expect(bonf.raw.upper![k]).toBeGreaterThanOrEqual(plain.raw.upper![k] as number);
      }
      const rank = (b: typeof plain) => Object.fromEntries(b.models.map((m) => [m.model, m.rank]));
      const r0 = rank(plain);
      const r1 = rank(bonf);
      for (const m of Object.keys(r0)) expect(r1[m]).toBeLessThanOrEqual(r0[m] as number);
    }
  });
});

describe("inverse-probability weighting", () => {
  const rows: Row[] = [
    ["A", "B", "model_a"],
    ["A", "B", "model_a"],
    ["B", "A", "model_a"],
    ["B", "C", "model_a"],
    ["C", "B", "tie"],
    ["C", "A", "model_a"],
    ["A", "C", "model_b"],
    ["A", "C", "model_a"],
  ];
  const probs = [0.5, 1, 1, 0.25, 1, 0.5, 1, 1];

  it("equals duplicating each row 1/p times (up to the scale of the weights)", () => {
    const t = tableFromRows(rows);
    t.samplingProbability = Float64Array.from(probs);
    const w = computeBoard(t, { name: "overall", bootstrap: 0, ipw: true });
    expect(w.method.ipw).toBe(true);
    const dup: Row[] = [];
    rows.forEach((r, i) => {
      for (let k = 0; k < Math.round(1 / (probs[i] as number)); k++) dup.push(r);
    });
    const d = computeBoard(tableFromRows(dup), { name: "overall", bootstrap: 0 });
    for (let k = 0; k < 3; k++) expect(w.raw.ratings[k]).toBeCloseTo(d.raw.ratings[k] as number, 8);
    // Votes stay raw battle counts.
    expect(w.models.reduce((a, m) => a + m.votes, 0)).toBe(2 * rows.length);
  });

  it("is a no-op with equal probabilities, and reported off without probabilities; bootstrap stays deterministic", () => {
    const t = tableFromRows(rows);
    const plain = computeBoard(t, { name: "overall", bootstrap: 50 });
    const none = computeBoard(t, { name: "overall", bootstrap: 50, ipw: true });
    expect(none.method.ipw).toBe(false);
    expect(none.models).toEqual(plain.models);
    t.samplingProbability = new Float64Array(rows.length).fill(0.2);
    const eq = computeBoard(t, { name: "overall", bootstrap: 50, ipw: true });
    expect(eq.method.ipw).toBe(true);
    for (let k = 0; k < 3; k++) {
      expect(eq.raw.ratings[k]).toBeCloseTo(plain.raw.ratings[k] as number, 9);
      expect(eq.raw.lower![k]).toBeCloseTo(plain.raw.lower![k] as number, 6);
    }
  });
});
