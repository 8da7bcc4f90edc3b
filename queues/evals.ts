// The evaluation work messages (DESIGN section 13) on `arena-evals`: one answer of the evaluated model to one suite
// question, one judgment (a pairwise game, or the grade of one turn), or the scoring of a finished job. Produced by
// the job routes (answers) and the consumer itself (judgments once their answer is stored, finalize once every item
// is stored); consumed by workers/batch/evals.ts. Each is safe to deliver twice: its result has a D1 primary key.
import { z } from "zod";
import { chunk } from "../shared/core/chunk";
import { QUEUE_SEND_BATCH_MAX } from "./limits";

export const EVAL_MESSAGE_VERSION = 1;

const base = { v: z.literal(EVAL_MESSAGE_VERSION), jobId: z.uuid() };
const questionId = z.string().min(1).max(64);

export const EvalMessage = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("answer"), questionId }).strict(),
  z.object({ ...base, type: z.literal("judgment"), questionId, slot: z.number().int().min(1).max(10) }).strict(),
  z.object({ ...base, type: z.literal("finalize") }).strict(),
]);
export type EvalMessage = z.infer<typeof EvalMessage>;

/** Sends the messages in as few sendBatch calls as the queue allows, validating each first. */
export async function sendEvalMessages(
  queue: Queue,
  messages: readonly EvalMessage[],
  delaySeconds?: number,
): Promise<void> {
  for (const slice of chunk(messages, QUEUE_SEND_BATCH_MAX)) {
    await queue.sendBatch(
      slice.map((body) => ({
        body: EvalMessage.parse(body),
        contentType: "json" as const,
        ...(delaySeconds ? { delaySeconds } : {}),
      })),
    );
  }
}
