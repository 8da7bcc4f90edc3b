// shared/battle/sampling.ts: weighted pair sampling for anonymous battles. The recorded probability of the unordered pair
// feeds inverse-probability weighting (`--ipw`), so it must be exact; A/B is a fair coin (DESIGN invariants 1 and 4).
import { describe, expect, it } from "vitest";
import type { ModelRecord } from "../../shared/models";
import { samplePair, type SamplingOptions } from "../../shared/battle/sampling";
import { DAY_MS, makeModel, mulberry32, NOW, scripted } from "../model-fixtures";

const opts = (random?: () => number, extra: Partial<SamplingOptions> = {}): SamplingOptions => ({
  now: NOW,
  newModelBoost: 1,
  newModelBoostDays: 14,
  random,
  ...extra,
});

const pairKey = (x: string, y: string) => [x, y].sort().join("+");

interface Tally {
  draws: number;
  pairs: Map<string, { count: number; probabilities: Set<number> }>;
  onA: Map<string, number>;
  appearances: Map<string, number>;
  sameModel: number;
}

function tally(pool: readonly ModelRecord[], n: number, o: SamplingOptions): Tally {
  const t: Tally = { draws: n, pairs: new Map(), onA: new Map(), appearances: new Map(), sameModel: 0 };
  for (let k = 0; k < n; k++) {
    const s = samplePair(pool, o);
    if (!s) throw new Error("samplePair returned null for a pool with valid pairs");
    if (s.a.id === s.b.id) t.sameModel++;
    const key = pairKey(s.a.id, s.b.id);
    const entry = t.pairs.get(key) ?? { count: 0, probabilities: new Set<number>() };
    entry.count++;
    entry.probabilities.add(Number(s.probability.toFixed(12)));
    t.pairs.set(key, entry);
    t.onA.set(s.a.id, (t.onA.get(s.a.id) ?? 0) + 1);
    for (const id of [s.a.id, s.b.id]) t.appearances.set(id, (t.appearances.get(id) ?? 0) + 1);
  }
  return t;
}

/** Five standard errors of a proportion: loose enough for a seeded run, tight enough to catch a wrong formula. */
const tolerance = (p: number, n: number) => 5 * Math.sqrt((p * (1 - p)) / n) + 1e-9;

describe("samplePair: which pairs can be drawn", () => {
  it("returns null when fewer than two usable models exist", () => {
    expect(samplePair([], opts())).toBeNull();
    expect(samplePair([makeModel("solo")], opts())).toBeNull();
    expect(samplePair([makeModel("a"), makeModel("z", { samplingWeight: 0 })], opts())).toBeNull();
    expect(
      samplePair(
        [
          makeModel("p", { visibility: "private", codename: "P" }),
          makeModel("q", { visibility: "private", codename: "Q" }),
        ],
        opts(),
      ),
    ).toBeNull();
  });

  it("pairs the only two usable models with probability 1", () => {
    const s = samplePair(
      [makeModel("a"), makeModel("p", { visibility: "private", codename: "P" })],
      opts(mulberry32(1)),
    );
    expect(s).not.toBeNull();
    expect(pairKey(s!.a.id, s!.b.id)).toBe("a+p");
    expect(s!.probability).toBeCloseTo(1, 12);
  });

  it("never draws a zero-weight (or negative-weight) model, even at the extremes of the random source", () => {
    const pool = [
      makeModel("zero-first", { samplingWeight: 0 }),
      makeModel("a"),
      makeModel("b"),
      makeModel("negative", { samplingWeight: -3 }),
      makeModel("zero-last", { samplingWeight: 0 }),
    ];
    for (const r of [0, 1 - 1e-12, 0.5]) {
      const s = samplePair(
        pool,
        opts(() => r),
      );
      expect(s).not.toBeNull();
      expect(pairKey(s!.a.id, s!.b.id)).toBe("a+b");
    }
  });
});

