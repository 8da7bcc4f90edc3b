// One part of a fanned-out recompute (issue 17), one queue message per invocation (max_batch_size = 1): read the
// frozen table from R2, compute the part — a board exactly as `buildLeaderboard` computes it (raw board on the
// rows in export order, then the style-controlled board on the rows in canonical order), or the overall board's
// change-over-time comparisons — write the result to R2, and record the part as done. The consumer that records
// the last part publishes the snapshot (publish.ts). A redelivered part finds its row and does not recompute.
import { db } from "../../../d1/queries";
import { isPartDone, markPartDone, recomputeJob } from "../../../d1/recompute";
import { CHANGES_PART, RecomputeMessage } from "../../../queues/recompute";
import { log } from "../../../shared/core/log";
import { canonicalizeRows } from "../../../shared/ratings/canonical";
import {
  finishBoard,
  overallChanges,
  plannedBoards,
  rawBoard,
  resolveOptions,
} from "../../../shared/ratings/leaderboard";
import type { ModelsFile } from "../../../shared/ratings/models-file";
import { runRoundsInline } from "../../../shared/ratings/style-board";
import { decodeTable } from "../../../shared/ratings/table-file";
import { partKey, type BoardPart, type ChangesPart } from "./keys";
import type { RecomputePlan } from "./plan";
import { publishJob } from "./publish";

export async function handleRecomputeMessages(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = RecomputeMessage.safeParse(msg.body);
    if (!parsed.success) {
      // Not ours to retry: a malformed message can never succeed. Logged, and acknowledged.
      log.error("recompute.poison", { id: msg.id, error: parsed.error.message.slice(0, 300) });
      msg.ack();
      continue;
    }
    try {
      await runPart(env, parsed.data.job, parsed.data.part);
      msg.ack();
    } catch (err) {
      log.error("recompute.part_failed", {
        job: parsed.data.job,
        part: parsed.data.part,
        attempts: msg.attempts,
        error: err instanceof Error ? err.message : String(err),
      });
      msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
    }
  }
}

/** Computes (unless already done) and records one part; publishes when it was the last. Throws to be retried. */
export async function runPart(env: Env, jobId: string, part: string): Promise<void> {
  const d = db(env.DB);
  const job = await recomputeJob(d, jobId);
  if (!job || job.state === "abandoned" || job.state === "published") {
    log.info("recompute.part_skipped", { job: jobId, part, state: job?.state ?? "missing" });
    return;
  }
  const plan = JSON.parse(job.plan) as RecomputePlan;
  if (!plan.parts.includes(part)) throw new Error(`job ${jobId} has no part ${part}`);
  if (!(await isPartDone(d, jobId, part))) {
    const started = Date.now();
    const result = await computePart(env, plan, part);
    await env.STORE.put(partKey(jobId, part), JSON.stringify(result), {
      httpMetadata: { contentType: "application/json; charset=utf-8" },
    });
    const ms = Date.now() - started;
    const progress = await markPartDone(d, jobId, part, ms, Date.now());
    log.info("recompute.part_done", { job: jobId, part, ms, done: progress?.done, total: progress?.total });
    if (!progress || progress.done < progress.total) return;
  } else {
    // A redelivery of a done part: publish only if every part is done (the first delivery may have crashed there).
    const again = await markPartDone(d, jobId, part, 0, Date.now());
    if (!again || again.done < again.total) return;
  }
  await publishJob(env, jobId, plan);
}

async function computePart(env: Env, plan: RecomputePlan, part: string): Promise<BoardPart | ChangesPart> {
  const [tableObject, modelsObject] = await Promise.all([env.STORE.get(plan.tableKey), env.STORE.get(plan.modelsKey)]);
  if (!tableObject || !modelsObject) throw new Error(`snapshot ${plan.snapshot}: frozen input missing in R2`);
  const table = decodeTable(await tableObject.arrayBuffer());
  const options = { models: (await modelsObject.json()) as ModelsFile };
  const { opts, withStyle } = resolveOptions(table, options);
  if (part === CHANGES_PART) return { changes: overallChanges(table, opts) ?? null };
  const planned = plannedBoards(table, opts).find(([name]) => name === part);
  if (!planned) throw new Error(`snapshot ${plan.snapshot}: the table has no board ${part}`);
  const raw = rawBoard(table, planned[0], planned[1], opts);
  if (raw.board.models.length === 0) return { board: null, styleFit: null };
  // The style-controlled board reads the rows in canonical order (canonical.ts), as buildLeaderboard does.
  if (withStyle) canonicalizeRows(table);
  let styleFit: BoardPart["styleFit"] = null;
  const board = await finishBoard(table, raw, opts, withStyle, runRoundsInline, (_name, prep) => {
    styleFit = {
      mean: [...prep.design.mean],
      std: [...prep.design.std],
      gamma: [...prep.start.slice(prep.design.models)],
    };
  });
  return { board, styleFit };
}
