// Queue consumer (DESIGN section 8): one handler for the queues of queues/names.ts, dispatched by name.
// arena-votes: validate, copy retained transcripts to R2, write the whole batch to D1 in one idempotent statement
// batch, retry with backoff on failure, forward poison messages to the DLQ.
// arena-votes-dlq: record every dead letter in D1 so nothing is silently dropped (invariant 3).
// arena-labels: LLM-judge label jobs (./labels.ts).
// arena-redteam: finished Red Team games (./games.ts).
// arena-evals: LLM-judge evaluation work, one answer, judgment or scoring per message (./evals.ts).
// arena-recompute is not here: the entry (workers/index.ts) hands it to the cron, whose fan-out it is.
// Any other queue is a configuration error: logged, and its messages retried, never taken for votes.
import { db, insertBattle, insertDeadLetter, insertNewLabels } from "../../d1/queries";
import { handleEvalMessages } from "./evals";
import { writeGames } from "./games";
import { handleLabelJobs, requestJudgeLabels } from "./labels";
import { validMessages } from "./poison";
import { retryDelaySeconds } from "./retry";
import { voteLabelRows, voteToRow } from "./vote-row";
import { describeDeadLetter } from "../../queues/dead-letters";
import { EVALS_QUEUE, LABELS_QUEUE, REDTEAM_QUEUE, VOTES_DLQ, VOTES_QUEUE } from "../../queues/names";
import { VoteMessage } from "../../queues/votes";
import { readConfig } from "../../shared/core/config";
import { sha256Hex } from "../../shared/core/crypto";
import { retainTranscript } from "../../shared/battle/transcript";
import { log } from "../../shared/core/log";

export { retryDelaySeconds };

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  switch (batch.queue) {
    case VOTES_QUEUE:
      return writeVotes(batch, env);
    case VOTES_DLQ:
      return recordDeadLetters(batch, env);
    case LABELS_QUEUE:
      return handleLabelJobs(batch, env);
    case REDTEAM_QUEUE:
      return writeGames(batch, env);
    case EVALS_QUEUE:
      return handleEvalMessages(batch, env);
    default:
      // A consumer in wrangler.toml without a branch here: keep the messages (the queue's retries and DLQ apply).
      log.error("queue.unknown", { queue: batch.queue, count: batch.messages.length });
      batch.retryAll();
  }
}

async function writeVotes(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const valid = (await validMessages(batch, env, VoteMessage, "vote")).map(({ msg, body }) => ({ msg, vote: body }));
  if (valid.length === 0) return;

  try {
    const now = Date.now();
    const config = readConfig(env);
    // Benchmarks only (QUEUE_FAULT_RATE): fail this batch before or after its write, as a crash would.
    const fault = config.queueFaultRate > 0 && Math.random() < config.queueFaultRate ? faultPoint() : null;
    if (fault === "before") throw new Error("injected fault before the D1 write");
    const keys = await Promise.all(
      valid.map(({ msg, vote }) => retainTranscript(env, vote, config.transcriptRetention, msg.attempts)),
    );
    const d = db(env.DB);
    // One statement batch (one transaction): each battle row, then its heuristic label rows.
    const statements: (ReturnType<typeof insertBattle> | NonNullable<ReturnType<typeof insertNewLabels>>)[] = [];
    const battlePositions: number[] = [];
    valid.forEach(({ vote }, i) => {
      battlePositions.push(statements.length);
      statements.push(insertBattle(d, voteToRow(vote, now, keys[i] ?? null)));
      const labels = insertNewLabels(d, voteLabelRows(vote, now));
      if (labels) statements.push(labels);
    });
    const results = await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
    const inserted = battlePositions.reduce((n, i) => n + changesOf(results[i]), 0);
    if (fault === "after") throw new Error("injected fault after the D1 write");
    for (const { msg } of valid) msg.ack();
    log.info("vote.batch_written", {
      queue: batch.queue,
      count: valid.length,
      inserted,
      duplicates: valid.length - inserted,
    });
    await requestJudgeLabels(
      env,
      valid.map(({ vote }) => vote),
      now,
    );
  } catch (err) {
    log.error("vote.batch_failed", { queue: batch.queue, count: valid.length, err: String(err) });
    for (const { msg } of valid) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}

const faultPoint = (): "before" | "after" => (Math.random() < 0.5 ? "before" : "after");

/** Rows a statement changed, from its D1 result (0 for a redelivered vote that hit the primary key). */
function changesOf(result: unknown): number {
  const meta = (result as { meta?: { changes?: number } } | undefined)?.meta;
  return typeof meta?.changes === "number" ? meta.changes : 0;
}

async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const d = db(env.DB);
  const now = Date.now();
  try {
    // Ids first: a drizzle query is a thenable, so it must not be returned from an async callback (that runs it).
    const letters = await Promise.all(
      batch.messages.map(async (msg) => {
        const letter = describeDeadLetter(msg.body, msg.attempts);
        const body = JSON.stringify(letter.body) ?? "null";
        return { ...letter, raw: letter.body, body, id: await sha256Hex(`${letter.sourceQueue}\u0000${body}`) };
      }),
    );
    const rows = letters.flatMap((l) => {
      const record = insertDeadLetter(d, {
        id: l.id,
        queue: l.sourceQueue,
        reason: l.reason,
        body: l.body,
        attempts: l.attempts,
        receivedAt: now,
      });
      // A valid vote that ran out of retries (D1 was down for a while) is still written: idempotently, and the
      // dead letter stays as the audit trail of what happened.
      const vote = VoteMessage.safeParse(l.raw);
      if (!vote.success) return [record];
      const labels = insertNewLabels(d, voteLabelRows(vote.data, now));
      return labels
        ? [record, insertBattle(d, voteToRow(vote.data, now, null)), labels]
        : [record, insertBattle(d, voteToRow(vote.data, now, null))];
    });
    if (rows.length) await d.batch(rows as [(typeof rows)[number], ...typeof rows]);
    batch.ackAll();
    log.info("dlq.recorded", { count: rows.length });
  } catch (err) {
    log.error("dlq.record_failed", { count: batch.messages.length, err: String(err) });
    for (const msg of batch.messages) msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
  }
}
