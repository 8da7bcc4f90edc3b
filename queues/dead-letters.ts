// Dead letters: votes the batch worker could not use. Poison messages (failing validation) are forwarded by the
// batch worker with the reason; messages that exhausted their retries arrive here raw, moved by the platform.
// The DLQ consumer records both in D1 `dead_letters`, so nothing accepted is ever silently dropped.
import { z } from "zod";
import { VOTES_QUEUE } from "./names";

export const DeadLetterEnvelope = z.object({
  kind: z.literal("dead-letter"),
  reason: z.string(),
  sourceQueue: z.string(),
  attempts: z.number().int().min(0),
  body: z.unknown(),
});
export type DeadLetterEnvelope = z.infer<typeof DeadLetterEnvelope>;

export async function sendDeadLetter(queue: Queue, letter: Omit<DeadLetterEnvelope, "kind">): Promise<void> {
  await queue.send({ kind: "dead-letter", ...letter } satisfies DeadLetterEnvelope, { contentType: "json" });
}

/** Normalises whatever arrives on the DLQ into one record shape. */
export function describeDeadLetter(
  body: unknown,
  attempts: number,
): { reason: string; sourceQueue: string; attempts: number; body: unknown } {
  const parsed = DeadLetterEnvelope.safeParse(body);
  if (parsed.success) return parsed.data;
  return { reason: "max_retries_exceeded", sourceQueue: VOTES_QUEUE, attempts, body };
}
