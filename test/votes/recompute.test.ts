// The fanned-out recompute (issue 17, workers/cron/recompute): the cron plans a snapshot and sends one queue
// message per board; each consumer fits its board from the frozen table in R2; the last one publishes. Here with
// the real local queue, D1 and R2: the published JSON is byte for byte what the CLI's code computes from the export
// and the frozen models.json; a part whose invocation fails leaves the previous snapshot served and publishes once
// its retry succeeds; a snapshot whose parts never finish is abandoned and the next run completes.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { publishSnapshot } from "../../workers/cron/publish";
import { PART_DEADLINE_MS, planSnapshot } from "../../workers/cron/recompute/plan";
import { runPart } from "../../workers/cron/recompute/part";
import { partKey, tableKey } from "../../workers/cron/recompute/keys";
import { CHANGES_PART } from "../../queues/recompute";
import { buildLeaderboard } from "../../shared/ratings/leaderboard";
import { createParser } from "../../shared/ratings/parse";
import type { ModelsFile } from "../../shared/ratings/models-file";
import { STYLE_FEATURES } from "../../shared/ratings/table";
import { Rng } from "../../shared/ratings/rng";
import { call, seedDemoModels } from "../helpers";
import { vote, writeVotes } from "../data/maintenance/helpers";

const MODELS = ["demo-pebble", "demo-abacus", "demo-wisteria", "demo-gazette"];

/** `n` anonymous votes among the demo models with varied style and languages (so several boards exist). */
async function seedVotes(n: number, seed: number, start: number) {
  const rng = new Rng(seed);
  const side = (tokens: number, lists: number) => ({
    tokens,
    header: { h1: 0, h2: lists % 2, h3: 0, h4: 0, h5: 0, h6: 0 },
    list: { ordered: lists, unordered: 0 },
    bold: { "**": lists % 3, __: 0 },
  });
  const votes = Array.from({ length: n }, (_, i) => {
    const a = Math.floor(rng.next() * MODELS.length);
    const b = (a + 1 + Math.floor(rng.next() * (MODELS.length - 1))) % MODELS.length;
    const at = start + i * 1000;
    return {
      vote: vote({
        modelA: MODELS[a]!,
        modelB: MODELS[b]!,
        winner: (["a", "b", "tie", "bothbad"] as const)[Math.floor(rng.next() * 4)]!,
        voterHash: (i % 7).toString(16).repeat(64),
        createdAt: at - 30_000,
        votedAt: at,
        language: i % 3 === 0 ? "de" : "en",
        style: { a: side(50 + Math.floor(rng.next() * 400), i % 4), b: side(50 + Math.floor(rng.next() * 400), i % 5) },
      }),
      recordedAt: at + 500,
    };
  });
  await writeVotes(votes);
}

// The tests of this file share one D1 (storage is per file): counts are taken relative to the latest snapshot.
const latestRow = () =>
  env.DB.prepare("SELECT id, battles FROM leaderboard_snapshots ORDER BY generated_at DESC, id DESC LIMIT 1").first<{
    id: string;
    battles: number;
  }>();
const job = (id: string) =>
  env.DB.prepare("SELECT state, parts_total, parts_done, error FROM recompute_jobs WHERE id = ?")
    .bind(id)
    .first<{ state: string; parts_total: number; parts_done: number; error: string | null }>();

/** An env whose recompute queue only records what is sent (no consumer runs), to drive the parts by hand. */
function capturingEnv(sent: { job: string; part: string }[], overrides: Partial<Env> = {}): Env {
  return {
    ...env,
    ...overrides,
    RECOMPUTE: {
      send: async (body: unknown) => void sent.push(body as { job: string; part: string }),
      sendBatch: async (messages: Iterable<MessageSendRequest>) => {
        for (const m of messages) sent.push(m.body as { job: string; part: string });
      },
    } as unknown as Queue,
  };
}

beforeEach(seedDemoModels);

/** Each run a minute after the one before (snapshots are ordered by their time). */
let clock = Date.now();
const tick = () => (clock += 60_000);
const runCron = () => worker.scheduled(createScheduledController({ scheduledTime: tick(), cron: "*/5 * * * *" }), env);

