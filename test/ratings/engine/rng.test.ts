// shared/ratings/rng.ts and multinomial.ts: determinism and the distribution of the binomial sampler.
import { describe, expect, it } from "vitest";
import { binomial, multinomial } from "../../../shared/ratings/multinomial";
import { hashString32, Rng } from "../../../shared/ratings/rng";

describe("Rng", () => {
  it("is deterministic per key and differs across keys", () => {
    const a = Rng.fromKey("0|overall|1");
    const b = Rng.fromKey("0|overall|1");
    const c = Rng.fromKey("0|overall|2");
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(hashString32("abc")).not.toBe(hashString32("abd"));
  });

  it("gives uniforms in [0,1) with mean ½ and variance 1/12", () => {
    const r = new Rng(42);
    let s = 0;
    let s2 = 0;
    const n = 200_000;
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (!(u >= 0 && u < 1)) bad++;
      s += u;
      s2 += u * u;
    }
    expect(bad).toBe(0);
    expect(s / n).toBeCloseTo(0.5, 2);
    expect(s2 / n - (s / n) ** 2).toBeCloseTo(1 / 12, 3);
  });
});

describe("binomial", () => {
  // Both regimes: inversion (n·p < 10) and BTRS (n·p ≥ 10), and p > ½ by symmetry.
  for (const [n, p] of [
    [20, 0.1],
    [1000, 0.005],
    [200, 0.3],
    [1_000_000, 0.0123],
    [5000, 0.8],
  ] as const) {
    it(`Bin(${n}, ${p}) has the right mean and variance`, () => {
      const r = new Rng(7);
      const draws = 40_000;
      let s = 0;
      let s2 = 0;
      let bad = 0;
      for (let i = 0; i < draws; i++) {
        const k = binomial(r, n, p);
        if (!(Number.isInteger(k) && k >= 0 && k <= n)) bad++;
        s += k;
        s2 += k * k;
      }
      expect(bad).toBe(0);
      const mean = s / draws;
      const v = s2 / draws - mean * mean;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(mean - n * p)).toBeLessThan((5 * sd) / Math.sqrt(draws));
      expect(v / (n * p * (1 - p))).toBeGreaterThan(0.95);
      expect(v / (n * p * (1 - p))).toBeLessThan(1.05);
    });
  }

  it("matches the exact pmf of Bin(60, 0.4) (chi-square)", () => {
    const n = 60;
    const p = 0.4;
    const r = new Rng(3);
    const draws = 100_000;
    const hist = new Float64Array(n + 1);
    for (let i = 0; i < draws; i++) hist[binomial(r, n, p)]! += 1;
    let lp = n * Math.log(1 - p);
    let chi = 0;
    let df = 0;
    for (let k = 0; k <= n; k++) {
      if (k > 0) lp += Math.log((n - k + 1) / k) + Math.log(p / (1 - p));
      const e = draws * Math.exp(lp);
      if (e < 5) continue;
      chi += ((hist[k] as number) - e) ** 2 / e;
      df++;
    }
    // df ≈ 25; the 99.9% point of chi-square(25) is ≈ 52.6.
    expect(chi).toBeLessThan(53);
  });
});

describe("multinomial", () => {
  it("preserves the total and is deterministic", () => {
    const w = Float64Array.from([5, 0, 1, 1000, 3, 0, 20]);
    const out1 = new Float64Array(w.length);
    const out2 = new Float64Array(w.length);
    multinomial(new Rng(1), 1029, w, out1);
    multinomial(new Rng(1), 1029, w, out2);
    expect(Array.from(out1)).toEqual(Array.from(out2));
    expect(out1.reduce((a, b) => a + b, 0)).toBe(1029);
    expect(out1[1]).toBe(0);
    expect(out1[5]).toBe(0);
  });

  it("has cell means total·w/Σw", () => {
    const w = Float64Array.from([1, 2, 3, 4, 90]);
    const out = new Float64Array(w.length);
    const sum = new Float64Array(w.length);
    const r = new Rng(9);
    const R = 5000;
    for (let i = 0; i < R; i++) {
      multinomial(r, 1000, w, out);
      for (let k = 0; k < w.length; k++) sum[k]! += out[k] as number;
    }
    for (let k = 0; k < w.length; k++) expect((sum[k] as number) / R).toBeCloseTo(((w[k] as number) / 100) * 1000, 0);
  });
});
