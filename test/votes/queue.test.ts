// The vote pipeline's queue side (DESIGN sections 3 and 8, invariant 3): the arena-votes consumer writes each vote
// once, retries with backoff when D1 fails, and forwards poison messages to arena-votes-dlq; the DLQ consumer
// records every dead letter in D1 `dead_letters`. Unit style (createMessageBatch + the worker's queue handler) and
// integration style (send to the real queue, poll D1).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { retryDelaySeconds } from "../../workers/batch/index";
import { VOTES_DLQ, VOTES_QUEUE } from "../../queues/names";
import worker from "../../workers/index";
import { VoteMessage } from "../../queues/votes";
import { DeadLetterEnvelope } from "../../queues/dead-letters";

// ---------------------------------------------------------------- builders

function voteMessage(overrides: Partial<VoteMessage> = {}): VoteMessage {
  const now = Date.now();
  const message: VoteMessage = {
    v: 1,
    battleId: crypto.randomUUID(),
    mode: "anonymous",
    modelA: "demo-pebble",
    modelB: "demo-wisteria",
    winner: "a",
    voterHash: "3f".repeat(32),
    createdAt: now - 120_000,
    votedAt: now,
    turns: 2,
    userTokens: 17,
    style: {
      a: {
        tokens: 143,
        header: { h1: 1, h2: 2, h3: 0, h4: 0, h5: 0, h6: 1 },
        list: { ordered: 3, unordered: 0 },
        bold: { "**": 4, __: 0 },
      },
      b: {
        tokens: 58,
        header: { h1: 0, h2: 0, h3: 5, h4: 0, h5: 0, h6: 0 },
        list: { ordered: 0, unordered: 7 },
        bold: { "**": 0, __: 2 },
      },
    },
    language: null,
    excludedReason: null,
    samplingProbability: 0.125,
    consent: false,
    ...overrides,
  };
  // The builder itself must satisfy the producer's schema, or these tests would test nothing.
  return VoteMessage.parse(message);
}

/** What createMessageBatch() takes per message (the runtime types generated for this project do not declare it). */
interface QueuedMessage<T> {
  id: string;
  timestamp: Date;
  attempts: number;
  body: T;
}
interface RetryRequest {
  msgId: string;
  delaySeconds: number | undefined;
}

let seq = 0;
const message = <T>(body: T, attempts = 1): QueuedMessage<T> => ({
  id: `msg-${++seq}-${crypto.randomUUID()}`,
  timestamp: new Date(),
  attempts,
  body,
});

/**
 * Runs the exported worker's queue handler on a fresh batch and returns the ack/retry outcome.
 * getQueueResult() in vitest-pool-workers 0.15.1 reports retried messages as `{ msgId }` only (its QueueMessage.retry()
 * ignores its options), so the requested delays are read from a spy on each message's retry() and merged back in.
 */
async function deliver<T>(queue: string, messages: QueuedMessage<T>[], useEnv: Env = env) {
  const batch = createMessageBatch<T>(queue, messages);
  const delays = new Map<string, number | undefined>();
  for (const m of batch.messages) {
    const original = m.retry.bind(m);
    vi.spyOn(m, "retry").mockImplementation((options?: QueueRetryOptions) => {
      delays.set(m.id, options?.delaySeconds);
      original(options);
    });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, useEnv);
  const result = await getQueueResult(batch, ctx);
  const retryMessages: RetryRequest[] = (result.retryMessages as { msgId: string }[]).map((r) => ({
    msgId: r.msgId,
    delaySeconds: delays.get(r.msgId),
  }));
  return { ackAll: result.ackAll as boolean, explicitAcks: result.explicitAcks as string[], retryMessages };
}

async function battleRows(id: string) {
  return (await env.DB.prepare("SELECT * FROM battles WHERE id = ?").bind(id).all<Record<string, unknown>>()).results;
}

async function deadLettersContaining(marker: string) {
  return (
    await env.DB.prepare("SELECT * FROM dead_letters WHERE body LIKE ? ORDER BY received_at")
      .bind(`%${marker}%`)
      .all<{ id: string; queue: string; reason: string; body: string; attempts: number; received_at: number }>()
  ).results;
}

