// Per-voter daily vote cap (DESIGN section 4): a vote over the cap is accepted, but stored excluded with
// `vote_cap` and answered with counted:false. Counted in D1 (one atomic upsert per vote) by hashed voter and UTC day.
// RATE_LIMITS=off turns it off, as it does the per-IP limits.
import { countVoterVote, db } from "../d1/queries";
import { readConfig } from "../shared/core/config";
import { errorText, log } from "../shared/core/log";
import { utcDay } from "../shared/core/time";

/**
 * Counts this vote toward the voter's day and says whether it is over the cap. Fails open: if D1 cannot be reached
 * the vote counts (it is still subject to the anomalous-voter test later), because refusing votes on a hiccup is worse.
 */
export async function overVoteCap(env: Env, voterHash: string, now: number): Promise<boolean> {
  const config = readConfig(env);
  if (!config.rateLimits || config.voteCapPerDay <= 0) return false;
  try {
    const votes = await countVoterVote(db(env.DB), voterHash, utcDay(now));
    return votes > config.voteCapPerDay;
  } catch (err) {
    log.error("vote_cap.count_failed", { err: errorText(err) });
    return false;
  }
}