describe("fanned-out recompute", () => {
  it("publishes through one queue message per board what the CLI computes from the export", async () => {
    const start = Date.now() - 3_600_000;
    await seedVotes(120, 1, start);
    await runCron();
    const { id } = (await latestRow())!;
    const state = await job(id);
    const published = await (await env.STORE.get(`snapshots/${id}.json`))!.text();
    const json = JSON.parse(published) as { categories: Record<string, unknown>; changes?: unknown };
    // Several boards, each its own part, plus the change-over-time part.
    expect(Object.keys(json.categories).length).toBeGreaterThanOrEqual(4);
    expect(state).toMatchObject({ state: "published", error: null });
    expect(state!.parts_total).toBe(Object.keys(json.categories).length + 1);
    expect(state!.parts_done).toBe(state!.parts_total);
    // The working objects are gone; the published ones stay.
    expect(await env.STORE.get(tableKey(id))).toBeNull();
    expect((await env.STORE.list({ prefix: `recompute/${id}/` })).objects).toHaveLength(0);

    // The CLI's way: parse the export text, with the frozen models.json, and build the whole leaderboard at once.
    const exportText = await (await env.STORE.get(`exports/${id}/battles.jsonl`))!.text();
    const models = (await (await env.STORE.get(`exports/${id}/models.json`))!.json()) as ModelsFile;
    const parser = createParser("jsonl", { tstamp: true, styleFeatures: STYLE_FEATURES });
    parser.push(exportText);
    const { table } = parser.end();
    const cli = await buildLeaderboard(
      table,
      { models },
      {
        snapshot: id,
        generatedAt: JSON.parse(published).generatedAt,
        sha256: JSON.parse(published).data.sha256,
        excluded: JSON.parse(published).data.excluded,
      },
    );
    expect(JSON.stringify(cli)).toBe(published);
    expect(await (await call("/leaderboard.json")).text()).toBe(published);
  });

  it("a failing part keeps the previous snapshot served; its retry publishes the new one", async () => {
    const start = Date.now() - 7_200_000;
    await seedVotes(60, 2, start);
    await runCron();
    const { id: before, battles } = (await latestRow())!;
    const served = await (await call("/leaderboard.json")).text();
    await seedVotes(40, 3, start + 100_000);

    const sent: { job: string; part: string }[] = [];
    const plan = await planSnapshot(capturingEnv(sent), tick());
    expect(plan.kind).toBe("planned");
    const jobId = plan.kind === "planned" ? plan.job : "";
    expect(sent.map((m) => m.part).sort()).toEqual(plan.kind === "planned" ? [...plan.plan.parts].sort() : []);
    // The overall board's invocation dies writing its result (as a crash or an R2 outage would).
    const failing: Env = {
      ...env,
      STORE: {
        ...env.STORE,
        get: env.STORE.get.bind(env.STORE),
        put: async (key: string) => {
          if (key === partKey(jobId, "overall")) throw new Error("injected: R2 put failed");
          throw new Error(`unexpected put ${key}`);
        },
      } as unknown as R2Bucket,
    };
    await expect(runPart(failing, jobId, "overall")).rejects.toThrow(/injected/);
    for (const m of sent) if (m.part !== "overall") await runPart(env, m.job, m.part);
    // Every other part is done, the snapshot is not: readers still get the previous one, unchanged.
    expect(await job(jobId)).toMatchObject({ state: "running", parts_done: sent.length - 1 });
    expect((await latestRow())!.id).toBe(before);
    expect(await (await call("/leaderboard.json")).text()).toBe(served);
    // A redelivered part that is already done does not recompute or publish.
    await runPart(env, jobId, CHANGES_PART);
    expect((await job(jobId))!.state).toBe("running");
    // The queue's retry of the failed part succeeds, and being the last, publishes.
    await runPart(env, jobId, "overall");
    expect((await job(jobId))!.state).toBe("published");
    expect((await latestRow())!.id).toBe(jobId);
    const next = JSON.parse(await (await call("/leaderboard.json")).text()) as {
      snapshot: string;
      data: { battles: number };
    };
    expect(next.snapshot).toBe(jobId);
    expect(next.data.battles).toBe(battles + 40);
  });

  it("a snapshot whose parts never finish is abandoned, the previous one stays live, and the next run completes", async () => {
    const start = Date.now() - 7_200_000;
    await seedVotes(50, 4, start);
    await runCron();
    const { id: before, battles } = (await latestRow())!;
    await seedVotes(30, 5, start + 100_000);

    // No consumer ever sees these parts: the wait runs out and the job is abandoned, its objects deleted.
    const sent: { job: string; part: string }[] = [];
    await expect(publishSnapshot(capturingEnv(sent), tick(), { waitMs: 300 })).rejects.toThrow(/abandoned/);
    const abandoned = sent[0]!.job;
    expect(await job(abandoned)).toMatchObject({ state: "abandoned" });
    expect(await env.STORE.get(`exports/${abandoned}/battles.jsonl`)).toBeNull();
    expect(await env.STORE.get(tableKey(abandoned))).toBeNull();
    expect((await latestRow())!.id).toBe(before);
    // A late part of the abandoned job does nothing.
    await runPart(env, abandoned, sent[0]!.part);
    expect((await job(abandoned))!.state).toBe("abandoned");

    // The next run, on the real queue, publishes everything recorded.
    const published = await publishSnapshot(env, tick());
    expect(published, JSON.stringify(published)).toMatchObject({ battles: battles + 30 });
    expect((await latestRow())!.id).toBe(published!.id);
  });

  it("the next cron run abandons a job left running past its deadline (the planning invocation died) and plans anew", async () => {
    await seedVotes(20, 6, Date.now() - 3_000_000);
    const sent: { job: string; part: string }[] = [];
    const first = await planSnapshot(capturingEnv(sent), tick());
    expect(first.kind).toBe("planned");
    const stuck = first.kind === "planned" ? first.job : "";
    // Within the deadline a second run waits for it rather than planning a second snapshot.
    const again = await planSnapshot(capturingEnv([]), tick());
    expect(again).toMatchObject({ kind: "in-progress", job: { id: stuck } });
    // Past it, the stuck job is abandoned (its objects deleted) and a fresh one is planned and published.
    clock += PART_DEADLINE_MS;
    const published = await publishSnapshot(env, tick());
    expect(await job(stuck)).toMatchObject({ state: "abandoned" });
    expect(await env.STORE.get(`exports/${stuck}/battles.jsonl`)).toBeNull();
    expect(published!.id).not.toBe(stuck);
    expect((await latestRow())!.id).toBe(published!.id);
  });
});
