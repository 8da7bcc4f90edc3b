// The last step of a fanned-out recompute (issue 17): the consumer that finished the last part assembles the
// snapshot JSON from the parts (in board order; `assembleLeaderboard` is what `buildLeaderboard` ends with, so the
// result is byte for byte the CLI's on the same export), then writes it and everything derived from it, exactly as
// the one-invocation cron did: provisional marks, private results, pair counts, history rows, and last the index
// row, in one D1 batch with the job's "published" mark. Readers only ever find a snapshot through its index row,
// so they see the previous snapshot until that batch commits, never half of this one.
import { insertChunks } from "../../../d1/chunks";
import { changesKey } from "../../../d1/export";
import { anonymousBattlePairs, insertModelResults } from "../../../d1/providers";
import { db, insertHistory, insertSnapshot, listModels } from "../../../d1/queries";
import { claimPublication, markPublished } from "../../../d1/recompute";
import * as schema from "../../../d1/schema";
import { CHANGES_PART } from "../../../queues/recompute";
import { provisionalPolicy } from "../../../shared/accounts/provisional";
import { buildPairCounts, PAIR_COUNTS_KEY, type PairCountsFile } from "../../../shared/battle/pair-counts";
import { log } from "../../../shared/core/log";
import {
  assembleLeaderboard,
  DEFAULT_OPTIONS,
  type BoardJson,
  type LeaderboardJson,
} from "../../../shared/ratings/leaderboard";
import type { ModelsFile } from "../../../shared/ratings/models-file";
import { computePrivateResults, type StyleFitSummary } from "../private-results";
import { applyProvisionalMarks, provisionalModels } from "../provisional-marks";
import { partKey, type BoardPart, type ChangesPart } from "./keys";
import { deleteJobObjects, type RecomputePlan } from "./plan";

const JSON_TYPE = { httpMetadata: { contentType: "application/json; charset=utf-8" } };

export async function publishJob(env: Env, jobId: string, plan: RecomputePlan): Promise<void> {
  const d = db(env.DB);
  const now = Date.now();
  if (!(await claimPublication(d, jobId, now))) {
    log.info("recompute.publish_skipped", { job: jobId });
    return;
  }
  const read = async <T>(part: string): Promise<T> => {
    const object = await env.STORE.get(partKey(jobId, part));
    if (!object) throw new Error(`snapshot ${jobId}: part ${part} is recorded done but missing in R2`);
    return object.json<T>();
  };
  const modelsObject = await env.STORE.get(plan.modelsKey);
  if (!modelsObject) throw new Error(`snapshot ${jobId}: models.json missing in R2`);
  const modelsFile = await modelsObject.json<ModelsFile>();
  const categories: Record<string, BoardJson> = {};
  const styleFits = new Map<string, StyleFitSummary>();
  for (const name of plan.boards) {
    const part = await read<BoardPart>(name);
    if (!part.board) continue;
    categories[name] = part.board;
    if (part.styleFit) {
      styleFits.set(name, {
        mean: Float64Array.from(part.styleFit.mean),
        std: Float64Array.from(part.styleFit.std),
        gamma: Float64Array.from(part.styleFit.gamma),
      });
    }
  }
  const changes = plan.changes ? ((await read<ChangesPart>(CHANGES_PART)).changes ?? undefined) : undefined;
  const id = plan.snapshot;
  const generatedAt = new Date(plan.now).toISOString();
  // The cron's options: the defaults and the frozen metadata (the CLI reproduces it with `--models`).
  const json: LeaderboardJson = assembleLeaderboard(
    { snapshot: id, generatedAt, sha256: plan.export.sha256, excluded: plan.excluded },
    { ...DEFAULT_OPTIONS, models: modelsFile },
    plan.withStyle,
    plan.summary,
    categories,
    changes,
  );
  const models = await listModels(d);
  const publicIds = new Set(plan.publicIds);
  // History rows before the provider rule's marks: their `provisional` is the engine's (the rating is not
  // pinned down by the data), which is what a plot of ratings over time must leave out of its scale.
  const history = historyRows(json, id, plan.now);
  const policy = provisionalPolicy(env);
  applyProvisionalMarks(json, await provisionalModels(d, models, policy, plan.now), policy);
  const privateResults = await computePrivateResults(d, models, {
    snapshotId: id,
    generatedAt: plan.now,
    recordedUpTo: plan.recordedUpTo,
    json,
    styleFits,
    publicIds,
  });
  const snapshotKey = `snapshots/${id}.json`;
  await env.STORE.put(snapshotKey, JSON.stringify(json), JSON_TYPE);
  if (json.changes) await env.STORE.put(changesKey(id), JSON.stringify(json.changes), JSON_TYPE);
  // Active sampling's inputs (DESIGN section 14): every pair's battles and its variance at these ratings.
  const overall = json.categories.overall?.models ?? [];
  const counts: PairCountsFile = {
    snapshot: id,
    generatedAt,
    pairs: buildPairCounts(await anonymousBattlePairs(d, plan.now), new Map(overall.map((m) => [m.model, m.rating]))),
  };
  await env.STORE.put(PAIR_COUNTS_KEY, JSON.stringify(counts), JSON_TYPE);
  const statements = [
    ...insertChunks(schema.leaderboardHistory, history).map((rows) => insertHistory(d, rows)),
    // Providers' private results of this snapshot (docs/provider-results.md), in the same batch.
    ...privateResults.map((row) => insertModelResults(d, row)),
    // The index row last: readers only see a snapshot once its history is in place.
    insertSnapshot(d, {
      id,
      generatedAt: plan.now,
      battles: plan.export.lines,
      sha256: plan.export.sha256,
      snapshotKey,
      exportKey: plan.export.key,
      etag: `${id}-${plan.export.sha256.slice(0, 16)}`,
      sourceKey: plan.sourceKey,
    }).onConflictDoNothing(),
    markPublished(d, jobId, Date.now()),
  ];
  await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  log.info("recompute.published", { job: jobId, parts: plan.parts.length, ms: Date.now() - now });
  // The working objects (frozen table, parts) are not needed any more; a failure here only leaves them for later.
  await deleteJobObjects(env, jobId, false).catch(() => {});
}

/**
 * One row per model and board of this snapshot: a model absent from a board has no row (the history then has no
 * point for this snapshot, rather than a made-up one), and a rating the engine could not pin down is flagged.
 */
function historyRows(json: LeaderboardJson, snapshotId: string, generatedAt: number) {
  const rows = [];
  const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
  for (const [category, board] of Object.entries(json.categories)) {
    for (const [style, models] of [
      [false, board.models],
      [true, board.styleControl?.models ?? []],
    ] as const) {
      for (const m of models) {
        if (!Number.isFinite(m.rating)) continue;
        const lo = finite(m.ci?.[0]);
        const hi = finite(m.ci?.[1]);
        rows.push({
          snapshotId,
          category,
          style,
          model: m.model,
          generatedAt,
          rating: m.rating,
          ciLow: lo !== null && hi !== null ? lo : null,
          ciHigh: lo !== null && hi !== null ? hi : null,
          rank: m.rank,
          votes: m.votes,
          provisional: m.provisional === true,
        });
      }
    }
  }
  return rows;
}
