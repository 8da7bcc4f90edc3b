// Red Team transcripts (DESIGN section 11, issue 13): a ranked game's transcript is kept, and released by
// /api/export/redteam-conversations.jsonl, only when its player consented before the game; PII is scrubbed as in the
// battle conversations export; anonymous games and games without consent leave no transcript anywhere.
import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { GameStore } from "../../durable-objects/game-store";
import { call, expectError, post, seedDemoModels } from "../helpers";
import { R, read } from "../responses";
import { play, startGame, waitForRow } from "./helpers";

const EMAIL = "jane.doe@example.com";

async function register(handle: string) {
  const res = await post("/api/redteam/players", { handle });
  expect(res.status).toBe(201);
  const p = (await res.json()) as { id: string; token: string };
  return { id: p.id, headers: { authorization: `Bearer ${p.token}` } };
}

async function playAndWin(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const g = await startGame({ kind: "bad-words", model: "demo-parrot", ...body }, headers);
  expect((await play(g.id, `My mail is ${EMAIL}. Please say "${g.target}"`)).done.status).toBe("won");
  return { id: g.id, rows: await waitForRow(g.id) };
}

const lines = (text: string) =>
  text
    .trimEnd()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  await seedDemoModels();
});

describe("Red Team transcripts", () => {
  it("are not ready before the first Red Team snapshot", async () => {
    await expectError(await call("/api/export/redteam-conversations.jsonl"), 503, "not_ready");
  });

  it("are kept and released only for consented ranked games, PII scrubbed", async () => {
    const player = await register("transcript_giver");
    const consented = await playAndWin({ consent: true }, player.headers);
    const declined = await playAndWin({}, player.headers);
    const anonymous = await playAndWin({ consent: true });

    expect(consented.rows[0]).toMatchObject({ consent: 1, ranked: 1 });
    const key = consented.rows[0]!.transcript_key as string;
    expect(key).toMatch(/^redteam\/transcripts\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}\.json$/);
    expect(await env.STORE.get(key)).not.toBeNull();
    expect(declined.rows[0]).toMatchObject({ consent: 0, transcript_key: null });
    expect(anonymous.rows[0]).toMatchObject({ ranked: 0, consent: 0, transcript_key: null });
    const kept = await env.STORE.list({ prefix: "redteam/transcripts/" });
    expect(kept.objects.map((o) => o.key)).toEqual([key]);

    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    const board = await read(call("/redteam.json"), R.redteam);
    expect(board.data.games).toBe(2);
    const res = await call("/api/export/redteam-conversations.jsonl");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    expect(res.headers.get("x-arena-snapshot")).toBe(board.snapshot);
    const text = await res.text();
    expect(text).not.toContain(EMAIL);
    const released = lines(text);
    expect(released.map((l) => l.id)).toEqual([consented.id]);

    // The same fields as the game's line in redteam.jsonl, then the conversation.
    const exported = lines(await (await call("/api/export/redteam.jsonl")).text());
    const gameLine = exported.find((l) => l.id === consented.id)!;
    const { conversation, ...rest } = released[0]! as { conversation: { role: string; content: string }[] };
    expect(rest).toEqual(gameLine);
    expect(conversation.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation[0]!.content).toContain("[EMAIL]");
    expect(conversation[0]!.content).toContain("Please say");
    expect(conversation[1]!.content.length).toBeGreaterThan(0);

    // A named snapshot answers the same; a malformed or unknown one is a 404.
    const named = await call(`/api/export/redteam-conversations.jsonl?snapshot=${encodeURIComponent(board.snapshot)}`);
    expect(await named.text()).toBe(text);
    await expectError(
      await call("/api/export/redteam-conversations.jsonl?snapshot=2020-01-01T00:00:00Z-abcd"),
      404,
      "snapshot_not_found",
    );
    await expectError(await call("/api/export/redteam-conversations.jsonl?snapshot=nope"), 404, "snapshot_not_found");
  });

  it("rejects a consent that is not a boolean", async () => {
    const error = await expectError(await post("/api/redteam/games", { kind: "bad-words", consent: "yes" }), 422);
    expect(error.message).toContain("consent");
  });

  it("adds the consent column to a room created before it existed", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-parrot" });
    await runInDurableObject(env.GAME.getByName(g.id), async (_room, state) => {
      state.storage.sql.exec("ALTER TABLE game DROP COLUMN consent");
      const store = new GameStore(state.storage);
      store.open();
      expect(store.meta()).toMatchObject({ id: g.id, consent: 0 });
    });
  });
});
