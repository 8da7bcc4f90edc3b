// The LLM-judge label job (DESIGN section 8): one battle per message on `arena-labels`, produced by the vote consumer
// for each new clean anonymous battle and by maintenance for battles whose judge labels are stale or missing.
import { z } from "zod";

export const LabelJob = z
  .object({
    kind: z.literal("judge"),
    battleId: z.uuid(),
    /** The judge revision wanted (labeller and prompt versions); a job for an older revision is dropped. */
    rev: z.string().min(1).max(512),
  })
  .strict();
export type LabelJob = z.infer<typeof LabelJob>;

/** Queue sendBatch takes at most 100 messages. */
export async function sendLabelJobs(queue: Queue, jobs: readonly LabelJob[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += 100) {
    await queue.sendBatch(jobs.slice(i, i + 100).map((body) => ({ body: LabelJob.parse(body), contentType: "json" })));
  }
}