/** A D1 binding that is down: every statement and every batch rejects. */
function brokenD1(): D1Database {
  const down = async () => {
    throw new Error("D1_ERROR: Network connection lost.");
  };
  const statement: any = {
    bind: () => statement,
    first: down,
    run: down,
    all: down,
    raw: down,
  };
  return {
    prepare: () => statement,
    batch: down,
    exec: down,
    dump: down,
    withSession: () => {
      throw new Error("D1_ERROR: Network connection lost.");
    },
  } as unknown as D1Database;
}

/** A DLQ producer that records what the batch worker forwards instead of sending it. */
function capturingDlq() {
  const sent: unknown[] = [];
  const queue = {
    send: async (body: unknown) => {
      sent.push(body);
    },
    sendBatch: async (batch: Iterable<MessageSendRequest>) => {
      for (const m of batch) sent.push(m.body);
    },
  } as unknown as Queue;
  return { sent, queue };
}

// ---------------------------------------------------------------- 1. idempotent write, FastChat mapping

describe("arena-votes consumer: one row per vote", () => {
  it("writes a vote delivered in two batches exactly once, with the columns as sent", async () => {
    const vote = voteMessage({ winner: "b", language: "en", turns: 3, userTokens: 42, consent: false });
    const first = message(vote);
    const r1 = await deliver(VOTES_QUEUE, [first]);
    expect(r1.retryMessages).toEqual([]);
    expect(r1.explicitAcks).toEqual([first.id]);

    const second = message(vote, 2); // redelivery, e.g. after the ack was lost
    const r2 = await deliver(VOTES_QUEUE, [second]);
    expect(r2.retryMessages).toEqual([]);
    expect(r2.explicitAcks).toEqual([second.id]);

    const rows = await battleRows(vote.battleId);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      id: vote.battleId,
      mode: "anonymous",
      anony: 1,
      model_a: "demo-pebble",
      model_b: "demo-wisteria",
      winner: "model_b",
      voter_hash: vote.voterHash,
      created_at: vote.createdAt,
      voted_at: vote.votedAt,
      turns: 3,
      user_tokens: 42,
      tokens_a: 143,
      tokens_b: 58,
      language: "en",
      excluded_reason: null,
      sampling_probability: 0.125,
      consent: 0,
      transcript_key: null,
    });
    expect(JSON.parse(row.header_count_a as string)).toEqual(vote.style.a.header);
    expect(JSON.parse(row.header_count_b as string)).toEqual(vote.style.b.header);
    expect(JSON.parse(row.list_count_a as string)).toEqual(vote.style.a.list);
    expect(JSON.parse(row.list_count_b as string)).toEqual(vote.style.b.list);
    expect(JSON.parse(row.bold_count_a as string)).toEqual(vote.style.a.bold);
    expect(JSON.parse(row.bold_count_b as string)).toEqual(vote.style.b.bold);
    expect(JSON.parse(row.categories as string)).toEqual([]);
  });

  it("writes a vote delivered twice within one batch exactly once and acks both copies", async () => {
    const vote = voteMessage({ winner: "tie" });
    const copies = [message(vote), message(vote)];
    const result = await deliver(VOTES_QUEUE, copies);
    expect(result.retryMessages).toEqual([]);
    expect([...result.explicitAcks].sort()).toEqual(copies.map((m) => m.id).sort());
    const rows = await battleRows(vote.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.winner).toBe("tie");
  });

  it("maps every API winner to its FastChat value", async () => {
    const expected = { a: "model_a", b: "model_b", tie: "tie", bothbad: "tie (bothbad)" } as const;
    const votes = (Object.keys(expected) as (keyof typeof expected)[]).map((winner) => voteMessage({ winner }));
    const result = await deliver(
      VOTES_QUEUE,
      votes.map((v) => message(v)),
    );
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(4);
    for (const v of votes) {
      const rows = await battleRows(v.battleId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.winner).toBe(expected[v.winner]);
    }
  });

  it("stores a named side-by-side vote as not anonymous, with its exclusion reason and null probability", async () => {
    const vote = voteMessage({
      mode: "side-by-side",
      samplingProbability: null,
      excludedReason: "provider_error",
      winner: "bothbad",
    });
    await deliver(VOTES_QUEUE, [message(vote)]);
    const rows = await battleRows(vote.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      mode: "side-by-side",
      anony: 0,
      winner: "tie (bothbad)",
      sampling_probability: null,
      excluded_reason: "provider_error",
    });
  });

  it("records a consented vote whose battle has already expired as metadata only (no transcript key)", async () => {
    // Retention defaults to "consented": the consumer asks the battle's DO for the transcript; there is none.
    const vote = voteMessage({ consent: true });
    const result = await deliver(VOTES_QUEUE, [message(vote)]);
    expect(result.retryMessages).toEqual([]);
    const rows = await battleRows(vote.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ consent: 1, transcript_key: null });
  });
});

