// The scheduled handler publishes the leaderboard even when the data maintenance before it fails (here the labels
// queue refuses to take jobs); and a battle row whose id is not a UUID (written by hand, as an operator's import
// might) no longer makes maintenance fail at all.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import worker from "../../workers/index";
import { call, createBattle, post, seedDemoModels, sendMessage } from "../helpers";

const failing = async () => {
  throw new Error("queue unavailable");
};

it("a failing maintenance pass is logged and the snapshot is still published", async () => {
  await seedDemoModels();
  const id = await createBattle({ mode: "anonymous" });
  await sendMessage(id, "Why is the sky blue?");
  expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
  await vi.waitFor(async () => expect(((await (await call(`/api/battles/${id}`)).json()) as any).recorded).toBe(true), {
    timeout: 10_000,
  });
  const now = Date.now();
  await env.DB.prepare(
    `INSERT INTO battles (id, mode, anony, model_a, model_b, winner, voter_hash, created_at, voted_at, turns,
       user_tokens, tokens_a, tokens_b, header_count_a, header_count_b, list_count_a, list_count_b, bold_count_a,
       bold_count_b, language, categories, excluded_reason, sampling_probability, consent, transcript_key, recorded_at)
     VALUES ('not-a-uuid', 'anonymous', 1, 'demo-pebble', 'demo-abacus', 'model_b', 'v', ?1, ?1, 1, 12, 100, 120,
       '{}', '{}', '{}', '{}', '{}', '{}', NULL, '[]', NULL, 0.1, 0, NULL, ?1)`,
  )
    .bind(now)
    .run();
  const run = async (e: Env, at: number) => {
    const logs: string[] = [];
    const capture = (...args: unknown[]) => void logs.push(args.join(" "));
    // Failures are logged at level error (console.error), the rest on console.log.
    const spies = [vi.spyOn(console, "log"), vi.spyOn(console, "error")].map((s) => s.mockImplementation(capture));
    try {
      await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), e);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    return logs;
  };
  // The odd row is skipped, not fatal.
  const first = await run(env, now);
  expect(first.some((l) => l.includes('"maintenance.judge_skipped"'))).toBe(true);
  expect(first.some((l) => l.includes('"maintenance.failed"'))).toBe(false);
  expect(first.some((l) => l.includes('"leaderboard.published"'))).toBe(true);
  expect(((await (await call("/leaderboard.json")).json()) as any).data.battles).toBe(2);

  // A labels queue that refuses everything: maintenance fails, the snapshot is still published.
  const broken = { ...env, LABELS: { send: failing, sendBatch: failing } } as unknown as Env;
  await env.DB.prepare("UPDATE battles SET judge_requested_at = NULL, judge_rev = NULL").run();
  // A newer recording, so the run has something new to publish.
  await env.DB.prepare("UPDATE battles SET recorded_at = recorded_at + 1 WHERE id = 'not-a-uuid'").run();
  const second = await run(broken, now + 60_000);
  expect(second.some((l) => l.includes('"maintenance.failed"'))).toBe(true);
  expect(second.some((l) => l.includes('"leaderboard.published"'))).toBe(true);
});
