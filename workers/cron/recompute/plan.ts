// Planning one fanned-out leaderboard snapshot (issue 17; DESIGN sections 2, 3.5, 6 and 8). The cron streams the
// rated battle set out of D1 once, writing each export line to R2 (hashed as it goes) and feeding the very same line
// to the ratings CLI's parser; it freezes the parsed table (one binary object) and the model metadata beside it,
// records a job row, and sends one queue message per part: each board, and the change-over-time comparisons.
// Consumers (part.ts) compute their part from the frozen table; the one that finishes last publishes (publish.ts).
//
// Memory (a Worker has 128 MB): the compact battle table (about 33 bytes per battle with tstamps, sized once from a
// count), one D1 page and one R2 part in flight, then the table's bytes once more while it is written.
import { excludedCounts, battlesWatermark, db, latestSnapshot, listModels } from "../../../d1/queries";
import {
  changesKey,
  modelsFileKey,
  publicIdsOf,
  ratedBattleCapacity,
  ratedBattles,
  toExportLine,
} from "../../../d1/export";
import { abandonRecomputeJob, activeRecomputeJob, insertRecomputeJob, type RecomputeJob } from "../../../d1/recompute";
import { CHANGES_PART, sendRecomputeParts } from "../../../queues/recompute";
import { sha256Hex } from "../../../shared/core/crypto";
import { log } from "../../../shared/core/log";
import { metadataOf, type ModelRecord } from "../../../shared/models";
import { plannedBoards, resolveOptions, tableSummary, type TableSummary } from "../../../shared/ratings/leaderboard";
import {
  MODELS_SCHEMA,
  modelsFileText,
  type Comparison,
  type ModelsFile,
  type ModelsFileEntry,
} from "../../../shared/ratings/models-file";
import { createValueParser } from "../../../shared/ratings/parse";
import { encodeTable } from "../../../shared/ratings/table-file";
import { STYLE_FEATURES } from "../../../shared/ratings/table";
import { ExportWriter } from "../export-writer";
import { snapshotId } from "../snapshot-id";
import { jobPrefix, tableKey } from "./keys";

/** Everything the parts and the publication need, frozen at planning time (the job row's `plan` column). */
export interface RecomputePlan {
  snapshot: string;
  /** Milliseconds; the snapshot's generatedAt. */
  now: number;
  recordedUpTo: number;
  sourceKey: string;
  export: { key: string; sha256: string; lines: number };
  modelsKey: string;
  tableKey: string;
  /** The boards the table supports, in JSON order (a part per board, plus CHANGES_PART when comparisons exist). */
  boards: string[];
  parts: string[];
  withStyle: boolean;
  summary: TableSummary;
  excluded: Record<string, number>;
  publicIds: string[];
  /** Whether models.json names comparisons (then CHANGES_PART is a part). */
  changes: boolean;
}

/** How long a part may take before the snapshot is abandoned (consumers' retries included). */
export const PART_DEADLINE_MS = 10 * 60_000;

/** The change-over-time comparisons of a snapshot at `now`: since the previous snapshot, 7 and 30 days ago. */
export function comparisonsAt(now: number, previous: { id: string; generatedAt: number } | undefined): Comparison[] {
  const seconds = (t: number) => Math.floor(t / 1000);
  return [
    ...(previous ? [{ name: "previous", before: seconds(previous.generatedAt), snapshot: previous.id }] : []),
    { name: "7d", before: seconds(now - 7 * 86_400_000) },
    { name: "30d", before: seconds(now - 30 * 86_400_000) },
  ];
}

