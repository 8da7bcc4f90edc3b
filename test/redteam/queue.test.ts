// Finished games reach D1 exactly once (DESIGN section 11): the arena-redteam consumer inserts idempotently on the game
// id, a poison message goes to the dead-letter queue, a failed batch is retried.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REDTEAM_QUEUE } from "../../queues/names";
import { GameMessage } from "../../queues/games";
import worker from "../../workers/index";
import { gameRows } from "./helpers";

const message = (over: Partial<GameMessage> = {}): GameMessage => {
  const now = Date.now();
  return GameMessage.parse({
    v: 1,
    gameId: crypto.randomUUID(),
    kind: "bad-words",
    kindVersion: 1,
    targetId: "bw-001",
    target: "you smell like old cheese",
    model: "demo-parrot",
    playerId: "p-1",
    ranked: true,
    outcome: "win",
    turns: 2,
    seconds: 12.5,
    startedAt: now - 12_500,
    deadline: now + 47_500,
    endedAt: now,
    ...over,
  });
};

let seq = 0;
async function deliver(bodies: unknown[], useEnv: Env = env) {
  const batch = createMessageBatch(
    REDTEAM_QUEUE,
    bodies.map((body) => ({ id: `m${++seq}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, useEnv);
  return getQueueResult(batch, ctx);
}

describe("arena-redteam consumer", () => {
  it("writes a finished game once, however often it is delivered", async () => {
    const m = message();
    await deliver([m]);
    await deliver([m, m]);
    const rows = await gameRows(m.gameId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: m.gameId,
      tstamp: m.endedAt,
      player_id: "p-1",
      ranked: 1,
      model: "demo-parrot",
      kind: "bad-words",
      target: "bw-001",
      outcome: "win",
      turns: 2,
      seconds: 12.5,
    });
  });

  it("forwards a poison message to the dead-letter queue and acks it", async () => {
    const result = await deliver([{ v: 1, gameId: "nope" }]);
    expect(result.explicitAcks).toEqual([`m${seq}`]);
  });

  it("rejects at the producer a ranked game without a player", () => {
    expect(() => message({ playerId: null })).toThrow();
  });

  it("retries the batch when D1 fails", async () => {
    const m = message();
    const broken = {
      ...env,
      DB: {
        prepare: () => {
          throw new Error("D1 down");
        },
        batch: () => Promise.reject(new Error("D1 down")),
      },
    } as unknown as Env;
    const result = await deliver([m], broken);
    expect((result.retryMessages as { msgId: string }[]).map((r) => r.msgId)).toEqual([`m${seq}`]);
    expect(await gameRows(m.gameId)).toHaveLength(0);
  });
});
