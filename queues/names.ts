// The queues of wrangler.toml ([[queues.producers]] / [[queues.consumers]]), by name. The batch worker dispatches on
// these names (workers/batch/index.ts), so a queue added to wrangler.toml needs a name here and a branch there.

/** Finished battles' votes, produced by the battle Durable Object's outbox (durable-objects/outbox.ts). */
export const VOTES_QUEUE = "arena-votes";
/** Votes the consumer could not use: poison messages with their reason, and messages out of retries. */
export const VOTES_DLQ = "arena-votes-dlq";
/** LLM-judge label jobs (queues/labels.ts), one battle per message. */
export const LABELS_QUEUE = "arena-labels";

/** Finished Red Team games (queues/games.ts), produced by the GameRoom DO's outbox. */
export const REDTEAM_QUEUE = "arena-redteam";

/** LLM-judge evaluation work (queues/evals.ts): one answer, one judgment or one job's scoring per message. */
export const EVALS_QUEUE = "arena-evals";

/** Parts of a fanned-out leaderboard recompute (queues/recompute.ts): one board per message. */
export const RECOMPUTE_QUEUE = "arena-recompute";

export type QueueName =
  | typeof VOTES_QUEUE
  | typeof VOTES_DLQ
  | typeof LABELS_QUEUE
  | typeof REDTEAM_QUEUE
  | typeof EVALS_QUEUE
  | typeof RECOMPUTE_QUEUE;
