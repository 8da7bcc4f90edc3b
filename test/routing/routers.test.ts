// Issue 14 acceptance on the synthetic generator (bench/router-synthetic.ts), artifacts, calibration, determinism
// and the per-prompt leaderboard. Sizes are small and fixed so the file runs in a few seconds.
import { describe, expect, it } from "vitest";
import {
  SYNTH_CHATTY,
  SYNTH_CODER,
  SYNTH_PRICES,
  SYNTH_STRONG,
  SYNTH_WEAK,
  syntheticConversations,
} from "../../bench/router-synthetic";
import {
  ARTIFACT_SCHEMA,
  benchRouters,
  calibrateArtifact,
  calibrateThreshold,
  estimateWork,
  hashedEmbedding,
  loadRouter,
  maxBattlesWithin,
  routerBattleFromRow,
  splitBattles,
  strongUtility,
  trainRouter,
  type LoadedP2l,
  type RouterArtifact,
  type RouterBattle,
} from "../../shared/routing/index";
import { embedder, pair, synthetic } from "./helpers";

const TRAIN = { calibrationPrompts: 300, mf: { epochs: 8 } };

describe("acceptance on synthetic conversations", async () => {
  const { battles, embeddings } = await synthetic(3000, 5);
  const res = benchRouters(battles, embeddings, { ...pair, embedder, seed: 5, testShare: 0.3, train: TRAIN });
  const by = Object.fromEntries(res.routers.map((r) => [r.router, r]));

  it("prints the bench shape", () => {
    expect(res.schema).toBe("arena-router-bench/v1");
    expect(res.train + res.test).toBeLessThanOrEqual(3000);
    expect(res.test).toBeGreaterThan(400);
    expect(res.routers.map((r) => r.router)).toEqual(["random", "category", "sw_ranking", "mf", "p2l"]);
    for (const r of res.routers) {
      expect(Object.keys(r)).toEqual(["router", "apgr", "cpt", "curve"]);
      expect(r.curve).toHaveLength(11);
      expect(r.curve[0]).toEqual([0, 0]);
      expect(r.curve[10]).toEqual([1, 1]);
    }
  });
  it("random has APGR ≈ 0.5", () => {
    expect(by.random!.apgr).toBeGreaterThan(0.4);
    expect(by.random!.apgr).toBeLessThan(0.6);
  });
  it("the best learned router has APGR ≥ 0.62 and CPT(50%) < 0.5", () => {
    const learned = res.routers.filter((r) => r.router !== "random");
    const best = learned.reduce((a, b) => (b.apgr > a.apgr ? b : a));
    expect(best.apgr).toBeGreaterThanOrEqual(0.62);
    expect(best.cpt["50"]).not.toBeNull();
    expect(best.cpt["50"]!).toBeLessThan(0.5);
    // Each embedding router beats random on its own too.
    for (const name of ["sw_ranking", "mf", "p2l"]) expect(by[name]!.apgr).toBeGreaterThan(0.62);
  });
});

describe("random router", () => {
  it("averages APGR 0.5 over seeds", async () => {
    const apgrs: number[] = [];
    // random reads no embedding; large held-out sets keep the PGR ratio's noise down.
    for (const seed of [1, 2, 3, 4]) {
      const battles = syntheticConversations({ n: 6000, seed }).map(
        (r) => (routerBattleFromRow(r) as { ok: true; battle: RouterBattle }).battle,
      );
      apgrs.push(
        benchRouters(battles, [], { ...pair, embedder, seed, routers: ["random"], testShare: 0.5 }).routers[0]!.apgr,
      );
    }
    const mean = apgrs.reduce((a, b) => a + b, 0) / apgrs.length;
    expect(mean).toBeGreaterThan(0.44);
    expect(mean).toBeLessThan(0.56);
  });
  it("is a function of the prompt", () => {
    const r = loadRouter(trainRouter("random", [], [], { ...pair, embedder }));
    const e = new Float32Array(0);
    expect(r.score("hello", e)).toBe(r.score("hello", e));
    expect(r.score("hello", e)).not.toBe(r.score("hello!", e));
  });
});

