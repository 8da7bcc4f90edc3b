// shared/battle/active-sampling.ts: the paper's active rule with a floor, the probability recorded per battle, and
// the property that keeps `--ipw` correct: an IPW fit on actively sampled battles recovers the ratings uniform
// sampling over pairs would target, even when the truth is not Bradley–Terry (issue 16).
import { describe, expect, it } from "vitest";
import {
  activeGain,
  activePairProbabilities,
  activePairWeights,
  drawIndex,
  pairVariance,
  sampleActivePair,
  type PairCount,
} from "../../shared/battle/active-sampling";
import { computeBoard } from "../../shared/ratings/board";
import { POINTS_PER_LOGIT } from "../../shared/ratings/bt";
import { Rng } from "../../shared/ratings/rng";
import { emptyTable } from "../../shared/ratings/table";
import { makeModel, mulberry32, NOW } from "../model-fixtures";

const opts = { now: NOW, newModelBoost: 1, newModelBoostDays: 14 };

describe("activePairWeights", () => {
  it("follows sqrt(Σ/(n+1)) − sqrt(Σ/(n+2)) with a floor of ε/pairs, summing to 1", () => {
    const allowed = [
      { a: "x", b: "y" },
      { a: "x", b: "z" },
      { a: "y", b: "z" },
    ];
    const counts: PairCount[] = [
      { a: "y", b: "x", n: 100, variance: 4 }, // either orientation
      { a: "x", b: "z", n: 10, variance: 4 },
    ];
    const w = activePairWeights(allowed, counts, { floor: 0.3 });
    expect(w.map((p) => p.n)).toEqual([100, 10, 0]);
    const g = [activeGain(4, 100), activeGain(4, 10), activeGain(4, 0)];
    const total = g.reduce((s, x) => s + x, 0);
    w.forEach((p, k) => expect(p.probability).toBeCloseTo(0.7 * (g[k]! / total) + 0.1, 12));
    expect(w.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 12);
    for (const p of w) expect(p.probability).toBeGreaterThanOrEqual(0.3 / 3);
    // The unvoted pair gets the most; ε = 1 is uniform.
    expect(w[2]!.probability).toBeGreaterThan(w[1]!.probability);
    expect(w[1]!.probability).toBeGreaterThan(w[0]!.probability);
    for (const p of activePairWeights(allowed, counts, { floor: 1 })) expect(p.probability).toBeCloseTo(1 / 3, 12);
  });

  it("derives default variances from wins (logit scale by default, the paper's win-rate scale on request)", () => {
    expect(pairVariance(8, 8)).toBeCloseTo(1 / ((9 / 10) * (1 / 10)), 12);
    expect(pairVariance(8, 8, "win-rate")).toBeCloseTo((9 / 10) * (1 / 10), 12);
    const allowed = [
      { a: "x", b: "y" },
      { a: "x", b: "z" },
    ];
    // Same counts; the lopsided pair (x beat z 50-0) gets more under logit, less under win-rate.
    const counts: PairCount[] = [
      { a: "x", b: "y", n: 50, wins: 25 },
      { a: "x", b: "z", n: 50, wins: 50 },
    ];
    const logit = activePairWeights(allowed, counts);
    const rate = activePairWeights(allowed, counts, { scale: "win-rate" });
    expect(logit[1]!.probability).toBeGreaterThan(logit[0]!.probability);
    expect(rate[1]!.probability).toBeLessThan(rate[0]!.probability);
  });
});

describe("sampleActivePair", () => {
  it("only offers pairs the weighted policy allows (no two private models, weight 0 = off)", () => {
    const pool = [
      makeModel("pub1"),
      makeModel("pub2"),
      makeModel("off", { samplingWeight: 0 }),
      makeModel("priv1", { visibility: "private", codename: "c1" }),
      makeModel("priv2", { visibility: "private", codename: "c2" }),
    ];
    const w = activePairProbabilities(pool, [], opts);
    const keys = w.map((p) => [p.a, p.b].sort().join("+")).sort();
    expect(keys).toEqual(["priv1+pub1", "priv1+pub2", "priv2+pub1", "priv2+pub2", "pub1+pub2"]);
    expect(w.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 12);
  });

  it("records the pair's probability and shows pairs at that rate", () => {
    const pool = ["a", "b", "c", "d"].map((id) => makeModel(id));
    const counts: PairCount[] = [
      { a: "a", b: "b", n: 400, wins: 200 },
      { a: "a", b: "c", n: 40, wins: 20 },
      { a: "c", b: "d", n: 5, wins: 1 },
    ];
    const expected = new Map(
      activePairProbabilities(pool, counts, opts).map((p) => [[p.a, p.b].sort().join("+"), p.probability]),
    );
    const random = mulberry32(7);
    const seen = new Map<string, number>();
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const s = sampleActivePair(pool, counts, { ...opts, random })!;
      const k = [s.a.id, s.b.id].sort().join("+");
      expect(s.probability).toBeCloseTo(expected.get(k)!, 12);
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    for (const [k, p] of expected) {
      const sd = Math.sqrt((p * (1 - p)) / N);
      expect(Math.abs((seen.get(k) ?? 0) / N - p)).toBeLessThan(4 * sd);
    }
  });
});