describe("samplePair: recorded probability", () => {
  // Weights 1, 2, 3. P({x,y}) = w_x/6 · w_y/(6−w_x) + w_y/6 · w_x/(6−w_y):
  //   {a,b} = 1/6·2/5 + 2/6·1/4 = 3/20;  {a,c} = 1/6·3/5 + 3/6·1/3 = 4/15;  {b,c} = 2/6·3/4 + 3/6·2/3 = 7/12.
  const pool = [
    makeModel("a", { samplingWeight: 1 }),
    makeModel("b", { samplingWeight: 2 }),
    makeModel("c", { samplingWeight: 3 }),
  ];
  const exact: Record<string, number> = { "a+b": 3 / 20, "a+c": 4 / 15, "b+c": 7 / 12 };

  // Random values that land in each model's slice of the first draw (cumulative weights 1, 3, 6 of 6).
  const firstPick: Record<string, number> = { a: 0.1, b: 0.3, c: 0.9 };
  // For the second draw the first model's weight is 0; these land in the requested partner's slice.
  const secondPick: Record<string, Record<string, number>> = {
    a: { b: 0.1, c: 0.9 }, // partners b (2) and c (3) of 5
    b: { a: 0.1, c: 0.9 }, // partners a (1) and c (3) of 4
    c: { a: 0.1, b: 0.9 }, // partners a (1) and b (2) of 3
  };

  for (const first of ["a", "b", "c"]) {
    for (const second of ["a", "b", "c"].filter((x) => x !== first)) {
      it(`is exact for {${first},${second}} when ${first} is drawn first`, () => {
        const s = samplePair(pool, opts(scripted([firstPick[first]!, secondPick[first]![second]!, 0.25])));
        expect(s).not.toBeNull();
        const key = pairKey(s!.a.id, s!.b.id);
        expect(key).toBe(pairKey(first, second));
        expect(s!.probability).toBeCloseTo(exact[key]!, 12);
      });
    }
  }

  it("matches the empirical pair frequencies over 20k seeded draws", () => {
    const n = 20_000;
    const t = tally(pool, n, opts(mulberry32(12345)));
    expect([...t.pairs.keys()].sort()).toEqual(Object.keys(exact).sort());
    for (const [key, { count, probabilities }] of t.pairs) {
      // The same pair is always recorded with the same probability, whichever model was drawn first.
      expect(probabilities.size).toBe(1);
      const recorded = [...probabilities][0]!;
      expect(recorded).toBeCloseTo(exact[key]!, 10);
      expect(Math.abs(count / n - recorded)).toBeLessThan(tolerance(recorded, n));
    }
  });

  it("never pairs two private models, and the recorded probabilities of all drawn pairs sum to 1", () => {
    // Public a, b (weight 1) and private p, q (weight 2), plus a zero-weight model. Total weight 6.
    //   {a,b} = 2 · 1/6 · 1/5 = 1/15;  {a,p} = 1/6 · 2/5 + 2/6 · 1/2 = 7/30 (same for {a,q}, {b,p}, {b,q});  {p,q} = 0.
    const mixed = [
      makeModel("a"),
      makeModel("b"),
      makeModel("p", { visibility: "private", codename: "Kestrel", samplingWeight: 2 }),
      makeModel("q", { visibility: "private", codename: "Merlin", samplingWeight: 2 }),
      makeModel("z", { samplingWeight: 0 }),
    ];
    const expected: Record<string, number> = {
      "a+b": 1 / 15,
      "a+p": 7 / 30,
      "a+q": 7 / 30,
      "b+p": 7 / 30,
      "b+q": 7 / 30,
    };
    const n = 20_000;
    const t = tally(mixed, n, opts(mulberry32(777)));
    expect(t.sameModel).toBe(0);
    expect(t.pairs.has("p+q")).toBe(false);
    expect(t.appearances.has("z")).toBe(false);
    expect([...t.pairs.keys()].sort()).toEqual(Object.keys(expected).sort());
    let sum = 0;
    for (const [key, { count, probabilities }] of t.pairs) {
      expect(probabilities.size).toBe(1);
      const recorded = [...probabilities][0]!;
      expect(recorded).toBeCloseTo(expected[key]!, 10);
      expect(Math.abs(count / n - recorded)).toBeLessThan(tolerance(recorded, n));
      sum += recorded;
    }
    expect(sum).toBeCloseTo(1, 10);
  });
});

describe("samplePair: A/B position", () => {
  it("puts each model on side A about half of the time, whatever its weight", () => {
    // Without the coin, the heavy model "c" would be drawn first (side A) in about 59% of its battles.
    const pool = [
      makeModel("a", { samplingWeight: 1 }),
      makeModel("b", { samplingWeight: 2 }),
      makeModel("c", { samplingWeight: 3 }),
    ];
    const n = 20_000;
    const t = tally(pool, n, opts(mulberry32(2024)));
    for (const id of ["a", "b", "c"]) {
      const seen = t.appearances.get(id)!;
      const share = (t.onA.get(id) ?? 0) / seen;
      expect(Math.abs(share - 0.5)).toBeLessThan(tolerance(0.5, seen));
    }
  });
});

describe("samplePair: new-model boost", () => {
  const pool = (createdDaysAgo: number) => [
    makeModel("a"),
    makeModel("b"),
    makeModel("fresh", { createdAt: NOW - createdDaysAgo * DAY_MS }),
  ];
  // Draw a then b: the pair {a,b} whose probability depends on how much "fresh" weighs.
  const drawAB = () => scripted([0, 0, 0.25]);

  it("multiplies the weight of a model created within newModelBoostDays", () => {
    // fresh weighs 4: {a,b} = 2 · 1/6 · 1/5 = 1/15.
    const s = samplePair(pool(3), opts(drawAB(), { newModelBoost: 4, newModelBoostDays: 14 }));
    expect(pairKey(s!.a.id, s!.b.id)).toBe("a+b");
    expect(s!.probability).toBeCloseTo(1 / 15, 12);
  });

  it("does not boost a model older than newModelBoostDays", () => {
    // All weigh 1: {a,b} = 1/3.
    const s = samplePair(pool(30), opts(drawAB(), { newModelBoost: 4, newModelBoostDays: 14 }));
    expect(pairKey(s!.a.id, s!.b.id)).toBe("a+b");
    expect(s!.probability).toBeCloseTo(1 / 3, 12);
  });

  it("makes a new model appear in battles correspondingly more often", () => {
    // fresh weighs 4 of 6: it is in every pair except {a,b}, i.e. in 14/15 of battles (2/3 without the boost).
    const n = 20_000;
    const t = tally(pool(1), n, opts(mulberry32(99), { newModelBoost: 4, newModelBoostDays: 14 }));
    const share = (t.appearances.get("fresh") ?? 0) / n;
    expect(Math.abs(share - 14 / 15)).toBeLessThan(tolerance(14 / 15, n));
  });
});

describe("samplePair probability bounds", () => {
  it("never records a probability above 1 (two usable models with awkward weights)", () => {
    for (const [wa, wb] of [
      [1, 3.1],
      [0.5, 3.6],
      [0.1, 0.7],
    ] as const) {
      const pair = samplePair(
        [makeModel("x", { samplingWeight: wa }), makeModel("y", { samplingWeight: wb })],
        opts(mulberry32(3)),
      );
      expect(pair!.probability).toBeLessThanOrEqual(1);
      expect(pair!.probability).toBeCloseTo(1, 12);
    }
  });
});
