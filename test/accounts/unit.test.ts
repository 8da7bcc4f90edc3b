// Pure provider-side logic: the `provisional` rule and its inputs, lifecycle timestamps, key formats and hashing,
// upstream-key encryption, pair probabilities, private-results vote counts and the transparency report builder.
import { describe, expect, it } from "vitest";
import { nextLifecycle, transitionError } from "../../shared/models/lifecycle";
import { bearerToken, issueApiKey, keyPrefix, verifyApiKey } from "../../shared/accounts/keys";
import {
  buildPrivateResults,
  opponentResults,
  outcomeFor,
  PrivateResultsDocument,
  rankAgainst,
  voteCounts,
} from "../../shared/accounts/results";
import {
  DEFAULT_PROVISIONAL_POLICY,
  isProvisional,
  maxParallel,
  provisionalInputs,
  provisionalPolicy,
  testPeriod,
} from "../../shared/accounts/provisional";
import { pairProbabilities, samplePair } from "../../shared/battle/sampling";
import { buildTransparency } from "../../shared/accounts/transparency";
import { decryptUpstreamKey, encryptUpstreamKey, UpstreamKeyError } from "../../shared/accounts/upstream-keys";
import { DAY_MS, makeModel, mulberry32, NOW } from "../model-fixtures";

const SECRET = "unit-test-master-secret-0123456789";

describe("provisional rule", () => {
  it("counts the most periods in progress at one instant, back-to-back ones not overlapping", () => {
    const p = (start: number, end: number | null) => ({ start, end });
    expect(maxParallel([], 0, 100)).toBe(0);
    expect(maxParallel([p(0, 10), p(10, 20), p(20, 30)], 0, 100)).toBe(1);
    expect(maxParallel([p(0, 10), p(5, 20), p(8, null)], 0, 100)).toBe(3);
    expect(maxParallel([p(0, 10), p(5, 20), p(8, null)], 11, 100)).toBe(2); // the first ended before the window
    expect(maxParallel([p(0, 10), p(50, 60)], 20, 40)).toBe(0);
    expect(maxParallel([p(0, 10), p(5, 20)], -Infinity, Infinity)).toBe(2);
  });

  it("marks a release provisional while N is exceeded and M not yet reached", () => {
    const policy = DEFAULT_PROVISIONAL_POLICY;
    expect(policy).toEqual({ maxParallel: 10, minPostReleaseVotes: 2000, lookbackDays: 30 });
    expect(isProvisional({ parallelPrivateVariants: 11, postReleaseVotes: 1999 }, policy)).toBe(true);
    expect(isProvisional({ parallelPrivateVariants: 10, postReleaseVotes: 0 }, policy)).toBe(false);
    expect(isProvisional({ parallelPrivateVariants: 50, postReleaseVotes: 2000 }, policy)).toBe(false);
    expect(provisionalPolicy({ PROVISIONAL_MAX_PARALLEL: "3", PROVISIONAL_MIN_VOTES: "x" })).toEqual({
      maxParallel: 3,
      minPostReleaseVotes: 2000,
      lookbackDays: 30,
    });
  });

  it("looks from lookback days before the model's testing start to its release", () => {
    const released = NOW;
    const start = NOW - 20 * DAY_MS;
    const model = { testingStartedAt: start, releasedAt: released };
    // 12 siblings in parallel during the model's own testing, plus the model itself.
    const siblings = Array.from({ length: 12 }, (_, i) => ({ start: start + i * DAY_MS, end: released - DAY_MS }));
    const periods = [testPeriod(model)!, ...siblings];
    const inputs = provisionalInputs(model, periods, 150, DEFAULT_PROVISIONAL_POLICY, NOW + 5 * DAY_MS);
    expect(inputs).toEqual({ parallelPrivateVariants: 13, postReleaseVotes: 150 });
    expect(isProvisional(inputs, DEFAULT_PROVISIONAL_POLICY)).toBe(true);
    // Variants that all ended more than 30 days before the model started testing do not count.
    const old = Array.from({ length: 12 }, () => ({ start: start - 90 * DAY_MS, end: start - 31 * DAY_MS }));
    expect(
      provisionalInputs(model, [testPeriod(model)!, ...old], 0, DEFAULT_PROVISIONAL_POLICY, NOW)
        .parallelPrivateVariants,
    ).toBe(1);
    // A model released directly (never private) looks back from its release.
    const direct = { testingStartedAt: null, releasedAt: released };
    expect(testPeriod(direct)).toBeNull();
    expect(provisionalInputs(direct, siblings, 0, DEFAULT_PROVISIONAL_POLICY, NOW).parallelPrivateVariants).toBe(12);
    // A testing period ends at the release or the retirement, whichever came first.
    expect(testPeriod({ testingStartedAt: 5, releasedAt: null, deprecatedAt: 9 })).toEqual({ start: 5, end: 9 });
    expect(testPeriod({ testingStartedAt: 5, releasedAt: null, deprecatedAt: null })).toEqual({ start: 5, end: null });
  });
});

