// The cron's half of issue 7: after a snapshot, every provider-registered model with clean battles gets an
// `arena-private-results/v1` document (a private model placed on the public boards' scale, a public one read off
// them), and a public model released after many parallel private variants is marked provisional (the provider
// rule), with the marks listed in the snapshot's method so a reproduction can apply them.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { Rng } from "../../shared/ratings/rng";
import { call } from "../helpers";
import { asProvider, demoModel, jsonInit, setupProviders, type TestProvider } from "./helpers";
import { R, read } from "../responses";

const DEMOS = ["demo-abacus", "demo-gazette", "demo-origami", "demo-pebble", "demo-wisteria"];
let r: TestProvider;
let stranger: TestProvider;

const runCron = () =>
  worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);

/** Recorded anonymous battles written straight to D1 (the vote path is covered elsewhere). */
async function insertBattles(rows: { a: string; b: string; winner: string; excluded?: string }[]) {
  const now = Date.now();
  const statements = rows.map((row, k) =>
    env.DB.prepare(
      `INSERT INTO battles (id, mode, anony, model_a, model_b, winner, voter_hash, created_at, voted_at, turns,
         user_tokens, tokens_a, tokens_b, header_count_a, header_count_b, list_count_a, list_count_b, bold_count_a,
         bold_count_b, language, categories, excluded_reason, sampling_probability, consent, transcript_key, recorded_at)
       VALUES (?, 'anonymous', 1, ?, ?, ?, 'voter', ?, ?, 1, 12, ?, ?, '{"h1":0}', '{"h1":1}', '{"ordered":2}',
         '{"ordered":0}', '{"**":1}', '{"**":0}', NULL, '[]', ?, 0.1, 0, NULL, ?)`,
    ).bind(
      crypto.randomUUID(),
      row.a,
      row.b,
      row.winner,
      now - 1000 + k,
      now - 1000 + k,
      100 + (k % 50),
      120 + ((k * 7) % 80),
      row.excluded ?? null,
      now - 1000,
    ),
  );
  for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
}

beforeAll(async () => {
  // Eleven private variants in testing at once (more than N = 10), then one of them is released.
  const variants = Array.from({ length: 11 }, (_, k) =>
    demoModel(`rw-v${k}`, { name: `Redwood V${k}`, codename: `cn-rw-v${k}`, family: "rw" }),
  );
  [r, stranger] = await setupProviders({ name: "Redwood Research", models: variants }, { name: "Someone Else" });
  const release = await asProvider(
    r.apiKey,
    "/v1/provider/models/rw-v0",
    jsonInit("PATCH", { visibility: "public", status: "active" }),
  );
  expect(release.status).toBe(200);

  const rng = new Rng(5);
  const strength: Record<string, number> = {
    "demo-abacus": 0.4,
    "demo-gazette": 0.1,
    "demo-origami": 0,
    "demo-pebble": -0.2,
    "demo-wisteria": -0.3,
    "rw-v0": 0.2,
    "rw-v1": 0.5,
  };
  const battle = (a: string, b: string) => {
    const p = 1 / (1 + 10 ** (strength[b]! - strength[a]!));
    return { a, b, winner: rng.next() < 0.1 ? "tie" : rng.next() < p ? "model_a" : "model_b" };
  };
  const rows = [];
  for (let k = 0; k < 600; k++) {
    const [a, b] = [DEMOS[k % 5]!, DEMOS[(k * 3 + 1) % 5]!];
    if (a !== b) rows.push(battle(a, b));
  }
  for (let k = 0; k < 150; k++) rows.push(k % 2 ? battle("rw-v0", DEMOS[k % 5]!) : battle(DEMOS[k % 5]!, "rw-v0"));
  // The private variant rw-v1: 120 clean battles against public models, 7 excluded ones.
  for (let k = 0; k < 120; k++) rows.push(k % 2 ? battle("rw-v1", DEMOS[k % 5]!) : battle(DEMOS[k % 5]!, "rw-v1"));
  await insertBattles(rows);
  await insertBattles(
    Array.from({ length: 7 }, (_, k) => ({
      a: "rw-v1",
      b: DEMOS[k % 5]!,
      winner: "model_a",
      excluded: "identity_leak",
    })),
  );
  await runCron();
});

describe("the cron's private results and provider rule", () => {
  it("places a private model on the public boards: rating, interval, rank against the public field", async () => {
    const board = await read(call("/leaderboard.json"), R.leaderboard);
    const overall = board.categories.overall!;
    expect(JSON.stringify(board)).not.toContain("rw-v1");
    const res = await asProvider(r.apiKey, "/v1/provider/models/rw-v1/results");
    expect(res.status).toBe(200);
    const { results } = await read(res, R.results);
    expect(results).not.toBeNull();
    expect(results!.snapshot).toBe(board.snapshot);
    expect(results!.votes).toMatchObject({ total: 127, counted: 120, excluded: { identity_leak: 7 } });
    const o = results!.overall;
    expect(o.votes).toBe(120);
    expect(o.publicModels).toBe(overall.models.length);
    expect(o.battles).toBe(overall.battles + 120);
    expect(o.ci![0]).toBeLessThan(o.rating);
    expect(o.ci![1]).toBeGreaterThan(o.rating);
    // The strongest in truth (0.5 vs the best public 0.4): placed near the top of the public field.
    const publicRatings = overall.models.map((m) => m.rating);
    expect(o.rating).toBeGreaterThan(Math.min(...publicRatings));
    const above = overall.models.filter((m) => m.ci![0] > o.ci![1]).length;
    expect(o.rank).toBe(1 + above);
    expect(o.styleControl).toMatchObject({ rating: expect.any(Number), rank: expect.any(Number) });
    expect(results!.opponents.reduce((s, x) => s + x.battles, 0)).toBe(120);
    expect(results!.styleCoefficients).toEqual(overall.styleControl!.coefficients);
    // The placement is deterministic: a second snapshot of the same data gives the same numbers.
    expect(o.winRate).toBeGreaterThan(0.3);
  });

  it("reads a public provider model's results off the public boards", async () => {
    const board = await read(call("/leaderboard.json"), R.leaderboard);
    const { results } = await read(asProvider(r.apiKey, "/v1/provider/models/rw-v0/results"), R.results);
    const entry = board.categories.overall!.models.find((m) => m.model === "rw-v0");
    expect(results!.overall).toMatchObject({ rating: entry!.rating, ci: entry!.ci, votes: 150 });
    expect(results!.votes.counted).toBe(150);
    expect((await asProvider(stranger.apiKey, "/v1/provider/models/rw-v0/results")).status).toBe(404);
  });

  it("marks the release of eleven parallel variants provisional on every board, and says so in the method", async () => {
    const board = await read(call("/leaderboard.json"), R.leaderboard);
    expect(board.method.provisionalRule).toEqual({
      maxParallel: 10,
      minPostReleaseVotes: 2000,
      lookbackDays: 30,
      models: ["rw-v0"],
    });
    for (const cat of Object.values(board.categories)) {
      for (const m of [...cat.models, ...(cat.styleControl?.models ?? [])]) {
        if (m.model === "rw-v0") expect(m.provisional).toBe(true);
        else expect(m.provisional).toBeUndefined();
      }
    }
  });
});
