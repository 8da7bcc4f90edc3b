// The LLM-judge label job (DESIGN section 8): one battle per message on `arena-labels`, produced by the vote consumer
// for each new clean anonymous battle and by maintenance for battles whose judge labels are stale or missing.
import { z } from "zod";
import { chunk } from "../shared/core/chunk";
import { QUEUE_SEND_BATCH_MAX } from "./limits";

export const LabelJob = z
  .object({
    kind: z.literal("judge"),
    battleId: z.uuid(),
    /** The judge revision wanted (labeller and prompt versions); a job for an older revision is dropped. */
    rev: z.string().min(1).max(512),
  })
  .strict();
export type LabelJob = z.infer<typeof LabelJob>;

/** Sends the jobs in as few sendBatch calls as the queue allows, validating each. */
export async function sendLabelJobs(queue: Queue, jobs: readonly LabelJob[]): Promise<void> {
  for (const slice of chunk(jobs, QUEUE_SEND_BATCH_MAX)) {
    await queue.sendBatch(slice.map((body) => ({ body: LabelJob.parse(body), contentType: "json" })));
  }
}