describe("calibration", async () => {
  const { battles, embeddings } = await synthetic(2000, 9);
  const idx = splitBattles(
    battles.map((_, i) => i),
    0.3,
    9,
  );
  const train = idx.train.map((i) => battles[i]!);
  const trainEmb = idx.train.map((i) => embeddings[i]!);
  // Held-out prompts, each once.
  const seen = new Set<string>();
  const test = idx.test.filter((i) => !seen.has(battles[i]!.prompt) && seen.add(battles[i]!.prompt));

  it("calibrateThreshold sends exactly the share without ties", () => {
    const scores = Array.from({ length: 100 }, (_, i) => i / 100);
    for (const f of [0, 0.2, 0.5, 0.8, 1]) {
      const t = calibrateThreshold(scores, f);
      expect(scores.filter((s) => s >= t).length).toBe(Math.round(f * 100));
    }
    expect(() => calibrateThreshold(scores, 1.5)).toThrow(RangeError);
  });
  for (const name of ["mf", "sw_ranking", "p2l"] as const) {
    it(`${name}: the artifact's thresholds send the requested share of held-out prompts to strong (±5 points)`, () => {
      const art = trainRouter(name, train, trainEmb, { ...pair, embedder, seed: 9, ...TRAIN, calibrationPrompts: 500 });
      const r = loadRouter(art);
      const scores = test.map((i) => r.score(battles[i]!.prompt, embeddings[i]!));
      for (const share of ["0.2", "0.5", "0.8"] as const) {
        const sent = scores.filter((s) => s >= art.thresholds[share]).length / scores.length;
        expect(Math.abs(sent - Number(share))).toBeLessThanOrEqual(0.05);
      }
    });
  }
});

describe("artifacts", async () => {
  const { battles, embeddings } = await synthetic(800, 3);
  const opts = { ...pair, embedder, seed: 4, trainedAt: "2026-12-01T00:00:00.000Z", ...TRAIN };

  it("are deterministic for a seed and JSON round-trip to the same scores", () => {
    for (const name of ["random", "category", "sw_ranking", "mf", "p2l"] as const) {
      const a = trainRouter(name, battles, embeddings, opts);
      const b = trainRouter(name, battles, embeddings, opts);
      const text = JSON.stringify(a);
      expect(JSON.stringify(b)).toBe(text);
      const back = JSON.parse(text) as RouterArtifact;
      expect(back.schema).toBe(ARTIFACT_SCHEMA);
      expect(Object.keys(back)).toEqual([
        "schema",
        "router",
        "strong",
        "weak",
        "trainedAt",
        "battles",
        "embedder",
        "thresholds",
        "params",
        "calibration",
      ]);
      expect(back.calibration.prompts).toBe(back.calibration.scores.length);
      expect(calibrateArtifact(back, 0.5).threshold).toBe(back.thresholds["0.5"]);
      const r1 = loadRouter(a);
      const r2 = loadRouter(back);
      for (let i = 0; i < 20; i++) {
        const s = r1.score(battles[i]!.prompt, embeddings[i]!);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1);
        expect(r2.score(battles[i]!.prompt, embeddings[i]!)).toBe(s);
      }
    }
  });
  it("mf depends on the seed", () => {
    const a = trainRouter("mf", battles, embeddings, opts);
    const b = trainRouter("mf", battles, embeddings, { ...opts, seed: 5 });
    expect(JSON.stringify(a.params)).not.toBe(JSON.stringify(b.params));
  });
  it("stay compact: int8 embeddings, capped", () => {
    const a = trainRouter("sw_ranking", battles, embeddings, { ...opts, maxStored: 500 });
    expect(a.params.store.a).toHaveLength(500);
    // ≤ ~450 bytes per stored battle with 256-dim embeddings.
    expect(JSON.stringify(a).length).toBeLessThan(500 * 450);
  });
  it("caps training to the latest battles and estimates work", () => {
    const a = trainRouter("category", battles, embeddings, { ...opts, maxBattles: 100 });
    expect(a.battles).toBe(100);
    expect(estimateWork("mf", 1_000_000, 256)).toBe(estimateWork("mf", 20_000, 256));
    const budget = estimateWork("mf", 5000, 256, { maxBattles: 5000 });
    expect(maxBattlesWithin("mf", budget, 256)).toBe(5000);
  });
  it("reject malformed artifacts and wrong embedding sizes", () => {
    const a = trainRouter("mf", battles, embeddings, opts);
    expect(() => loadRouter({ ...a, schema: "x" } as unknown as RouterArtifact)).toThrow(/arena-router\/v1/);
    expect(() => loadRouter({ ...a, router: "bert" } as unknown as RouterArtifact)).toThrow(/unknown router/);
    expect(() => loadRouter(a).score("x", new Float32Array(3))).toThrow(/expected 256/);
    expect(() => trainRouter("mf", battles, embeddings.slice(1), opts)).toThrow(/embeddings for/);
    expect(() => trainRouter("mf", battles, embeddings, { ...opts, weak: pair.strong })).toThrow(/different/);
  });
});

