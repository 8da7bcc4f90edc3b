// Pure provider-side logic: the `provisional` rule and its inputs, lifecycle timestamps, key formats and hashing,
// upstream-key encryption, pair probabilities, private-results vote counts and the transparency report builder.
import { describe, expect, it } from "vitest";
import { nextLifecycle, transitionError } from "../../shared/lifecycle";
import { bearerToken, issueApiKey, keyPrefix, verifyApiKey } from "../../shared/provider-keys";
import { outcomeFor, voteCounts } from "../../shared/provider-results";
import {
  DEFAULT_PROVISIONAL_POLICY,
  isProvisional,
  maxParallel,
  provisionalInputs,
  provisionalPolicy,
  testPeriod,
} from "../../shared/provisional";
import { pairProbabilities, samplePair } from "../../shared/sampling";
import { buildTransparency } from "../../shared/transparency";
import { decryptUpstreamKey, encryptUpstreamKey, UpstreamKeyError } from "../../shared/upstream-keys";
import { DAY_MS, makeModel, mulberry32, NOW } from "../unit/fixtures";

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
