// A private model from registration to results (issue 7 acceptance): provider P registers a private model; it is
// sampled into anonymous battles (never against another private model, revealed by codename only); its votes flow
// DO → queue → D1; P reads its results (live counts, the cron's document, a sample of retained battles with the
// opponent anonymised) while Q gets 404; the public leaderboard and export omit it until it is released; the
// transparency report counts it and discloses its name only once its line is released.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import seed from "../../d1/seed/models.json";
import { call, createBattle, post, putModel, sendMessage } from "../helpers";
import {
  asProvider,
  demoModel,
  expectOpenAIError,
  jsonInit,
  setupProviders,
  waitRecorded,
  type TestProvider,
} from "./helpers";
import { R, read } from "../responses";

let p: TestProvider;
let q: TestProvider;
const SECRET = "pf-secret";
const CODENAME = "cn-pf-secret";
const SECRET_NAME = "Pelican Frontier Secret";

const runCron = () =>
  worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);

/** The operator's weight for a model registered by a provider (providers cannot set it). */
async function setWeight(id: string, codename: string, name: string, weight: number) {
  const res = await putModel(id, {
    name,
    organization: "Pelican Frontier",
    provider: "demo",
    upstreamModel: "terse",
    visibility: "private",
    codename,
    status: "testing",
    samplingWeight: weight,
    modes: ["battle"],
  });
  expect(res.status).toBe(200);
}

async function battle(winner: "a" | "b" | "tie") {
  const id = await createBattle({ mode: "anonymous", consent: true });
  const turn = await sendMessage(id, "Why is the sky blue?");
  const vote = await read(post(`/api/battles/${id}/vote`, { winner }), R.vote);
  return { id, turn, vote, shown: [vote.models.a.id, vote.models.b.id] };
}

const results = (key: string, query = "") => asProvider(key, `/v1/provider/models/${SECRET}/results${query}`);
const publicNames = seed.flatMap((m) => [m.id, m.name, m.organization]);

beforeAll(async () => {
  [p, q] = await setupProviders(
    {
      name: "Pelican Frontier",
      models: [
        demoModel(SECRET, { name: SECRET_NAME, codename: CODENAME, family: "pelican" }),
        demoModel("pf-sibling", { name: "Pelican Sibling", codename: "cn-pf-sibling", family: "pelican" }),
      ],
    },
    { name: "Quokka Labs", models: [demoModel("qk-secret", { name: "Quokka Secret", codename: "cn-qk-secret" })] },
  );
  await setWeight(SECRET, CODENAME, SECRET_NAME, 500);
  await setWeight("pf-sibling", "cn-pf-sibling", "Pelican Sibling", 10);
});

