// GET /api/leaderboard/history (DESIGN section 4) across snapshots whose boards the data could and could not pin
// down: a snapshot of a few battles forming a chain (no two models beat each other both ways) fits every rating
// only through the ridge, at values such as 0 or 2000 that mean nothing. Those points keep the contract fields and
// carry `provisional: true`; a model absent from a snapshot has no point for it (never a made-up 0).
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { call, seedDemoModels } from "../helpers";
import { R, read } from "../responses";

async function runCron(at: number) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env);
}

/** A rated anonymous battle written as the batch worker would (with style counts, so style boards exist). */
async function battle(a: string, b: string, winner: string, at: number, tokens: [number, number]) {
  await env.DB.prepare(
    `INSERT INTO battles (id, mode, anony, model_a, model_b, winner, voter_hash, created_at, voted_at, turns,
       user_tokens, tokens_a, tokens_b, header_count_a, header_count_b, list_count_a, list_count_b, bold_count_a,
       bold_count_b, language, categories, excluded_reason, sampling_probability, consent, transcript_key, recorded_at)
     VALUES (?1, 'anonymous', 1, ?2, ?3, ?4, ?5, ?6, ?6, 1, 12, ?7, ?8,
       '{}', '{}', '{}', '{}', '{}', '{}', 'en', '[]', NULL, 0.1, 0, NULL, ?6)`,
  )
    .bind(crypto.randomUUID(), a, b, winner, `voter-${crypto.randomUUID()}`, at, tokens[0], tokens[1])
    .run();
}

const history = async (model: string, style = false) => {
  const res = await call(`/api/leaderboard/history?model=${model}&category=overall&style=${style}`);
  expect(res.status).toBe(200);
  return read(res, R.history);
};

const CONTRACT = ["generatedAt", "rating", "ci", "rank", "votes"];

describe("leaderboard history", () => {
  it("flags the points of ratings the data could not pin down, and has no point where a model was absent", async () => {
    await seedDemoModels();
    const t0 = Date.now() - 3_600_000;
    // Snapshot 1: a chain pebble > wisteria > gazette (pebble also beat gazette). Every model is its own strongly
    // connected component, so every rating is held only by the ridge.
    await battle("demo-pebble", "demo-wisteria", "model_a", t0, [300, 120]);
    await battle("demo-pebble", "demo-gazette", "model_a", t0 + 1, [280, 90]);
    await battle("demo-wisteria", "demo-gazette", "model_a", t0 + 2, [150, 200]);
    await runCron(t0 + 10_000);
    const first = await read(call("/leaderboard.json"), R.leaderboard);
    expect(first.data.battles).toBe(3);
    for (const m of first.categories.overall!.models) expect(m.provisional, m.model).toBe(true);

    // Snapshot 2: the reverse results close every cycle, and abacus joins through a tie (linking both ways).
    await battle("demo-wisteria", "demo-pebble", "model_a", t0 + 20_000, [200, 210]);
    await battle("demo-gazette", "demo-pebble", "model_a", t0 + 20_001, [180, 260]);
    await battle("demo-gazette", "demo-wisteria", "model_a", t0 + 20_002, [240, 100]);
    await battle("demo-abacus", "demo-pebble", "tie", t0 + 20_003, [130, 170]);
    await battle("demo-abacus", "demo-gazette", "tie", t0 + 20_004, [100, 110]);
    await runCron(t0 + 30_000);
    const second = await read(call("/leaderboard.json"), R.leaderboard);
    expect(second.snapshot).not.toBe(first.snapshot);
    expect(second.categories.overall!.method.ridge).toBeNull();
    for (const m of second.categories.overall!.models) expect(m.provisional, m.model).toBeUndefined();

    for (const style of [false, true]) {
      const boardOf = (snap: typeof first) =>
        style ? snap.categories.overall!.styleControl! : snap.categories.overall!;
      for (const model of ["demo-pebble", "demo-wisteria", "demo-gazette"]) {
        const points = await history(model, style);
        expect(points, `${model} style=${style}`).toHaveLength(2);
        const [p1, p2] = points;
        // Oldest first; the contract fields as published, plus the flag only where it applies.
        expect(p1!.generatedAt).toBe(first.generatedAt);
        expect(p2!.generatedAt).toBe(second.generatedAt);
        const e1 = boardOf(first).models.find((m) => m.model === model)!;
        const e2 = boardOf(second).models.find((m) => m.model === model)!;
        expect(p1).toEqual({
          generatedAt: first.generatedAt,
          rating: e1.rating,
          ci: e1.ci,
          rank: e1.rank,
          votes: e1.votes,
          provisional: true,
        });
        // The latest point of the plain overall board also carries the change since the previous snapshot
        // (DESIGN section 14), as the snapshot's `changes` has it.
        const change = second.changes?.previous?.models.find((m) => m.model === model);
        expect(p2).toEqual({
          generatedAt: second.generatedAt,
          rating: e2.rating,
          ci: e2.ci,
          rank: e2.rank,
          votes: e2.votes,
          ...(!style && change
            ? {
                changes: {
                  previous: {
                    since: first.snapshot,
                    before: second.changes!.previous!.before,
                    delta: change.delta,
                    ci: change.ci,
                    pAdjusted: change.pAdjusted,
                    significant: change.significant,
                  },
                },
              }
            : {}),
        });
        if (!style) expect(change, model).toBeDefined();
        for (const p of points) {
          for (const k of CONTRACT) expect(p, k).toHaveProperty(k);
          expect(Object.keys(p).every((k) => CONTRACT.includes(k) || k === "provisional" || k === "changes")).toBe(
            true,
          );
        }
      }
      // abacus took no part in snapshot 1: one point, never a made-up one for the snapshot it was absent from.
      const abacus = await history("demo-abacus", style);
      expect(abacus).toHaveLength(1);
      expect(abacus[0]!.generatedAt).toBe(second.generatedAt);
      expect(abacus[0]).not.toHaveProperty("provisional");
    }
    // A model on no board at all: no points.
    expect(await history("demo-origami")).toEqual([]);
  });
});
