// One leaderboard snapshot, fanned out (issue 17; the steps are in ./recompute): plan it (export, frozen table,
// one queue message per board), then wait until the consumers have published it, so the scheduled run — and
// `/__scheduled`, which `npm start` calls every minute — returns only once the snapshot is live, exactly as when
// one invocation computed everything. Waiting costs wall time, not CPU: a few D1 reads, spaced out.
import { db } from "../../d1/queries";
import { abandonRecomputeJob, recomputeJob } from "../../d1/recompute";
import { log } from "../../shared/core/log";
import { deleteJobObjects, PART_DEADLINE_MS, planSnapshot } from "./recompute/plan";

export { comparisonsAt, modelsFileEntries } from "./recompute/plan";

export interface Published {
  id: string;
  battles: number;
  sha256: string;
  /** True when nothing changed since the latest snapshot, which is returned as it is. */
  unchanged?: boolean;
  /** True when an earlier run's snapshot was still being computed: this run waited for that one. */
  inProgress?: boolean;
}

export interface PublishOptions {
  /** How long to wait for the parts (default PART_DEADLINE_MS); past it, a still-running job is abandoned. */
  waitMs?: number;
}

/** Publishes a snapshot of everything recorded up to `now`; returns null while there is nothing to rate. */
export async function publishSnapshot(
  env: Env,
  now = Date.now(),
  opts: PublishOptions = {},
): Promise<Published | null> {
  const outcome = await planSnapshot(env, now);
  if (outcome.kind === "nothing") return null;
  if (outcome.kind === "unchanged") {
    const { id, battles, sha256 } = outcome;
    return { id, battles, sha256, unchanged: true };
  }
  const jobId = outcome.kind === "planned" ? outcome.job : outcome.job.id;
  const published = await awaitJob(env, jobId, opts.waitMs ?? PART_DEADLINE_MS);
  return outcome.kind === "in-progress" ? { ...published, inProgress: true } : published;
}

/**
 * Polls the job until it is published (its snapshot row then exists) and returns it. Past `waitMs` a job still
 * running is abandoned (its objects deleted; the previous snapshot stays live) and this throws; a job already
 * publishing is waited for a little longer, since abandoning it could race its last batch.
 */
export async function awaitJob(env: Env, jobId: string, waitMs: number): Promise<Published> {
  const d = db(env.DB);
  const started = Date.now();
  for (let poll = 0; ; poll++) {
    const job = await recomputeJob(d, jobId);
    if (!job) throw new Error(`recompute job ${jobId} vanished`);
    if (job.state === "published") {
      const plan = JSON.parse(job.plan) as { export: { lines: number; sha256: string } };
      return { id: jobId, battles: plan.export.lines, sha256: plan.export.sha256 };
    }
    if (job.state === "abandoned") throw new Error(`snapshot ${jobId} was abandoned: ${job.error ?? "no reason"}`);
    const waited = Date.now() - started;
    if (waited > waitMs && job.state === "running") {
      const reason = `parts done ${job.partsDone}/${job.partsTotal} after ${Math.round(waited / 1000)} s`;
      if (await abandonRecomputeJob(d, jobId, reason, Date.now())) {
        await deleteJobObjects(env, jobId, true);
        log.warn("leaderboard.abandoned", { snapshot: jobId, reason });
        throw new Error(`snapshot ${jobId} abandoned: ${reason}`);
      }
      continue; // it moved to publishing meanwhile: wait for that
    }
    if (waited > waitMs + 5 * 60_000) throw new Error(`snapshot ${jobId} still publishing after ${waited} ms`);
    // Quick polls first (a small arena publishes in well under a second), then every 2 s: ~150 D1 reads per 5 min.
    await new Promise((resolve) => setTimeout(resolve, poll < 40 ? 100 : 2000));
  }
}
