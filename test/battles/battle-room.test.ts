// The BattleRoom Durable Object (DESIGN sections 2 and 3): expiry by alarm, the vote outbox retried by the alarm until
// the queue accepts it (invariant 3), the archived view of a voted battle from D1, and the transcript RPC that only
// opens after the vote. Battles are created over HTTP; the DO is then driven directly.
import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { BattleRoom } from "../../durable-objects/battle-room";
import { parseEvents } from "../../shared/battle/sse";
import {
  call,
  createBattle,
  expectError,
  getBattle,
  post,
  seedDemoModels,
  sendMessage,
  type StreamedTurn,
} from "../helpers";
import { R, read } from "../responses";
import { z } from "zod";

const VOTER = "c0ffee".repeat(10) + "beef"; // 64 hex chars

let demoIds: string[] = [];
beforeAll(async () => {
  demoIds = (await seedDemoModels()).map((m) => m.id);
});

const stubOf = (id: string) => env.BATTLE.getByName(id);

interface BattleRow {
  status: string;
  outbox: string;
  enqueue_attempts: number;
  next_enqueue_at: number | null;
  expires_at: number;
}

/** The DO's own battle row, read inside the object. */
const battleState = (id: string) =>
  runInDurableObject(
    stubOf(id),
    (_instance: BattleRoom, state) =>
      state.storage.sql.exec<Record<string, SqlStorageValue>>("SELECT * FROM battle WHERE k = 1").toArray()[0] as
        (BattleRow & Record<string, SqlStorageValue>) | undefined,
  );

const expireNow = (id: string) =>
  runInDurableObject(stubOf(id), (_instance: BattleRoom, state) => {
    state.storage.sql.exec("UPDATE battle SET expires_at = ? WHERE k = 1", Date.now() - 1);
  });

/** GET /api/battles/:id whatever it answers (getBattle in ../helpers asserts a 200 and reads the battle). */
async function fetchBattle(id: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await call(`/api/battles/${id}`);
  return { status: res.status, body: z.record(z.string(), z.unknown()).parse(await res.json()) };
}

async function d1Battle(id: string) {
  return env.DB.prepare("SELECT * FROM battles WHERE id = ?").bind(id).first<Record<string, unknown>>();
}

/** A battle with one finished turn (the SSE response has ended, so both sides are done). */
async function battleWithTurn(body?: unknown): Promise<{ id: string; turn: StreamedTurn }> {
  const id = await createBattle(body);
  const turn = await sendMessage(id, "How should I plan a small vegetable garden?");
  expect(turn.events.at(-1)?.event).toBe("done");
  return { id, turn };
}

// ---------------------------------------------------------------- 1. expiry

describe("BattleRoom expiry", () => {
  it("keeps a battle whose TTL has not passed when its alarm fires", async () => {
    const { id } = await battleWithTurn();
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    const got = await getBattle(id); // asserts the 200
    expect(got.status).toBe("open");
    expect(got.turns).toHaveLength(1);
    // The alarm re-armed itself for the expiry.
    const alarm = await runInDurableObject(stubOf(id), (_i: BattleRoom, state) => state.storage.getAlarm());
    expect(alarm).toBe((await battleState(id))!.expires_at);
  });

  it("wipes an open battle once expired; GET then answers 404 with the error envelope", async () => {
    const { id } = await battleWithTurn();
    expect((await fetchBattle(id)).status).toBe(200);
    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);

    // Regression: deleteAll() drops the tables while this instance stays in memory; it must answer "not found".
    const got = await fetchBattle(id);
    expect(got.status).toBe(404);
    expect(got.body).toEqual({
      error: { code: "battle_not_found", message: expect.any(String), requestId: expect.any(String) },
    });
    expect(Object.keys(got.body)).toEqual(["error"]);
    // The battle cannot be resumed either.
    const again = await post(`/api/battles/${id}/messages`, { content: "hello?" });
    expect(again.status).toBe(404);
    await expectError(again, 404, "battle_not_found");
    // Nothing is left behind: no alarm keeps the object alive.
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(false);
  });

  it("wipes an expired battle after the object restarts (fresh instance, same storage)", async () => {
    // Same scenario as above, but the request after the wipe reaches a new instance (as after an eviction).
    const { id } = await battleWithTurn();
    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    await abortAllDurableObjects();
    const got = await fetchBattle(id);
    expect(got.status).toBe(404);
    expect(got.body).toEqual({
      error: { code: "battle_not_found", message: expect.any(String), requestId: expect.any(String) },
    });
    const again = await post(`/api/battles/${id}/messages`, { content: "hello?" });
    expect(again.status).toBe(404);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(false);
  });
});

