// Background data maintenance (DESIGN sections 8 and 9), one bounded pass per call. The scheduled handler
// (workers/cron/index.ts) calls runMaintenance(env) before it rates; tests and bench/votes.mjs call it directly.
// Every step is idempotent and resumable, so a pass cut short is finished by the next. One file per pass, in order:
//
// 1. relabel.ts: battles whose heuristic labels predate HEURISTICS_REVISION are re-labelled from their text.
// 2. judge-requeue.ts: battles without current LLM-judge labels are queued on arena-labels.
// 3. dedup.ts: FastChat's dedup tags over the rated battles (at most every DEDUP_INTERVAL_MS).
// 4. anomaly.ts: new anonymous votes feed the per-voter sequential test; a flagged voter's battles are excluded.
// 5. prune.ts: vote-cap counters older than two days.
//
// Their queries and the runner's cursor state are in d1/maintenance.ts.
import { db } from "../../../d1/queries";
import { log } from "../../../shared/core/log";
import { ANOMALY_BATCH, ANOMALY_SETTLE_MS, runAnomaly, type AnomalyReport } from "./anomaly";
import { runDedup, type DedupReport } from "./dedup";
import { requeueJudge } from "./judge-requeue";
import { pruneVoteCounters } from "./prune";
import { RELABEL_BATCH, relabelStale } from "./relabel";

export { ANOMALY_BATCH, ANOMALY_SETTLE_MS, fitNullModel } from "./anomaly";
export { DEDUP_INTERVAL_MS, DEDUP_QUERIES_PER_RUN, runDedup } from "./dedup";
export { JUDGE_BATCH, JUDGE_REQUEUE_MS } from "./judge-requeue";
export { RELABEL_BATCH, relabelBattle } from "./relabel";

export interface MaintenanceOptions {
  now?: number;
  /** Run dedup even if it ran less than DEDUP_INTERVAL_MS ago. */
  forceDedup?: boolean;
  relabelBatch?: number;
  anomalyBatch?: number;
  /** Settle window for the anomaly cursor (tests use 0). */
  settleMs?: number;
}

export interface MaintenanceReport {
  relabelled: number;
  judgeQueued: number;
  dedup: DedupReport;
  anomaly: AnomalyReport;
  pruned: number;
  ms: Record<string, number>;
}

export async function runMaintenance(env: Env, opts: MaintenanceOptions = {}): Promise<MaintenanceReport> {
  const d = db(env.DB);
  const now = opts.now ?? Date.now();
  const ms: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      ms[name] = Date.now() - t0;
    }
  };
  const relabelled = await timed("relabel", () => relabelStale(env, d, now, opts.relabelBatch ?? RELABEL_BATCH));
  const judgeQueued = await timed("judge", () => requeueJudge(env, d, now));
  const dedup = await timed("dedup", () => runDedup(d, now, opts.forceDedup ?? false));
  const anomaly = await timed("anomaly", () =>
    runAnomaly(env, d, now, opts.anomalyBatch ?? ANOMALY_BATCH, opts.settleMs ?? ANOMALY_SETTLE_MS),
  );
  const pruned = await timed("prune", () => pruneVoteCounters(d, now));
  const report = { relabelled, judgeQueued, dedup, anomaly, pruned, ms };
  log.info("maintenance.done", { ...report });
  return report;
}
