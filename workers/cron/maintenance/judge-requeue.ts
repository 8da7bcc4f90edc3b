// Maintenance pass 2, judge jobs: battles without current LLM-judge labels (missing, stale prompt versions or
// another labeller) are queued on arena-labels, again after JUDGE_REQUEUE_MS if the first job was lost.
import { judgeDueBattles } from "../../../d1/maintenance";
import { markJudgeRequested, type Db } from "../../../d1/queries";
import { LabelJob, sendLabelJobs } from "../../../queues/labels";
import { readConfig } from "../../../shared/core/config";
import { log } from "../../../shared/core/log";
import { judgeRevision } from "../../../shared/data/labels/judge";

export const JUDGE_BATCH = 500;
export const JUDGE_REQUEUE_MS = 15 * 60_000;

/** Queues the judge jobs that are due; returns how many were sent. */
export async function requeueJudge(env: Env, d: Db, now: number): Promise<number> {
  const labeller = readConfig(env).labeller;
  if (labeller === "off") return 0;
  const rev = judgeRevision(labeller);
  const ids = await judgeDueBattles(d, rev, now - JUDGE_REQUEUE_MS, JUDGE_BATCH);
  if (ids.length === 0) return 0;
  // Battle ids are UUIDs (the DO makes them); a row imported with another id cannot become a job: skip it, marked
  // as requested like the rest, instead of failing every run on it.
  const valid = ids.filter((id) => LabelJob.shape.battleId.safeParse(id).success);
  if (valid.length < ids.length) log.info("maintenance.judge_skipped", { battles: ids.length - valid.length });
  await sendLabelJobs(
    env.LABELS,
    valid.map((battleId) => ({ kind: "judge", battleId, rev })),
  );
  await markJudgeRequested(d, ids, now);
  return valid.length;
}