// ---------------------------------------------------------------- 2. outbox retry (invariant 3)

// A partial mock, hence the cast: the outbox only ever calls send().
const queueDown = { send: async () => Promise.reject(new Error("queue down")) } as unknown as Queue;

/**
 * The instance's non-public members a test swaps. A cast is the honest way here: `env` is protected and the turn
 * runner's `runSide` private, and neither is part of the RPC surface the tests otherwise drive.
 */
const internals = (instance: BattleRoom) =>
  instance as unknown as { env: Env; runner: { runSide: (...args: unknown[]) => Promise<unknown> } };

/** Swaps the live instance's env for one whose vote queue rejects; returns the real env to restore later. */
function breakQueue(instance: BattleRoom): Env {
  const realEnv = internals(instance).env;
  internals(instance).env = { ...realEnv, VOTES: queueDown };
  return realEnv;
}

describe("BattleRoom vote outbox", () => {
  it("keeps a vote whose enqueue failed as pending and delivers it from the alarm", async () => {
    const { id } = await battleWithTurn();
    const stub = stubOf(id);
    let realEnv: Env | undefined;

    const votedFrom = Date.now();
    const outcome = await runInDurableObject(stub, async (instance: BattleRoom) => {
      realEnv = breakQueue(instance);
      return instance.vote("a", VOTER);
    });
    const votedTo = Date.now();
    // The voter sees a normal, successful vote.
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) throw new Error("unreachable");
    expect(demoIds).toContain(outcome.models.a.id);
    expect(demoIds).toContain(outcome.models.b.id);
    expect(outcome.models.a.id).not.toBe(outcome.models.b.id);

    let row = (await battleState(id))!;
    expect(row).toMatchObject({ status: "voted", outbox: "pending", enqueue_attempts: 1 });
    expect(row.next_enqueue_at).toBeGreaterThanOrEqual(votedFrom + 2_000);
    expect(row.next_enqueue_at).toBeLessThanOrEqual(votedTo + 2_000);
    // The retry is what the alarm is armed for (not the 24 h expiry).
    const alarm = await runInDurableObject(stub, (_i: BattleRoom, state) => state.storage.getAlarm());
    expect(alarm).toBe(row.next_enqueue_at);
    expect(await d1Battle(id)).toBeNull();
    expect(await getBattle(id)).toMatchObject({ status: "voted", recorded: false });

    // Still down at the retry: the attempt is counted and the next one backs off further (4 s).
    await runInDurableObject(stub, (_i: BattleRoom, state) => {
      state.storage.sql.exec("UPDATE battle SET next_enqueue_at = ? WHERE k = 1", Date.now() - 1);
    });
    const retriedFrom = Date.now();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    row = (await battleState(id))!;
    expect(row).toMatchObject({ status: "voted", outbox: "pending", enqueue_attempts: 2 });
    expect(row.next_enqueue_at).toBeGreaterThanOrEqual(retriedFrom + 4_000);
    expect(row.next_enqueue_at).toBeLessThanOrEqual(Date.now() + 4_000);

    // The queue is back: the alarm sends the stored vote.
    await runInDurableObject(stub, (instance: BattleRoom, state) => {
      internals(instance).env = realEnv!;
      state.storage.sql.exec("UPDATE battle SET next_enqueue_at = ? WHERE k = 1", Date.now() - 1);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    row = (await battleState(id))!;
    expect(row.outbox).toBe("sent");
    expect(row.next_enqueue_at).toBeNull();

    await expect.poll(async () => (await d1Battle(id)) !== null, { timeout: 10_000 }).toBe(true);
    const d1 = (await d1Battle(id))!;
    expect(d1).toMatchObject({
      winner: "model_a",
      model_a: outcome.models.a.id,
      model_b: outcome.models.b.id,
      anony: 1,
    });
    expect(d1.voter_hash).toBe(VOTER);
    expect(typeof d1.sampling_probability).toBe("number");
    expect(d1.sampling_probability as number).toBeGreaterThan(0);
    expect(d1.sampling_probability as number).toBeLessThanOrEqual(1);
    expect(await getBattle(id)).toMatchObject({ status: "voted", recorded: true });
  });

  it("does not wipe an expired battle whose vote is still pending, and keeps backing off", async () => {
    const { id } = await battleWithTurn();
    const stub = stubOf(id);
    let realEnv: Env | undefined;
    await runInDurableObject(stub, (instance: BattleRoom) => {
      realEnv = breakQueue(instance);
      return instance.vote("b", VOTER);
    });
    try {
      await expireNow(id);
      expect(await runDurableObjectAlarm(stub)).toBe(true);
      const row = (await battleState(id))!;
      expect(row).toMatchObject({ status: "voted", outbox: "pending" });
      expect(await getBattle(id)).toMatchObject({ status: "voted", recorded: false });

      // The next attempt is due about 4 s after the alarm's failed one, so within the next second nothing may retry.
      // Regression: an expired battle with a pending vote must keep backing off, not retry in a tight loop.
      const attempts = row.enqueue_attempts;
      await new Promise((r) => setTimeout(r, 1_000));
      const later = (await battleState(id))!;
      expect(later.enqueue_attempts - attempts).toBeLessThanOrEqual(1);
      const alarm = await runInDurableObject(stub, (_i: BattleRoom, state) => state.storage.getAlarm());
      expect(alarm).toBeGreaterThan(Date.now());
    } finally {
      // Let the vote through so the object stops retrying (and, being expired, wipes itself).
      await runInDurableObject(stub, (instance: BattleRoom) => {
        internals(instance).env = realEnv!;
      });
      await expect.poll(async () => (await d1Battle(id)) !== null, { timeout: 10_000 }).toBe(true);
    }
  });

  it("does not enqueue twice: an alarm after a successful send leaves one row and the outbox sent", async () => {
    const { id } = await battleWithTurn();
    const vote = await post(`/api/battles/${id}/vote`, { winner: "bothbad" });
    expect(vote.status).toBe(200);
    expect((await battleState(id))!.outbox).toBe("sent");
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    expect((await battleState(id))!).toMatchObject({ outbox: "sent", enqueue_attempts: 0 });
    await expect.poll(async () => (await d1Battle(id))?.winner, { timeout: 10_000 }).toBe("tie (bothbad)");
    const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM battles WHERE id = ?").bind(id).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });
});

// ---------------------------------------------------------------- 3. voted battle, before and after expiry

describe("BattleRoom voted battle", () => {
  it("answers GET as voted with the models revealed, live and after expiry from D1", async () => {
    const { id, turn } = await battleWithTurn({ mode: "anonymous", consent: true });
    const before = await getBattle(id);
    expect(before.models).toBeNull();

    const vote = await post(`/api/battles/${id}/vote`, { winner: "b" });
    expect(vote.status).toBe(200);
    const revealed = (await read(vote, R.vote)).models;

    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
    const live = await getBattle(id); // asserts the 200
    expect(live).toMatchObject({ id, status: "voted", recorded: true, canVote: false, models: revealed });
    expect(live.turns).toEqual([
      { user: "How should I plan a small vegetable garden?", a: turn.text.a, b: turn.text.b },
    ]);

    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);

    // The same instance that just wiped itself must let the edge fall back to the D1 archive.
    const archived = await getBattle(id); // asserts the 200
    expect(archived).toMatchObject({
      id,
      mode: "anonymous",
      status: "voted",
      recorded: true,
      canVote: false,
      models: revealed,
    });
    // The voter consented, so the transcript was retained in R2 and the archive shows the conversation.
    expect(archived.turns).toEqual(live.turns);
  });

  it("after expiry and a restart of the object, GET answers from D1 with the retained transcript from R2", async () => {
    // Same as above, but the GET after the wipe reaches a fresh instance; this isolates the D1/R2 archive path.
    const { id, turn } = await battleWithTurn({ mode: "anonymous", consent: true });
    const vote = await post(`/api/battles/${id}/vote`, { winner: "tie" });
    expect(vote.status).toBe(200);
    const revealed = (await read(vote, R.vote)).models;
    await expect
      .poll(async () => (await d1Battle(id))?.transcript_key ?? null, { timeout: 10_000 })
      .toMatch(/^transcripts\//);

    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    await abortAllDurableObjects();

    const archived = await getBattle(id); // asserts the 200
    expect(archived).toMatchObject({
      id,
      status: "voted",
      recorded: true,
      canVote: false,
      models: revealed,
      counted: true,
      reason: null,
    });
    expect(archived.turns).toEqual([
      { user: "How should I plan a small vegetable garden?", a: turn.text.a, b: turn.text.b },
    ]);
  });

  it("refuses a second vote and further turns with 409", async () => {
    const { id } = await battleWithTurn();
    expect((await post(`/api/battles/${id}/vote`, { winner: "tie" })).status).toBe(200);
    const second = await post(`/api/battles/${id}/vote`, { winner: "a" });
    expect(second.status).toBe(409);
    await expectError(second, 409, "already_voted");
    const more = await post(`/api/battles/${id}/messages`, { content: "one more" });
    expect(more.status).toBe(409);
  });
});

// ---------------------------------------------------------------- 4. transcript RPC

describe("BattleRoom transcript()", () => {
  it("refuses before the vote and returns both conversations after it", async () => {
    const id = await createBattle();
    const stub = stubOf(id);
    const prompts = ["What is a good first programming language?", "And after that, what should I learn next?"];
    const turns: StreamedTurn[] = [];
    for (const p of prompts) turns.push(await sendMessage(id, p));

    const early = await stub.transcript();
    expect(early.ok).toBe(false);
    expect(early).toMatchObject({ ok: false, status: 404 });
    expect(JSON.stringify(early)).not.toMatch(/demo-/); // no model identity before the vote

    const vote = await post(`/api/battles/${id}/vote`, { winner: "a" });
    expect(vote.status).toBe(200);
    const models = (await read(vote, R.vote)).models;

    const result = await stub.transcript();
    expect(result.ok).toBe(true);
    if (!result.ok) throw new Error("unreachable");
    const t = result.transcript;
    expect(t).toMatchObject({ id, modelA: models.a.id, modelB: models.b.id });
    const expected = (side: "a" | "b") =>
      prompts.flatMap((p, i) => [
        { role: "user", content: p },
        { role: "assistant", content: turns[i]!.text[side] },
      ]);
    expect(t.conversationA).toEqual(expected("a"));
    expect(t.conversationB).toEqual(expected("b"));
    for (const side of ["a", "b"] as const) for (const turn of turns) expect(turn.text[side].length).toBeGreaterThan(0);
  });

  it("is not available for an unknown battle id", async () => {
    const result = await stubOf(crypto.randomUUID()).transcript();
    expect(result).toMatchObject({ ok: false, status: 404 });
  });
});

// ---------------------------------------------------------------- 5. resilience

describe("BattleRoom resilience", () => {
  it("re-sends a voted battle that never reached D1 instead of wiping it at expiry", async () => {
    const { id } = await battleWithTurn();
    expect((await post(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
    await expect.poll(() => d1Battle(id), { timeout: 10_000 }).not.toBeNull();
    // Simulate a vote lost downstream (say, dead-lettered and never written).
    await env.DB.prepare("DELETE FROM battles WHERE id = ?").bind(id).run();

    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    const row = (await battleState(id))!;
    expect(row.status).toBe("voted");
    expect(row.expires_at).toBeGreaterThan(Date.now());
    await expect.poll(() => d1Battle(id), { timeout: 10_000 }).not.toBeNull();

    // Once D1 has it, the next expiry wipes the object and the archive answers.
    await expireNow(id);
    expect(await runDurableObjectAlarm(stubOf(id))).toBe(true);
    expect(await battleState(id).catch(() => undefined)).toBeUndefined();
    expect(await getBattle(id)).toMatchObject({ status: "voted", recorded: true });
  });

  it("a turn that fails unexpectedly still ends with error, side-done and done, and stays votable", async () => {
    const id = await createBattle();
    const stream = await runInDurableObject(stubOf(id), async (instance: BattleRoom) => {
      internals(instance).runner.runSide = async () => {
        throw new Error("storage exploded");
      };
      const result = await instance.sendMessage("Hello?");
      if (!result.ok) throw new Error(result.message);
      return new Response(result.stream).text();
    });
    const events = parseEvents(stream);
    expect(
      events
        .filter((e) => e.event === "error")
        .map((e: any) => e.data.side)
        .sort(),
    ).toEqual(["a", "b"]);
    expect(events.filter((e) => e.event === "side-done").map((e: any) => e.data.finish)).toEqual(["error", "error"]);
    expect(events.at(-1)).toEqual({
      event: "done",
      data: { turn: 1, canVote: true, counted: false, reason: "provider_error" },
    });
    // Neutral text only (invariant 1), and the battle can be voted on.
    expect(stream).not.toContain("storage exploded");
    const vote = await read(post(`/api/battles/${id}/vote`, { winner: "tie" }), R.vote);
    expect(vote).toMatchObject({ counted: false, reason: "provider_error" });
  });

  it("probing an unknown id stores nothing", async () => {
    const id = crypto.randomUUID();
    expect((await fetchBattle(id)).status).toBe(404);
    const tables = await runInDurableObject(stubOf(id), (_i: BattleRoom, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(tables.filter((t) => !String(t.name).startsWith("_cf"))).toEqual([]);
  });
});
