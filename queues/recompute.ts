// One part of a fanned-out leaderboard recompute (issue 17): planned by the cron (workers/cron/recompute/plan.ts),
// consumed by workers/cron/recompute/part.ts. The message names the job and the part; everything else (the frozen
// table, the options) is in R2 and in the job's D1 row, so a message is a few dozen bytes however big the arena.
import { z } from "zod";

export const RECOMPUTE_MESSAGE_VERSION = 1;

/** A board's name, or CHANGES_PART for the overall board's change-over-time comparisons. */
export const CHANGES_PART = "@changes";

export const RecomputeMessage = z
  .object({
    v: z.literal(RECOMPUTE_MESSAGE_VERSION),
    job: z.string().min(1).max(64),
    part: z.string().min(1).max(128),
  })
  .strict();
export type RecomputeMessage = z.infer<typeof RecomputeMessage>;

/** Validates before sending; one batch call (Queues takes at most 100 messages per sendBatch). */
export async function sendRecomputeParts(queue: Queue, messages: RecomputeMessage[]): Promise<void> {
  const valid = messages.map((m) => RecomputeMessage.parse(m));
  for (let i = 0; i < valid.length; i += 100) {
    await queue.sendBatch(valid.slice(i, i + 100).map((body) => ({ body, contentType: "json" as const })));
  }
}