// ---------------------------------------------------------------- 2. D1 down: retry with backoff, then land

describe("arena-votes consumer: D1 failure", () => {
  it("backs off exponentially from 2 s and caps at 300 s", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50].map(retryDelaySeconds);
    expect(delays).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    expect(retryDelaySeconds(0)).toBe(2); // never zero, even for a nonsensical attempt count
  });

  it("retries every valid message with a growing delay, acks nothing, writes nothing; redelivery lands", async () => {
    const votes = [voteMessage({ winner: "a" }), voteMessage({ winner: "b" }), voteMessage({ winner: "bothbad" })];
    const msgs = [message(votes[0]!, 1), message(votes[1]!, 3), message(votes[2]!, 12)];
    const result = await deliver(VOTES_QUEUE, msgs, { ...env, DB: brokenD1() });

    expect(result.ackAll).toBe(false);
    expect(result.explicitAcks).toEqual([]);
    const delays = new Map(result.retryMessages.map((r) => [r.msgId, r.delaySeconds]));
    expect(delays.size).toBe(3);
    expect(delays.get(msgs[0]!.id)).toBe(2);
    expect(delays.get(msgs[1]!.id)).toBe(8);
    expect(delays.get(msgs[2]!.id)).toBe(300);
    for (const v of votes) expect(await battleRows(v.battleId)).toHaveLength(0);

    // The platform redelivers the same messages once D1 is back.
    const again = msgs.map((m) => message(m.body, m.attempts + 1));
    const landed = await deliver(VOTES_QUEUE, again);
    expect(landed.retryMessages).toEqual([]);
    expect([...landed.explicitAcks].sort()).toEqual(again.map((m) => m.id).sort());
    for (const v of votes) expect(await battleRows(v.battleId)).toHaveLength(1);
  });

  it("does not forward valid votes to the DLQ when D1 fails (they are retried, not dead-lettered)", async () => {
    const dlq = capturingDlq();
    const vote = voteMessage();
    const result = await deliver(VOTES_QUEUE, [message(vote)], { ...env, DB: brokenD1(), VOTES_DLQ: dlq.queue });
    expect(result.retryMessages).toHaveLength(1);
    expect(dlq.sent).toEqual([]);
  });
});

// ---------------------------------------------------------------- 3. poison messages