describe("lifecycle", () => {
  it("stamps testing, release, pause and deprecation once each, keeping earlier stamps", () => {
    const created = nextLifecycle(undefined, { visibility: "private", status: "testing" }, 100);
    expect(created).toEqual({
      testingStartedAt: 100,
      releasedAt: null,
      pausedAt: null,
      deprecatedAt: null,
      deprecationReason: null,
    });
    const paused = nextLifecycle(
      { ...created, visibility: "private", status: "testing" },
      { visibility: "private", status: "paused" },
      200,
    );
    expect(paused.pausedAt).toBe(200);
    const stillPaused = nextLifecycle(
      { ...paused, visibility: "private", status: "paused" },
      { visibility: "private", status: "paused" },
      250,
    );
    expect(stillPaused.pausedAt).toBe(200);
    const released = nextLifecycle(
      { ...paused, visibility: "private", status: "paused" },
      { visibility: "public", status: "active" },
      300,
    );
    expect(released).toMatchObject({ testingStartedAt: 100, releasedAt: 300, pausedAt: null });
    const retired = nextLifecycle(
      { ...released, visibility: "public", status: "active" },
      { visibility: "public", status: "deprecated", reason: "old" },
      400,
    );
    expect(retired).toMatchObject({ releasedAt: 300, deprecatedAt: 400, deprecationReason: "old" });
    const again = nextLifecycle(
      { ...retired, visibility: "public", status: "deprecated" },
      { visibility: "public", status: "deprecated" },
      500,
    );
    expect(again).toMatchObject({ deprecatedAt: 400, deprecationReason: "old" });
    expect(nextLifecycle(undefined, { visibility: "public", status: "active" }, 7).releasedAt).toBe(7);
  });

  it("refuses what a provider may not do", () => {
    expect(
      transitionError({ visibility: "public", status: "active" }, { visibility: "private", status: "testing" }),
    ).toMatch(/private again/);
    expect(
      transitionError({ visibility: "private", status: "testing" }, { visibility: "private", status: "active" }),
    ).toMatch(/released/);
    expect(
      transitionError({ visibility: "public", status: "active" }, { visibility: "public", status: "testing" }),
    ).toMatch(/private/);
    expect(
      transitionError({ visibility: "public", status: "deprecated" }, { visibility: "public", status: "active" }),
    ).toMatch(/retired/);
    expect(
      transitionError({ visibility: "private", status: "testing" }, { visibility: "public", status: "active" }),
    ).toBeNull();
    expect(
      transitionError({ visibility: "private", status: "testing" }, { visibility: "private", status: "paused" }),
    ).toBeNull();
  });
});