/** The public models' entries of models.json, by id. */
export function modelsFileEntries(models: ModelRecord[], publicIds: ReadonlySet<string>): ModelsFileEntry[] {
  return models
    .filter((m) => publicIds.has(m.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => ({
      id: m.id,
      name: m.name,
      organization: m.organization,
      license: m.license,
      releasedAt: m.releasedAt ? new Date(m.releasedAt).toISOString() : null,
      ...metadataOf(m),
    }));
}

export type PlanOutcome =
  | { kind: "nothing" }
  | { kind: "unchanged"; id: string; battles: number; sha256: string }
  | { kind: "in-progress"; job: RecomputeJob }
  | { kind: "planned"; job: string; plan: RecomputePlan };

const MAX_PAGES = 400;

/** Plans a snapshot of everything recorded up to `now` and sends its parts; see the header. */
export async function planSnapshot(env: Env, now = Date.now()): Promise<PlanOutcome> {
  const d = db(env.DB);
  // One recompute at a time: a job in flight is waited for, unless it is past its deadline (then abandoned).
  const active = await activeRecomputeJob(d);
  if (active) {
    const idle = now - active.updatedAt;
    // A publication takes seconds; one idle for three deadlines has spent its retries and will not finish.
    const stale = active.state === "running" ? idle > PART_DEADLINE_MS : idle > 3 * PART_DEADLINE_MS;
    if (!stale) return { kind: "in-progress", job: active };
    const reason = active.state === "running" ? "a part did not finish before its deadline" : "publication stuck";
    if (await abandonRecomputeJob(d, active.id, reason, now, { publishing: active.state === "publishing" })) {
      await deleteJobObjects(env, active.id, true);
      log.warn("leaderboard.abandoned", { snapshot: active.id, reason });
    }
  }
  const models = await listModels(d);
  const publicModels = publicIdsOf(models);
  // Nothing new since the latest snapshot (no vote recorded, same public models): keep it, rewrite nothing.
  const mark = await battlesWatermark(d);
  // Labels, dedup tags and exclusions change rows without a new vote (changed_at): they publish anew too.
  // The public models' metadata too: entries carry it and the adjusted views are fitted on it.
  const metadataKey = await sha256Hex(JSON.stringify(modelsFileEntries(models, publicModels)));
  const sourceKey = `${mark.count}|${mark.lastRecordedAt}|${mark.lastChangedAt}|${await sha256Hex([...publicModels].sort().join("\n"))}|${metadataKey}`;
  const latest = await latestSnapshot(d);
  if (latest && latest.sourceKey === sourceKey) {
    return { kind: "unchanged", id: latest.id, battles: latest.battles, sha256: latest.sha256 };
  }
  // The rated set is what the watermark saw; later votes make the next run differ and publish again.
  const recordedUpTo = mark.lastRecordedAt;
  const id = snapshotId(now);
  const writer = new ExportWriter(env.STORE, `exports/${id}/battles.jsonl`);
  const capacity = await ratedBattleCapacity(d, { recordedUpTo });
  const parser = createValueParser({
    initialCapacity: capacity,
    samplingProbability: false, // published boards are unweighted
    tstamp: true, // change over time (DESIGN section 14): 8 bytes a row
    // The published boards keep the default style features (length, header, list, bold): emoji is opt-in
    // (`--style-features` on the CLI, DESIGN section 14), and `method.styleControl.features` states the four.
    styleFeatures: STYLE_FEATURES,
  });
  // D1 allows 1,000 queries per invocation (Workers Paid), shared with the maintenance before this (its dedup pass
  // spends at most 200): at most ~400 pages, however many battles (3M → 7,500 rows, ~5 MB, per page; D1's result
  // limit is 50 MB).
  const pageSize = Math.max(1000, Math.ceil(capacity / MAX_PAGES));
  let written;
  try {
    for await (const row of ratedBattles(d, publicModels, { recordedUpTo, pageSize })) {
      const line = toExportLine(row);
      await writer.writeLine(JSON.stringify(line));
      // The object itself, not its text: the same row the CLI gets by parsing that line (see createValueParser).
      parser.push(line);
    }
    if (writer.lineCount === 0) {
      await writer.abort();
      return { kind: "nothing" };
    }
    written = await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  // The metadata frozen beside the export (DESIGN section 14): what the boards' price and size numbers used.
  const modelsFile: ModelsFile = {
    schema: MODELS_SCHEMA,
    snapshot: id,
    generatedAt: new Date(now).toISOString(),
    models: modelsFileEntries(models, publicModels),
    comparisons: comparisonsAt(now, latest),
  };
  const { table } = parser.end();
  const options = { models: modelsFile };
  const { withStyle } = resolveOptions(table, options);
  const boards = plannedBoards(table, options).map(([name]) => name);
  const changes = (modelsFile.comparisons?.length ?? 0) > 0 && table.tstamp != null;
  const plan: RecomputePlan = {
    snapshot: id,
    now,
    recordedUpTo,
    sourceKey,
    export: { key: written.key, sha256: written.sha256, lines: written.lines },
    modelsKey: modelsFileKey(id),
    tableKey: tableKey(id),
    boards,
    parts: [...boards, ...(changes ? [CHANGES_PART] : [])],
    withStyle,
    summary: tableSummary(table),
    excluded: await excludedCounts(d, recordedUpTo),
    publicIds: [...publicModels].sort(),
    changes,
  };
  try {
    await env.STORE.put(plan.modelsKey, modelsFileText(modelsFile), {
      httpMetadata: { contentType: "application/json; charset=utf-8" },
    });
    await env.STORE.put(plan.tableKey, encodeTable(table));
    await insertRecomputeJob(d, { id, createdAt: now, partsTotal: plan.parts.length, plan: JSON.stringify(plan) });
  } catch (err) {
    await deleteJobObjects(env, id, true);
    throw err;
  }
  await sendRecomputeParts(
    env.RECOMPUTE,
    plan.parts.map((part) => ({ v: 1, job: id, part })),
  );
  return { kind: "planned", job: id, plan };
}

/**
 * Removes a job's working objects; with `withPublished` also the objects only a published snapshot keeps (its
 * export, models.json, snapshot JSON and changes), so an abandoned snapshot leaves nothing behind.
 */
export async function deleteJobObjects(env: Env, snapshot: string, withPublished: boolean): Promise<void> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.STORE.list({ prefix: jobPrefix(snapshot), cursor });
    keys.push(...page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  if (withPublished) {
    keys.push(
      `exports/${snapshot}/battles.jsonl`,
      modelsFileKey(snapshot),
      changesKey(snapshot),
      `snapshots/${snapshot}.json`,
    );
  }
  for (let i = 0; i < keys.length; i += 1000) await env.STORE.delete(keys.slice(i, i + 1000)).catch(() => {});
}
