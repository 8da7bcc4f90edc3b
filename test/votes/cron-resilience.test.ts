// The scheduled handler publishes the leaderboard even when the data maintenance before it fails (here the labels
// queue refuses to take jobs); and a battle row whose id is not a UUID (written by hand, as an operator's import
// might) no longer makes maintenance fail at all.
// The handler returns nothing and maintenance's report reaches only the log, so the test reads what each pass
// leaves behind: the label jobs sent, the rows marked as judged, maintenance_state and the published snapshots.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import worker from "../../workers/index";
import { call, createBattle, getBattle, post, seedDemoModels, sendMessage } from "../helpers";
import { vote, writeVotes } from "../data/maintenance/helpers";
import { R, read } from "../responses";

const failing = async () => {
  throw new Error("queue unavailable");
};

const judgeRequestedAt = async () =>
  (
    await env.DB.prepare("SELECT id, judge_requested_at FROM battles").all<{
      id: string;
      judge_requested_at: number | null;
    }>()
  ).results;
const state = (key: string) =>
  env.DB.prepare("SELECT value FROM maintenance_state WHERE key = ?").bind(key).first<{ value: string }>();
const snapshots = async () =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM leaderboard_snapshots").first<{ n: number }>())!.n;

it("a failing maintenance pass does not stop the snapshot from being published", async () => {
  await seedDemoModels();
  const id = await createBattle({ mode: "anonymous" });
  await sendMessage(id, "Why is the sky blue?");
  expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
  await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
  const now = Date.now();
  const odd = vote({
    battleId: "not-a-uuid",
    modelA: "demo-pebble",
    modelB: "demo-abacus",
    winner: "b",
    createdAt: now,
    votedAt: now,
    samplingProbability: 0.1,
  });
  await writeVotes([{ vote: odd, recordedAt: now }]);
  const run = (e: Env, at: number) =>
    worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), e);

  // The odd row is skipped, not fatal: no label job names it, yet it is marked as requested like the rest (so it is
  // not retried at every run), the passes after the judge step ran (dedup), and the snapshot rates both battles.
  const jobs: unknown[] = [];
  const recording = {
    ...env,
    LABELS: {
      send: (body: unknown, options?: QueueSendOptions) => (jobs.push(body), env.LABELS.send(body, options)),
      sendBatch: (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
        for (const m of messages) jobs.push(m.body);
        return env.LABELS.sendBatch(messages, options);
      },
    },
  } as unknown as Env; // a Queue with only the two methods maintenance calls
  const before = Date.now(); // maintenance keeps its own clock (Date.now()), not the scheduled time
  await run(recording, now);
  expect(JSON.stringify(jobs)).not.toContain("not-a-uuid");
  expect((await judgeRequestedAt()).find((r) => r.id === "not-a-uuid")?.judge_requested_at).toBeGreaterThanOrEqual(
    before,
  );
  expect(Number((await state("dedup_at"))?.value)).toBeGreaterThanOrEqual(before);
  expect(await snapshots()).toBe(1);
  const first = await read(call("/leaderboard.json"), R.leaderboard);
  expect(first.data.battles).toBe(2);

  // A labels queue that refuses everything: maintenance fails at the judge step (so nothing is marked as
  // requested), the handler still resolves and a new snapshot is published.
  const broken = { ...env, LABELS: { send: failing, sendBatch: failing } } as unknown as Env;
  await env.DB.prepare("UPDATE battles SET judge_requested_at = NULL, judge_rev = NULL").run();
  // A newer recording, so the run has something new to publish.
  await env.DB.prepare("UPDATE battles SET recorded_at = recorded_at + 1 WHERE id = 'not-a-uuid'").run();
  await expect(run(broken, now + 60_000)).resolves.toBeUndefined();
  expect(await judgeRequestedAt()).toEqual(
    expect.arrayContaining([
      { id, judge_requested_at: null },
      { id: "not-a-uuid", judge_requested_at: null },
    ]),
  );
  expect(await judgeRequestedAt()).toHaveLength(2);
  expect(await snapshots()).toBe(2);
  const second = await read(call("/leaderboard.json"), R.leaderboard);
  expect(second.snapshot).not.toBe(first.snapshot);
  expect(second.data.battles).toBe(2);
});
