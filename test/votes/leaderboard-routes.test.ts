// Leaderboard routes before and after the first snapshot, driven through the real scheduled handler.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { call, createBattle, expectError, getBattle, post, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

/** The scheduled handler awaits its work, so returning means the snapshot is published. */
async function runCron() {
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
}

describe("leaderboard routes", () => {
  it("answer 503 not_ready before the first snapshot, and publishing with no votes keeps it so", async () => {
    const res = await call("/leaderboard.json");
    expect(res.headers.get("retry-after")).toBe("60");
    await expectError(res, 503, "not_ready");
    await expectError(await call("/api/export/battles.jsonl"), 503, "not_ready");
    await runCron();
    await expectError(await call("/leaderboard.json"), 503, "not_ready");
  });

  it("publish a snapshot with ETag/304, history and the export; bad queries are 4xx", async () => {
    await seedDemoModels();
    for (const winner of ["a", "b", "tie"]) {
      const id = await createBattle();
      await sendMessage(id, "What is a good first programming language?");
      await post(`/api/battles/${id}/vote`, { winner });
      await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
    }
    await runCron();
    const res = await call("/leaderboard.json");
    expect(res.status).toBe(200);
    const board = await read(res, R.leaderboard);
    expect(board.data.battles).toBe(3);
    const etag = res.headers.get("etag")!;
    expect((await call("/leaderboard.json", { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await call("/leaderboard.json", { headers: { "if-none-match": '"other"' } })).status).toBe(200);

    const model = board.categories.overall!.models[0]!.model;
    const history = await read(call(`/api/leaderboard/history?model=${model}&category=overall&style=false`), R.history);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      generatedAt: board.generatedAt,
      rating: board.categories.overall!.models[0]!.rating,
    });
    expect(await (await call(`/api/leaderboard/history?model=nobody`)).json()).toEqual([]);
    await expectError(await call("/api/leaderboard/history"), 422, "invalid_request");
    await expectError(await call(`/api/leaderboard/history?model=${model}&style=maybe`), 422, "invalid_request");

    const exported = await call(`/api/export/battles.jsonl?snapshot=${encodeURIComponent(board.snapshot)}`);
    expect(exported.headers.get("x-arena-sha256")).toBe(board.data.sha256);
    expect((await exported.text()).trim().split("\n")).toHaveLength(3);
    await expectError(await call("/api/export/battles.jsonl?snapshot=nope"), 404, "snapshot_not_found");
    await expectError(await call("/api/export/battles.jsonl?include=everything"), 422, "invalid_request");
    const audit = await (await call("/api/export/battles.jsonl?include=excluded")).text();
    expect(
      audit
        .trim()
        .split("\n")
        .every((l) => "excluded_reason" in JSON.parse(l)),
    ).toBe(true);
  });

  it("publishes again only when something changed", async () => {
    await runCron();
    const first = await read(call("/leaderboard.json"), R.leaderboard);
    await runCron();
    const same = await read(call("/leaderboard.json"), R.leaderboard);
    expect(same.snapshot).toBe(first.snapshot);
    const count = async () =>
      (await env.DB.prepare("SELECT COUNT(*) AS n FROM leaderboard_snapshots").first<{ n: number }>())!.n;
    const before = await count();

    const id = await createBattle();
    await sendMessage(id, "One more question");
    await post(`/api/battles/${id}/vote`, { winner: "b" });
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
    await runCron();
    const next = await read(call("/leaderboard.json"), R.leaderboard);
    expect(next.snapshot).not.toBe(first.snapshot);
    expect(next.data.battles).toBe(first.data.battles + 1);
    expect(await count()).toBe(before + 1);
  });
});
