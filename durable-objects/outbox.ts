// The vote outbox (invariant 3): a vote is persisted in the BattleRoom before it is sent, and sent from here, by the
// vote() call first and then by the alarm until the queue takes it, with exponential backoff. A message that
// fails validation cannot be fixed by retrying: it goes to the dead-letter queue with the reason, so it is not lost.
import { VoteMessage, VOTE_MESSAGE_VERSION, sendVote } from "../queues/votes";
import { sendDeadLetter } from "../queues/dead-letters";
import { VOTES_QUEUE } from "../queues/names";
import { conversationFeatures, excludedReason } from "../shared/battle/vote-rules";
import { describeIssues } from "../shared/core/issues";
import { errorText, log } from "../shared/core/log";
import type { ModelRecord } from "../shared/models";
import { exclusionFacts, type BattleStore, type MetaRow, type TurnRow } from "./battle-store";

/** A vote's enqueue is retried from the alarm this soon if the first attempt does not complete. */
export const FIRST_RETRY_MS = 30_000;

/** After a failed enqueue: 2, 4, 8 … seconds, at most 5 minutes. */
const backoffMs = (attempts: number) => Math.min(300_000, 1000 * 2 ** Math.min(attempts, 9));

/** The vote message of a voted battle, from its stored state (DESIGN section 8). */
export async function buildVoteMessage(
  meta: MetaRow,
  turns: readonly TurnRow[],
  a: ModelRecord,
  b: ModelRecord,
): Promise<VoteMessage> {
  const features = await conversationFeatures(turns);
  return {
    v: VOTE_MESSAGE_VERSION,
    battleId: meta.id,
    mode: meta.mode === "side-by-side" ? "side-by-side" : "anonymous",
    modelA: a.id,
    modelB: b.id,
    winner: meta.winner!,
    voterHash: meta.voter_hash!,
    createdAt: meta.created_at,
    votedAt: meta.voted_at!,
    turns: features.turns,
    userTokens: features.userTokens,
    style: features.style,
    language: features.language,
    excludedReason: excludedReason(exclusionFacts(meta), turns),
    samplingProbability: meta.pair_probability,
    consent: meta.consent === 1,
    classification: features.classification,
  };
}

/** Sends the pending vote, if any. Never throws: a failure schedules the next attempt. */
export async function flushOutbox(store: BattleStore, env: Env): Promise<void> {
  const meta = store.meta();
  if (!meta || meta.outbox !== "pending") return;
  try {
    const message = await buildVoteMessage(meta, store.turns(), JSON.parse(meta.model_a), JSON.parse(meta.model_b!));
    const checked = VoteMessage.safeParse(message);
    if (checked.success) {
      await sendVote(env.VOTES, checked.data);
    } else {
      const reason = `invalid at producer: ${describeIssues(checked.error, { root: "(root)", separator: " ", max: Infinity })}`;
      await sendDeadLetter(env.VOTES_DLQ, {
        reason: reason.slice(0, 1000),
        sourceQueue: VOTES_QUEUE,
        attempts: meta.enqueue_attempts,
        body: message,
      });
      log.error("vote.invalid_message", { battle: meta.id, reason });
    }
    store.outboxSent();
  } catch (err) {
    const attempts = meta.enqueue_attempts + 1;
    store.outboxRetryAt(attempts, Date.now() + backoffMs(attempts));
    log.error("vote.enqueue_failed", { battle: meta.id, attempts, err: errorText(err) });
  }
}