describe("arena-votes consumer: poison messages", () => {
  it("acks a poison message, writes no battle, and forwards it with an 'invalid:' reason to the DLQ", async () => {
    const poison = { ...voteMessage(), winner: "model_a" }; // not an API winner value
    const dlq = capturingDlq();
    const msg = message(poison);
    const result = await deliver(VOTES_QUEUE, [msg], { ...env, VOTES_DLQ: dlq.queue });

    expect(result.explicitAcks).toEqual([msg.id]);
    expect(result.retryMessages).toEqual([]);
    expect(await battleRows(poison.battleId)).toHaveLength(0);
    expect(dlq.sent).toHaveLength(1);
    const letter = DeadLetterEnvelope.parse(dlq.sent[0]);
    expect(letter).toMatchObject({ kind: "dead-letter", sourceQueue: VOTES_QUEUE, attempts: 1, body: poison });
    expect(letter.reason).toMatch(/^invalid:/);
    expect(letter.reason).toContain("winner");

    // Unit path of the DLQ consumer: the forwarded envelope, as the DLQ would deliver it.
    const dlqMsg = message(letter);
    const recorded = await deliver(VOTES_DLQ, [dlqMsg]);
    expect(recorded.ackAll).toBe(true);
    expect(recorded.retryMessages).toEqual([]);
    const rows = await deadLettersContaining(poison.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).toBe(letter.reason);
    expect(rows[0]!.reason).toMatch(/^invalid:/);
    expect(rows[0]!.queue).toBe(VOTES_QUEUE);
    expect(JSON.parse(rows[0]!.body)).toEqual(poison);
  });

  it("retries a poison message (instead of dropping it) when the DLQ itself cannot be reached", async () => {
    const poison = { battleId: crypto.randomUUID(), nonsense: true };
    const down = { send: async () => Promise.reject(new Error("queue unavailable")) } as unknown as Queue;
    const msg = message(poison, 4);
    const result = await deliver(VOTES_QUEUE, [msg], { ...env, VOTES_DLQ: down });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: msg.id, delaySeconds: retryDelaySeconds(4) }]);
  });

  it("end to end: a poison message sent to arena-votes ends up in dead_letters, not in battles", async () => {
    const marker = crypto.randomUUID();
    const poison = { ...voteMessage({ battleId: marker }), voterHash: "192.0.2.1" }; // a raw IP is never accepted
    await env.VOTES.send(poison, { contentType: "json" });

    await expect.poll(async () => (await deadLettersContaining(marker)).length, { timeout: 10_000 }).toBe(1);
    const [row] = await deadLettersContaining(marker);
    expect(row!.reason).toMatch(/^invalid:/);
    expect(row!.reason).toContain("voterHash");
    expect(row!.queue).toBe(VOTES_QUEUE);
    expect(JSON.parse(row!.body)).toEqual(poison);
    expect(await battleRows(marker)).toHaveLength(0);
  });

  it("end to end: a body that is not even an object is dead-lettered with its original content", async () => {
    const marker = crypto.randomUUID();
    const body = `not a vote ${marker}`;
    await env.VOTES.send(body, { contentType: "json" });
    await expect.poll(async () => (await deadLettersContaining(marker)).length, { timeout: 10_000 }).toBe(1);
    const [row] = await deadLettersContaining(marker);
    expect(row!.reason).toMatch(/^invalid:/);
    expect(JSON.parse(row!.body)).toBe(body);
  });
});

// ---------------------------------------------------------------- 4. raw dead letters (after max_retries)

describe("arena-votes-dlq consumer: raw dead letters", () => {
  it("records a raw message as max_retries_exceeded, once even when delivered twice", async () => {
    const vote = voteMessage();
    const a = message(vote, 1);
    const b = message(vote, 1);
    const r1 = await deliver(VOTES_DLQ, [a, b]); // twice in one batch
    expect(r1.ackAll).toBe(true);
    expect(r1.retryMessages).toEqual([]);
    const r2 = await deliver(VOTES_DLQ, [message(vote, 2)]); // and again later
    expect(r2.ackAll).toBe(true);

    const rows = await deadLettersContaining(vote.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: "max_retries_exceeded", queue: VOTES_QUEUE });
    expect(JSON.parse(rows[0]!.body)).toEqual(vote);
    // A valid vote that ran out of retries is still written (once, idempotently); the dead letter is the audit trail.
    expect(await battleRows(vote.battleId)).toHaveLength(1);
  });

  it("records the same forwarded poison envelope once when the DLQ redelivers it", async () => {
    const poison = { ...voteMessage(), turns: 0 };
    const envelope = {
      kind: "dead-letter",
      reason: "invalid: turns Too small",
      sourceQueue: VOTES_QUEUE,
      attempts: 1,
      body: poison,
    };
    await deliver(VOTES_DLQ, [message(envelope)]);
    await deliver(VOTES_DLQ, [message(envelope, 2)]);
    const rows = await deadLettersContaining(poison.battleId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).toBe("invalid: turns Too small");
  });

  it("retries dead letters (acks nothing) while D1 is down", async () => {
    const vote = voteMessage();
    const msg = message(vote, 3);
    const result = await deliver(VOTES_DLQ, [msg], { ...env, DB: brokenD1() });
    expect(result.ackAll).toBe(false);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: msg.id, delaySeconds: 8 }]);
    expect(await deadLettersContaining(vote.battleId)).toHaveLength(0);
  });

  it("end to end: a message the platform moved to arena-votes-dlq is recorded once", async () => {
    const vote = voteMessage();
    const sentinel = voteMessage();
    await env.VOTES_DLQ.send(vote, { contentType: "json" });
    await env.VOTES_DLQ.send(vote, { contentType: "json" });
    await env.VOTES_DLQ.send(sentinel, { contentType: "json" }); // sent last: once it is recorded, so are the others
    await expect.poll(async () => (await deadLettersContaining(sentinel.battleId)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await deadLettersContaining(vote.battleId)).length, { timeout: 10_000 }).toBe(1);
    const [row] = await deadLettersContaining(vote.battleId);
    expect(row!.reason).toBe("max_retries_exceeded");
    expect(JSON.parse(row!.body)).toEqual(vote);
  });
});