describe("a private model from registration to results", () => {
  const withSecret: string[] = [];
  let withPelican = 0;

  it("is sampled into anonymous battles, never against another private model, revealed by codename", async () => {
    for (let i = 0; i < 6; i++) {
      const b = await battle((["a", "b", "tie"] as const)[i % 3]!);
      const privates = b.shown.filter((s) => s.startsWith("cn-"));
      if (b.shown.some((s) => s.startsWith("cn-pf-"))) withPelican++;
      expect(privates.length, JSON.stringify(b.shown)).toBeLessThanOrEqual(1);
      expect(b.shown).not.toContain(SECRET);
      // Before the vote nothing named it; after, only the codename.
      expect(b.turn.raw).not.toContain(SECRET);
      expect(b.turn.raw).not.toContain(CODENAME);
      const side = b.vote.models.a.id === CODENAME ? "a" : b.vote.models.b.id === CODENAME ? "b" : null;
      if (side) {
        expect(b.vote.models[side]).toEqual({ id: CODENAME, name: CODENAME, organization: "undisclosed" });
        expect(JSON.stringify(b.vote)).not.toContain(SECRET_NAME);
        withSecret.push(b.id);
      }
    }
    expect(withSecret.length).toBeGreaterThanOrEqual(3); // weight 500 against five demo models of weight 1
    for (const id of withSecret) await waitRecorded(id);
    const rows = await env.DB.prepare("SELECT model_a, model_b FROM battles WHERE model_a = ?1 OR model_b = ?1")
      .bind(SECRET)
      .all();
    expect(rows.results.length).toBe(withSecret.length); // stored under its real id, for the private board
  });

  it("gives P live counts and a sample of retained battles with the opponent anonymised; Q gets 404", async () => {
    const res = await results(p.apiKey);
    expect(res.status).toBe(200);
    const body = await read(res, R.results);
    expect(body.model).toEqual({ id: SECRET, codename: CODENAME, visibility: "private", status: "testing" });
    expect(body.results).toBeNull(); // no cron computation yet
    expect(body.live.total).toBe(withSecret.length);
    expect(body.live.counted).toBe(withSecret.length);
    expect(body.live.wins + body.live.losses + body.live.ties + body.live.bothBad).toBe(withSecret.length);
    expect(body.sample.retention).toBe("consented");
    expect(body.sample.battles.map((b) => b.id).sort()).toEqual([...withSecret].sort());
    for (const b of body.sample.battles) {
      expect(b.opponent).toBe("anonymous");
      expect(b.turns).toHaveLength(1);
      expect(b.turns[0]!.user).toBe("Why is the sky blue?");
      expect(b.turns[0]!.model.length).toBeGreaterThan(0);
      expect(b.turns[0]!.opponent.length).toBeGreaterThan(0);
      expect(["win", "loss", "tie", "bothbad"]).toContain(b.outcome);
    }
    const text = JSON.stringify(body.sample);
    for (const name of publicNames) expect(text).not.toContain(name);
    expect(await read(results(p.apiKey, "?sample=1"), R.results)).toMatchObject({
      sample: { battles: [expect.any(Object)] },
    });
    await expectOpenAIError(await results(p.apiKey, "?sample=500"), 422);

    await expectOpenAIError(await results(q.apiKey), 404, "model_not_found");
    await expectOpenAIError(
      await asProvider(q.apiKey, "/v1/provider/models/qk-secret/results?snapshot=x"),
      404,
      "snapshot_not_found",
    );
  });

  it("serves the cron's latest results document (and a given snapshot's), ignoring an invalid one", async () => {
    const doc = (snapshot: string, rating: number) => ({
      schema: "arena-private-results/v1",
      model: SECRET,
      snapshot,
      generatedAt: "2026-11-28T07:00:00.000Z",
      votes: { total: 3, counted: 3, excluded: {}, wins: 1, losses: 1, ties: 1, bothBad: 0 },
      overall: {
        rating,
        ci: [rating - 40, rating + 40],
        rank: 2,
        battles: 10,
        publicModels: 5,
        votes: 3,
        winRate: 0.5,
        styleControl: { rating: rating - 5, ci: null, rank: 2 },
      },
      categories: {},
      opponents: [{ model: "demo-pebble", battles: 2, wins: 1, losses: 1, ties: 0, winRate: 0.5 }],
      styleCoefficients: { length: 0.2, header: 0.01, list: 0.02, bold: 0.01 },
    });
    const insert = (snapshot: string, at: number, document: unknown) =>
      env.DB.prepare(
        "INSERT INTO provider_model_results (model_id, snapshot_id, generated_at, document) VALUES (?, ?, ?, ?)",
      )
        .bind(SECRET, snapshot, at, JSON.stringify(document))
        .run();
    await insert("snap-1", 1000, doc("snap-1", 1010));
    await insert("snap-2", 2000, doc("snap-2", 1020));
    const latest = await read(results(p.apiKey), R.results);
    expect(latest.results).toEqual(doc("snap-2", 1020));
    const first = await read(results(p.apiKey, "?snapshot=snap-1"), R.results);
    expect(first.results?.overall.rating).toBe(1010);
    await expectOpenAIError(await results(p.apiKey, "?snapshot=snap-9"), 404, "snapshot_not_found");
    // A document that breaks the contract is not served (and is logged), rather than failing the route.
    await insert("snap-3", 3000, { schema: "arena-private-results/v1", model: SECRET });
    const broken = await read(results(p.apiKey), R.results);
    expect(broken.results).toBeNull();
    expect(broken.live.total).toBe(withSecret.length);
    await expectOpenAIError(await results(q.apiKey, "?snapshot=snap-1"), 404, "model_not_found");
  });

  it("is left out of the public leaderboard and export while private, and counted by /api/transparency", async () => {
    // Public-only battles too, so the board has something to rate.
    expect(
      (await asProvider(p.apiKey, `/v1/provider/models/${SECRET}`, jsonInit("PATCH", { status: "paused" }))).status,
    ).toBe(200);
    await setWeight("pf-sibling", "cn-pf-sibling", "Pelican Sibling", 0);
    const qPause = (status: string) =>
      asProvider(q.apiKey, "/v1/provider/models/qk-secret", jsonInit("PATCH", { status }));
    expect((await qPause("paused")).status).toBe(200);
    const publicBattles: string[] = [];
    for (let i = 0; i < 2; i++) publicBattles.push((await battle("a")).id);
    for (const id of publicBattles) await waitRecorded(id);
    await runCron();
    const board = await call("/leaderboard.json");
    expect(board.status).toBe(200);
    const boardText = await board.text();
    const exported = await (await call("/api/export/battles.jsonl")).text();
    const audit = await (await call("/api/export/battles.jsonl?include=excluded")).text();
    for (const text of [boardText, exported, audit]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(CODENAME);
    }
    const exportedIds = exported
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    for (const id of withSecret) expect(exportedIds).not.toContain(id);
    for (const id of publicBattles) expect(exportedIds).toContain(id);
    expect(await (await call("/api/models")).text()).not.toContain(SECRET);
    expect((await qPause("testing")).status).toBe(200);

    const report = await read(call("/api/transparency"), R.transparency);
    const pel = report.providers.find((x) => x.name === "Pelican Frontier")!;
    expect(pel).toMatchObject({ kind: "account", models: { public: 0, private: 2, deprecated: 0 } });
    expect(pel.privateVariants).toMatchObject({ total: 2, inTesting: 2, maxParallel: 2 });
    const v = pel.privateVariants.variants.find((x) => x.codename === CODENAME);
    expect(v).toMatchObject({ status: "paused", name: null, model: null, disclosed: null, testingEndedAt: null });
    expect(pel.battles.total).toBe(withPelican);
    expect(pel.battles.share).toBeCloseTo(withPelican / 8, 5);
    expect(JSON.stringify(report)).not.toContain(SECRET_NAME);
    expect(JSON.stringify(report)).not.toContain(`"${SECRET}"`);
    const qk = report.providers.find((x) => x.name === "Quokka Labs")!;
    expect(qk.privateVariants.variants).toEqual([
      expect.objectContaining({ codename: "cn-qk-secret", status: "testing" }),
    ]);
    expect(qk.sampling.models).toEqual([{ model: "cn-qk-secret", weight: 1, appearance: expect.any(Number) }]);
    expect(report.totals).toMatchObject({
      anonymousBattles: withSecret.length + 8 - withSecret.length,
      privateVariants: 3,
    });
  });

  it("joins the public leaderboard with its battles once released, and its line's names are disclosed", async () => {
    const res = await asProvider(
      p.apiKey,
      `/v1/provider/models/${SECRET}`,
      jsonInit("PATCH", { visibility: "public", status: "active" }),
    );
    expect(res.status).toBe(200);
    await runCron();
    const exported = await (await call("/api/export/battles.jsonl")).text();
    const ids = exported
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).id);
    for (const id of withSecret) expect(ids).toContain(id);
    const board = await read(call("/leaderboard.json"), R.leaderboard);
    expect(board.categories.overall!.models.map((m) => m.model)).toContain(SECRET);

    const report = await read(call("/api/transparency"), R.transparency);
    const pel = report.providers.find((x) => x.name === "Pelican Frontier")!;
    const byCodename = Object.fromEntries(pel.privateVariants.variants.map((v) => [v.codename, v]));
    expect(byCodename[CODENAME]).toMatchObject({
      status: "released",
      name: SECRET_NAME,
      model: SECRET,
      disclosed: "released",
    });
    expect(byCodename[CODENAME]?.testingEndedAt).not.toBeNull();
    expect(byCodename["cn-pf-sibling"]).toMatchObject({
      name: "Pelican Sibling",
      model: "pf-sibling",
      disclosed: "line_released",
    });
    const entry = report.models.find((m) => m.model === SECRET);
    expect(entry).toMatchObject({ provider: "Pelican Frontier", parallelPrivateVariants: 2, provisional: false });
    expect(entry?.postReleaseVotes).toBe(0); // its private-period votes do not count as post-release
  });
});
