// The scheduled handler publishes the leaderboard even when the data maintenance before it fails: here a battle row
// whose id is not a UUID (written by hand, as an operator's import might) makes the re-labelling pass throw.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it, vi } from "vitest";
import worker from "../workers/index";
import { call, createBattle, post, seedDemoModels, sendMessage } from "./helpers";

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
  const logs: string[] = [];
  const spy = vi.spyOn(console, "log").mockImplementation((...args) => void logs.push(args.join(" ")));
  try {
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "*/5 * * * *" }), env);
  } finally {
    spy.mockRestore();
  }
  expect(logs.some((l) => l.includes('"maintenance.failed"'))).toBe(true);
  expect(logs.some((l) => l.includes('"leaderboard.published"'))).toBe(true);
  const board = (await (await call("/leaderboard.json")).json()) as any;
  expect(board.data.battles).toBe(2);
});