describe("IPW under active sampling", () => {
  it("recovers the uniform-sampling ratings when the truth is not Bradley–Terry", () => {
    // Six models; P(i beats j) = σ(θ_i − θ_j + c_ij) with an intransitive cycle c (not BT), so the BT fit depends
    // on the pair mix: the target is the BT fit to equal votes per pair (uniform sampling over pairs).
    const M = 6;
    const names = Array.from({ length: M }, (_, i) => `m${i}`);
    const theta = [2.2, 1.2, 0.4, 0, -0.9, -2.2];
    const cyc = (i: number, j: number) => (j === (i + 1) % M ? 0.9 : i === (j + 1) % M ? -0.9 : 0);
    const pWin = (i: number, j: number) => 1 / (1 + Math.exp(-(theta[i]! - theta[j]! + cyc(i, j))));
    const pairs: [number, number][] = [];
    for (let i = 0; i < M; i++) for (let j = i + 1; j < M; j++) pairs.push([i, j]);

    // Target: BT fit to expected outcomes with 10,000 votes per pair (wins rounded to whole votes).
    const per = 10000;
    const target = emptyTable(pairs.length * per, names);
    let r = 0;
    for (const [i, j] of pairs) {
      const wins = Math.round(pWin(i, j) * per);
      for (let k = 0; k < per; k++, r++) {
        target.modelA[r] = i;
        target.modelB[r] = j;
        target.outcome[r] = k < wins ? 0 : 1;
      }
    }
    const want = computeBoard(target, { name: "t", bootstrap: 0, elo: false }).raw.ratings;

    const battles = 200000;
    const batch = 5000;
    const err = { ipw: 0, plain: 0 };
    const reps = 2;
    const meanIpw = new Float64Array(M);
    for (let rep = 0; rep < reps; rep++) {
      const rng = Rng.fromKey(`ipw-test|${rep}`);
      const t = emptyTable(battles, names);
      t.samplingProbability = new Float64Array(battles);
      const n = new Map<string, { n: number; wins: number }>();
      for (let b0 = 0; b0 < battles; b0 += batch) {
        const counts: PairCount[] = pairs.map(([i, j]) => ({
          a: names[i]!,
          b: names[j]!,
          ...(n.get(`${i}|${j}`) ?? { n: 0, wins: 0 }),
        }));
        const w = activePairWeights(
          pairs.map(([i, j]) => ({ a: names[i]!, b: names[j]! })),
          counts,
          { floor: 0.2 },
        );
        for (let b = b0; b < b0 + batch; b++) {
          const k = drawIndex(w, () => rng.next());
          const [i, j] = pairs[k]!;
          const win = rng.next() < pWin(i, j);
          t.modelA[b] = i;
          t.modelB[b] = j;
          t.outcome[b] = win ? 0 : 1;
          t.samplingProbability[b] = w[k]!.probability;
          const c = n.get(`${i}|${j}`) ?? { n: 0, wins: 0 };
          n.set(`${i}|${j}`, { n: c.n + 1, wins: c.wins + (win ? 1 : 0) });
        }
      }
      // The policy really is non-uniform (otherwise the test proves nothing).
      const ns = [...n.values()].map((c) => c.n);
      expect(Math.max(...ns) / Math.min(...ns)).toBeGreaterThan(1.3);
      const ipw = computeBoard(t, { name: "a", bootstrap: 0, elo: false, ipw: true });
      const plain = computeBoard(t, { name: "a", bootstrap: 0, elo: false });
      expect(ipw.method.ipw).toBe(true);
      for (let m = 0; m < M; m++) {
        meanIpw[m]! += (ipw.raw.ratings[m] as number) / reps;
        err.ipw = Math.max(err.ipw, Math.abs((ipw.raw.ratings[m] as number) - (want[m] as number)));
        err.plain = Math.max(err.plain, Math.abs((plain.raw.ratings[m] as number) - (want[m] as number)));
      }
    }
    // Averaged over replicates the IPW fit is on the uniform target (a few points: ~0.06 logits of sampling noise).
    for (let m = 0; m < M; m++) expect(Math.abs(meanIpw[m]! - want[m]!)).toBeLessThan(0.05 * POINTS_PER_LOGIT);
    // …and closer to it than the unweighted fit, whose target moved with the pair mix.
    // Seen: max error ipw 3.4–6.7 points vs unweighted 6.1–10.2 over three seed sets.
    expect(err.ipw).toBeLessThan(err.plain);
  });
});