// ---------------------------------------------------------------- 5. mixed batch

describe("arena-votes consumer: mixed batches", () => {
  it("writes the valid votes, dead-letters the invalid one, and loses nothing", async () => {
    const good1 = voteMessage({ winner: "a" });
    const good2 = voteMessage({ winner: "tie" });
    const marker = crypto.randomUUID();
    const bad = { ...voteMessage({ battleId: marker }), extra: "field" }; // the schema is strict
    const msgs = [message(good1), message(bad), message(good2), message(good1)];
    const result = await deliver(VOTES_QUEUE, msgs);

    expect(result.retryMessages).toEqual([]);
    expect([...result.explicitAcks].sort()).toEqual(msgs.map((m) => m.id).sort());
    expect(await battleRows(good1.battleId)).toHaveLength(1);
    expect(await battleRows(good2.battleId)).toHaveLength(1);
    expect((await battleRows(good1.battleId))[0]!.winner).toBe("model_a");
    expect((await battleRows(good2.battleId))[0]!.winner).toBe("tie");
    expect(await battleRows(marker)).toHaveLength(0);

    // The invalid message went to the real arena-votes-dlq; its consumer records it.
    await expect.poll(async () => (await deadLettersContaining(marker)).length, { timeout: 10_000 }).toBe(1);
    const [row] = await deadLettersContaining(marker);
    expect(row!.reason).toMatch(/^invalid:/);
    expect(JSON.parse(row!.body)).toEqual(bad);
  });

  it("when D1 fails on a mixed batch, the invalid message is still dead-lettered and the valid ones retried", async () => {
    const good = voteMessage();
    const bad = { ...voteMessage(), mode: "chat" };
    const dlq = capturingDlq();
    const msgs = [message(good, 2), message(bad, 2)];
    const result = await deliver(VOTES_QUEUE, msgs, { ...env, DB: brokenD1(), VOTES_DLQ: dlq.queue });
    expect(result.explicitAcks).toEqual([msgs[1]!.id]);
    expect(result.retryMessages).toEqual([{ msgId: msgs[0]!.id, delaySeconds: 4 }]);
    expect(dlq.sent).toHaveLength(1);
    expect(DeadLetterEnvelope.parse(dlq.sent[0]).body).toEqual(bad);
    expect(await battleRows(good.battleId)).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- 6. dispatch by queue name

describe("queue dispatch", () => {
  it("a batch from an unknown queue is logged and retried whole: nothing is written or dead-lettered", async () => {
    const vote = voteMessage();
    const msgs = [message(vote), message({ not: "a vote" })];
    const dlq = capturingDlq();
    const batch = createMessageBatch<unknown>("arena-unknown", msgs);
    const ctx = createExecutionContext();
    const errors: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((...args) => void errors.push(args.join(" ")));
    try {
      await worker.queue(batch, { ...env, VOTES_DLQ: dlq.queue });
    } finally {
      spy.mockRestore();
    }
    const result = await getQueueResult(batch, ctx);
    expect(result.retryBatch.retry).toBe(true);
    expect(result.ackAll).toBe(false);
    expect(result.explicitAcks).toEqual([]);
    expect(await battleRows(vote.battleId)).toHaveLength(0);
    expect(dlq.sent).toEqual([]);
    expect(errors.some((l) => l.includes('"queue.unknown"') && l.includes('"arena-unknown"'))).toBe(true);
  });
});
