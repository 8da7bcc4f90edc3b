// D1 side of the fanned-out leaderboard recompute (issue 17, workers/cron/recompute): the job row each snapshot
// is planned into, the parts done, and the state changes that make publication happen once and abandonment never
// race it (each is one conditional UPDATE, so D1's serialised writes decide who wins).
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./queries";
import * as schema from "./schema";

export type RecomputeJob = typeof schema.recomputeJobs.$inferSelect;

const jobs = schema.recomputeJobs;
const parts = schema.recomputeParts;

export async function insertRecomputeJob(
  d: Db,
  row: { id: string; createdAt: number; partsTotal: number; plan: string },
): Promise<void> {
  await d.insert(jobs).values({ ...row, state: "running", updatedAt: row.createdAt, partsDone: 0 });
}

export async function recomputeJob(d: Db, id: string): Promise<RecomputeJob | undefined> {
  return d.select().from(jobs).where(eq(jobs.id, id)).get();
}

/** The newest job still in flight (running or publishing), if any. */
export async function activeRecomputeJob(d: Db): Promise<RecomputeJob | undefined> {
  return d
    .select()
    .from(jobs)
    .where(inArray(jobs.state, ["running", "publishing"]))
    .orderBy(desc(jobs.createdAt))
    .limit(1)
    .get();
}

export async function isPartDone(d: Db, jobId: string, part: string): Promise<boolean> {
  const row = await d
    .select({ part: parts.part })
    .from(parts)
    .where(and(eq(parts.jobId, jobId), eq(parts.part, part)))
    .get();
  return row !== undefined;
}

/**
 * Records a part as done (idempotent: a redelivered part counts once) and returns how many parts are done. One
 * transaction, so of two parts finishing at once exactly one sees the last count.
 */
export async function markPartDone(
  d: Db,
  jobId: string,
  part: string,
  ms: number,
  now: number,
): Promise<{ done: number; total: number; state: RecomputeJob["state"] } | undefined> {
  const [, updated] = await d.batch([
    d.insert(parts).values({ jobId, part, doneAt: now, ms }).onConflictDoNothing(),
    d
      .update(jobs)
      .set({
        partsDone: sql`(SELECT count(*) FROM ${parts} WHERE ${parts.jobId} = ${jobId})`,
        updatedAt: now,
      })
      .where(eq(jobs.id, jobId))
      .returning({ done: jobs.partsDone, total: jobs.partsTotal, state: jobs.state }),
  ]);
  return updated[0];
}

/** running|publishing → publishing: true when this caller may publish (a retry of a failed publication may too). */
export async function claimPublication(d: Db, jobId: string, now: number): Promise<boolean> {
  const rows = await d
    .update(jobs)
    .set({ state: "publishing", updatedAt: now })
    .where(and(eq(jobs.id, jobId), inArray(jobs.state, ["running", "publishing"])))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

/** The statement that ends a publication (put in the same batch as the snapshot's index row). */
export function markPublished(d: Db, jobId: string, now: number) {
  return d.update(jobs).set({ state: "published", updatedAt: now, error: null }).where(eq(jobs.id, jobId));
}

/**
 * running → abandoned; false when the job was already publishing (or done): then it is left to finish. With
 * `publishing: true` a publishing job is abandoned too — only for one whose publication has not moved for far longer
 * than it can take (its retries are spent), so that a stuck publication cannot hold every later snapshot back.
 */
export async function abandonRecomputeJob(
  d: Db,
  jobId: string,
  reason: string,
  now: number,
  opts: { publishing?: boolean } = {},
): Promise<boolean> {
  const states: RecomputeJob["state"][] = opts.publishing ? ["running", "publishing"] : ["running"];
  const rows = await d
    .update(jobs)
    .set({ state: "abandoned", updatedAt: now, error: reason.slice(0, 500) })
    .where(and(eq(jobs.id, jobId), inArray(jobs.state, states)))
    .returning({ id: jobs.id });
  return rows.length === 1;
}

/** Each done part's recorded time (the benchmark's per-invocation figures). */
export async function partTimes(d: Db, jobId: string): Promise<{ part: string; ms: number }[]> {
  return d.select({ part: parts.part, ms: parts.ms }).from(parts).where(eq(parts.jobId, jobId));
}
