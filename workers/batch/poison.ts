// The consumers' first step: split a delivery into the messages that match their schema and the poison ones. A
// poison message would fail forever, so it is forwarded to the dead-letter queue with its reason and acked (the DLQ
// consumer records it in D1 `dead_letters`); if forwarding fails, it is retried like any failed message.
import type { z } from "zod";
import { sendDeadLetter } from "../../queues/dead-letters";
import { describeIssues } from "../../shared/core/issues";
import { errorText, log } from "../../shared/core/log";
import { retryDelaySeconds } from "./retry";

/** The messages of `batch` whose body parses with `schema`; `event` prefixes the log lines ("vote", "redteam"). */
export async function validMessages<T>(
  batch: MessageBatch<unknown>,
  env: Env,
  schema: z.ZodType<T>,
  event: string,
): Promise<{ msg: Message<unknown>; body: T }[]> {
  const valid: { msg: Message<unknown>; body: T }[] = [];
  for (const msg of batch.messages) {
    const parsed = schema.safeParse(msg.body);
    if (parsed.success) {
      valid.push({ msg, body: parsed.data });
      continue;
    }
    try {
      // Every issue, "path message" ("(root)" for the message itself): the stored reason format.
      const reason = `invalid: ${describeIssues(parsed.error, { root: "(root)", separator: " ", max: Infinity })}`;
      await sendDeadLetter(env.VOTES_DLQ, {
        reason: reason.slice(0, 1000),
        sourceQueue: batch.queue,
        attempts: msg.attempts,
        body: msg.body,
      });
      log.error(`${event}.poison`, { queue: batch.queue, messageId: msg.id });
      msg.ack();
    } catch (err) {
      log.error(`${event}.dlq_send_failed`, { messageId: msg.id, err: errorText(err) });
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }
  return valid;
}