describe("category router", async () => {
  const { battles } = await synthetic(1500, 2);
  it("gives coding prompts a higher strong rate than greetings, smoothed toward the overall rate", () => {
    const a = trainRouter("category", battles, [], { ...pair, embedder });
    const r = loadRouter(a);
    const e = new Float32Array(0);
    expect(r.score("Write a Python function that parses json", e)).toBeGreaterThan(r.score("hi", e));
    const n = battles.filter((b) => strongUtility(b, SYNTH_STRONG, SYNTH_WEAK) !== null).length;
    expect(Object.values(a.params.rates).reduce((s, x) => s + x.battles, 0)).toBe(n);
    for (const x of Object.values(a.params.rates)) expect(x.rate).toBeGreaterThan(0);
  });
});

describe("p2l: per-prompt leaderboard and cost-aware pick", async () => {
  const { battles, embeddings } = await synthetic(2500, 6);
  const p2l = loadRouter(trainRouter("p2l", battles, embeddings, { ...pair, embedder, ...TRAIN })) as LoadedP2l;
  const coding = hashedEmbedding("Write a Python function that sorts a linked list with a hash map");
  const greeting = hashedEmbedding("hello there, how are you");

  it("ranks the models in the direction the generator set", () => {
    const rank = (board: { model: string }[], m: string) => board.findIndex((e) => e.model === m);
    const cb = p2l.leaderboard(coding);
    const gb = p2l.leaderboard(greeting);
    expect(cb).toHaveLength(4);
    expect(rank(cb, SYNTH_CODER)).toBeLessThan(rank(cb, SYNTH_CHATTY));
    expect(rank(cb, SYNTH_STRONG)).toBeLessThan(rank(cb, SYNTH_WEAK));
    expect(rank(gb, SYNTH_CHATTY)).toBeLessThan(rank(gb, SYNTH_CODER));
    expect(p2l.score("", coding)).toBeGreaterThan(p2l.score("", greeting));
    for (const e of cb) {
      expect(e.rating).toBeCloseTo(1000 + (400 / Math.LN10) * e.theta, 6);
      expect(e.lower).toBeLessThan(e.rating);
      expect(e.upper).toBeGreaterThan(e.rating);
      expect(e.upper - e.lower).toBeLessThan(400);
    }
    // The coding board's strong-vs-chatty gap is clear of the intervals.
    const top = cb.find((e) => e.model === SYNTH_STRONG)!;
    const low = cb.find((e) => e.model === SYNTH_CHATTY)!;
    expect(top.lower).toBeGreaterThan(low.upper);
  });
  it("picks the best affordable model", () => {
    expect(p2l.pick(coding, SYNTH_PRICES)?.model).toBe(cbTop());
    expect(p2l.pick(coding, SYNTH_PRICES, 5)?.model).toBe(SYNTH_CODER);
    expect(p2l.pick(greeting, SYNTH_PRICES, 0.3)?.model).toBe(SYNTH_CHATTY);
    expect(p2l.pick(coding, SYNTH_PRICES, 0.1)).toBeNull();
    expect(p2l.pick(coding, SYNTH_PRICES, 100, new Set([SYNTH_WEAK]))?.model).toBe(SYNTH_WEAK);
  });
  function cbTop(): string {
    return p2l.leaderboard(coding)[0]!.model;
  }
});
