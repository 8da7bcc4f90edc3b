// Maintenance pass 5, prune: the daily vote-cap counters (durable-objects/vote-cap.ts) older than two days.
import { pruneVoterDailyVotes } from "../../../d1/maintenance";
import type { Db } from "../../../d1/queries";
import { utcDay } from "../../../shared/core/time";

/** Days of vote-cap counters kept besides today's. */
export const VOTE_COUNTER_DAYS = 2;

export async function pruneVoteCounters(d: Db, now: number): Promise<number> {
  return pruneVoterDailyVotes(d, utcDay(now - VOTE_COUNTER_DAYS * 86_400_000));
}