describe("provider API keys", () => {
  it("issues distinct keys that verify only against their own salted hash", async () => {
    const a = await issueApiKey();
    const b = await issueApiKey();
    expect(a.apiKey).not.toBe(b.apiKey);
    expect(keyPrefix(a.apiKey)).toBe(a.prefix);
    expect(keyPrefix(`${a.apiKey}x`)).toBeNull();
    expect(keyPrefix("sk-something")).toBeNull();
    expect(await verifyApiKey(a.apiKey, a)).toBe(true);
    expect(await verifyApiKey(b.apiKey, a)).toBe(false);
    expect(await verifyApiKey(a.apiKey, { salt: b.salt, hash: a.hash })).toBe(false);
    expect(a.hash).not.toContain(a.apiKey.split("_")[2]);
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer   abc  ")).toBe("abc");
    expect(bearerToken("Bearer")).toBeNull();
    expect(bearerToken("Basic abc")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
  });
});

describe("upstream key encryption", () => {
  it("round-trips, is bound to its model and to the master secret, and varies per encryption", async () => {
    const sealed = await encryptUpstreamKey(SECRET, "model-a", "sk-plain-123");
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain("sk-plain");
    expect(await decryptUpstreamKey(SECRET, "model-a", sealed)).toBe("sk-plain-123");
    expect(await encryptUpstreamKey(SECRET, "model-a", "sk-plain-123")).not.toBe(sealed);
    await expect(decryptUpstreamKey(SECRET, "model-b", sealed)).rejects.toBeInstanceOf(UpstreamKeyError);
    await expect(decryptUpstreamKey(`${SECRET}x`, "model-a", sealed)).rejects.toBeInstanceOf(UpstreamKeyError);
    await expect(decryptUpstreamKey(SECRET, "model-a", "v2.x.y")).rejects.toThrow(/format/);
    await expect(encryptUpstreamKey(undefined, "m", "k")).rejects.toThrow(/PROVIDER_KEYS_SECRET/);
    await expect(encryptUpstreamKey("short", "m", "k")).rejects.toThrow(/PROVIDER_KEYS_SECRET/);
  });
});

describe("pair probabilities", () => {
  const opts = { now: NOW, newModelBoost: 2, newModelBoostDays: 14 };
  const pool = [
    makeModel("a", { samplingWeight: 3 }),
    makeModel("b"),
    makeModel("c", { createdAt: NOW - DAY_MS }), // boosted
    makeModel("p1", { visibility: "private", codename: "x1", status: "testing", samplingWeight: 2 }),
    makeModel("p2", { visibility: "private", codename: "x2", status: "testing" }),
  ];

  it("sum to one, never pair two private models, and match samplePair's frequencies", () => {
    const pairs = pairProbabilities(pool, opts);
    expect(pairs.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 12);
    expect(pairs.find((p) => p.a.startsWith("p") && p.b.startsWith("p"))).toBeUndefined();
    const random = mulberry32(7);
    const counts = new Map<string, number>();
    const n = 40_000;
    for (let i = 0; i < n; i++) {
      const s = samplePair(pool, { ...opts, random })!;
      const key = [s.a.id, s.b.id].sort().join("|");
      counts.set(key, (counts.get(key) ?? 0) + 1);
      expect(s.probability).toBeCloseTo(pairs.find((p) => [p.a, p.b].sort().join("|") === key)!.probability, 12);
    }
    for (const p of pairs) expect((counts.get([p.a, p.b].sort().join("|")) ?? 0) / n).toBeCloseTo(p.probability, 2);
  });
});

describe("private results vote counts", () => {
  it("reads outcomes from the model's side and counts excluded battles apart", () => {
    expect(outcomeFor("a", "model_a")).toBe("win");
    expect(outcomeFor("b", "model_a")).toBe("loss");
    expect(outcomeFor("b", "model_b")).toBe("win");
    expect(outcomeFor("a", "tie (bothbad)")).toBe("bothbad");
    expect(
      voteCounts([
        { reason: null, side: "a", winner: "model_a", n: 3 },
        { reason: null, side: "b", winner: "model_a", n: 2 },
        { reason: null, side: "b", winner: "tie", n: 1 },
        { reason: "provider_error", side: "a", winner: "model_b", n: 4 },
        { reason: "identity_leak", side: "a", winner: "model_a", n: 1 },
      ]),
    ).toEqual({
      total: 11,
      counted: 6,
      excluded: { provider_error: 4, identity_leak: 1 },
      wins: 3,
      losses: 2,
      ties: 1,
      bothBad: 0,
    });
  });
});

describe("private results document", () => {
  const entry = (model: string, rating: number, half = 10, votes = 50) => ({
    model,
    rating,
    ci: [rating - half, rating + half] as [number, number],
    votes,
  });

  it("ranks against the public field only, by DESIGN's interval rule", () => {
    const x = entry("x", 1000);
    expect(rankAgainst(x, [entry("a", 1030), entry("b", 1015), entry("c", 990)])).toBe(2); // only a is clearly above
    expect(rankAgainst({ ...x, ci: null }, [entry("a", 1030), entry("b", 1015)])).toBe(3);
  });

  it("assembles the document from the engine's boards and the model's battles", () => {
    const publicIds = new Set(["a", "b", "c"]);
    const overall = {
      battles: 120,
      models: [
        entry("a", 1060),
        entry("x", 1020, 10, 30),
        entry("b", 1010),
        entry("c", 960),
        entry("other-private", 2000),
      ],
      styleControl: {
        models: [entry("a", 1050), entry("x", 1070), entry("b", 1000), entry("c", 970)],
        coefficients: { length: 0.25, header: 0.02, list: 0.03, bold: 0.01 },
      },
      pairwise: {
        models: ["a", "x", "b", "c"],
        winFraction: [
          [null, 0.6, 0.5, 0.7],
          [0.4, null, 0.5, 0.75],
          [0.5, 0.5, null, 0.5],
          [0.3, 0.25, 0.5, null],
        ],
        battles: [
          [0, 10, 5, 5],
          [10, 0, 6, 4],
          [5, 6, 0, 5],
          [5, 4, 5, 0],
        ],
      },
    };
    const coding = { battles: 30, models: [entry("x", 1100, 30, 8), entry("a", 1000), entry("b", 990)] };
    const math = { battles: 10, models: [entry("a", 1000), entry("b", 1000)] };
    const battles = [
      { modelA: "x", modelB: "a", winner: "model_a" as const, excludedReason: null },
      { modelA: "a", modelB: "x", winner: "model_a" as const, excludedReason: null },
      { modelA: "b", modelB: "x", winner: "model_b" as const, excludedReason: null },
      { modelA: "x", modelB: "b", winner: "tie" as const, excludedReason: null },
      { modelA: "x", modelB: "c", winner: "model_b" as const, excludedReason: "provider_error" },
    ];
    const doc = buildPrivateResults({
      model: "x",
      snapshot: "s1",
      generatedAt: "2026-11-28T07:00:00.000Z",
      boards: { overall, coding, math },
      battles,
      publicIds,
    })!;
    expect(PrivateResultsDocument.parse(doc)).toEqual(doc);
    expect(doc.overall).toEqual({
      rating: 1020,
      ci: [1010, 1030],
      rank: 2, // "a" is clearly above; "other-private" is not part of the public field
      battles: 120,
      publicModels: 3,
      votes: 30,
      winRate: (0.4 * 10 + 0.5 * 6 + 0.75 * 4) / 20,
      styleControl: { rating: 1070, ci: [1060, 1080], rank: 1 },
    });
    expect(Object.keys(doc.categories)).toEqual(["coding"]);
    expect(doc.categories.coding).toMatchObject({ rank: 1, publicModels: 2, votes: 8, winRate: null });
    expect(doc.opponents).toEqual([
      { model: "a", battles: 2, wins: 1, losses: 1, ties: 0, winRate: 0.5 },
      { model: "b", battles: 2, wins: 1, losses: 0, ties: 1, winRate: 1 },
    ]);
    expect(doc.votes).toEqual({
      total: 5,
      counted: 4,
      excluded: { provider_error: 1 },
      wins: 2,
      losses: 1,
      ties: 1,
      bothBad: 0,
    });
    expect(doc.styleCoefficients).toEqual(overall.styleControl.coefficients);
    expect(opponentResults([{ modelA: "x", modelB: "x", winner: "tie", excludedReason: null }], "x")).toEqual([]);
    expect(
      buildPrivateResults({ model: "x", snapshot: "s", generatedAt: "t", boards: { math }, battles, publicIds }),
    ).toBeNull();
  });
});

describe("transparency report", () => {
  const policy = DEFAULT_PROVISIONAL_POLICY;
  const acme = "prov_aaaaaaaaaaaa";
  const variant = (id: string, start: number, extra = {}) =>
    makeModel(id, {
      ownerId: acme,
      visibility: "private",
      status: "testing",
      codename: `cn-${id}`,
      testingStartedAt: start,
      modes: ["battle"],
      ...extra,
    });

  it("discloses a variant's name on its release, its line's release or after the embargo", () => {
    const models = [
      makeModel("pub", { organization: "Operator Org", releasedAt: NOW - 400 * DAY_MS }),
      variant("v-released", NOW - 50 * DAY_MS, {
        visibility: "public",
        status: "active",
        releasedAt: NOW - 10 * DAY_MS,
        family: "rocket",
      }),
      variant("v-line", NOW - 40 * DAY_MS, { family: "Rocket" }),
      variant("v-old", NOW - 200 * DAY_MS, { family: "other" }),
      variant("v-new", NOW - 5 * DAY_MS),
      variant("v-retired", NOW - 30 * DAY_MS, {
        status: "deprecated",
        deprecatedAt: NOW - DAY_MS,
        deprecationReason: "weak",
      }),
    ];
    const report = buildTransparency({
      models,
      accounts: new Map([
        [acme, "Acme AI"],
        ["prov_bbbbbbbbbbbb", "Idle Co"],
      ]),
      pairs: [
        { model_a: "pub", model_b: "v-new", battles: 6, recent: 6 },
        { model_a: "pub", model_b: "pub", battles: 4, recent: 1 },
      ],
      postReleaseVotes: new Map([["v-released", 30]]),
      sampling: [
        { a: "pub", b: "v-new", probability: 0.75 },
        { a: "pub", b: "v-line", probability: 0.25 },
      ],
      embargoDays: 180,
      policy,
      now: NOW,
    });
    expect(report.providers.map((p) => [p.name, p.kind])).toEqual([
      ["Acme AI", "account"],
      ["Idle Co", "account"],
      ["Operator Org", "operator"],
    ]);
    const acmeEntry = report.providers[0]!;
    const v = Object.fromEntries(acmeEntry.privateVariants.variants.map((x) => [x.codename, x]));
    expect(v["cn-v-released"]).toMatchObject({ status: "released", name: "Model v-released", disclosed: "released" });
    expect(v["cn-v-line"]).toMatchObject({
      status: "testing",
      name: "Model v-line",
      model: "v-line",
      disclosed: "line_released",
    });
    expect(v["cn-v-old"]).toMatchObject({ name: "Model v-old", disclosed: "embargo" });
    expect(v["cn-v-new"]).toMatchObject({ name: null, model: null, disclosed: null });
    expect(v["cn-v-retired"]).toMatchObject({
      status: "retired",
      name: null,
      testingEndedAt: new Date(NOW - DAY_MS).toISOString(),
    });
    expect(acmeEntry.privateVariants).toMatchObject({ total: 5, inTesting: 3 });
    expect(acmeEntry.models).toEqual({ public: 1, private: 3, deprecated: 1 });
    expect(acmeEntry.battles).toEqual({
      total: 6,
      share: 0.6,
      last30Days: 6,
      shareLast30Days: 6 / 7 > 0 ? round(6 / 7) : 0,
    });
    expect(acmeEntry.sampling.share).toBe(1);
    expect(acmeEntry.sampling.models.map((m) => m.model).sort()).toEqual(["cn-v-new", "v-line"]);
    expect(report.deprecations).toEqual([
      {
        model: "cn-v-retired",
        provider: "Acme AI",
        deprecatedAt: new Date(NOW - DAY_MS).toISOString(),
        reason: "weak",
      },
    ]);
    const released = report.models.find((m) => m.model === "v-released")!;
    expect(released).toMatchObject({ provider: "Acme AI", postReleaseVotes: 30, provisional: false });
    expect(report.totals).toEqual({
      anonymousBattles: 10,
      anonymousBattlesLast30Days: 7,
      privateVariants: 5,
      inTesting: 3,
    });
    expect(report.providers[1]!.privateVariants.total).toBe(0);
    expect(JSON.stringify(report)).not.toContain("Model v-new");
  });

  it("marks a release provisional when its provider ran more than N variants in parallel", () => {
    const many = Array.from({ length: 11 }, (_, i) => variant(`m${i}`, NOW - 20 * DAY_MS));
    const star = variant("star", NOW - 20 * DAY_MS, {
      visibility: "public",
      status: "active",
      releasedAt: NOW - DAY_MS,
    });
    const input = {
      models: [...many, star],
      accounts: new Map([[acme, "Acme AI"]]),
      pairs: [],
      sampling: [],
      embargoDays: 180,
      policy,
      now: NOW,
    };
    const report = buildTransparency({ ...input, postReleaseVotes: new Map([["star", 10]]) });
    expect(report.models).toEqual([
      expect.objectContaining({ model: "star", parallelPrivateVariants: 12, postReleaseVotes: 10, provisional: true }),
    ]);
    const settled = buildTransparency({ ...input, postReleaseVotes: new Map([["star", 2000]]) });
    expect(settled.models[0]!.provisional).toBe(false);
  });
});

const round = (x: number) => Math.round(x * 1e6) / 1e6;
