// One leaderboard snapshot (DESIGN sections 2, 3.5, 6 and 8): stream the rated battle set out of D1 as export
// lines, writing each line to R2 (hashed as it goes) AND feeding the very same line to the ratings CLI's parser,
// so the published boards are by construction what `npm run ratings` computes on the export. Then the snapshot
// JSON goes to R2 and an index row plus per-model history rows to D1.
//
// Memory (a Worker has 128 MB): only the compact battle table stays resident (about 25 bytes per battle, sized
// once from a count so it never doubles), plus one D1 page and one R2 part in flight. Scale: docs/ratings.md.
import { insertChunks } from "../../d1/chunks";
import { publicIdsOf, ratedBattleCapacity, ratedBattles, toExportLine } from "../../d1/export";
import * as schema from "../../d1/schema";
import {
  battlesWatermark,
  db,
  excludedCounts,
  insertHistory,
  insertSnapshot,
  latestSnapshot,
  listModels,
} from "../../d1/queries";
import { sha256Hex } from "../../shared/core/crypto";
import { provisionalPolicy } from "../../shared/accounts/provisional";
import { buildLeaderboard, type LeaderboardJson } from "../../shared/ratings/leaderboard";
import { runRoundsInline } from "../../shared/ratings/style-board";
import { anonymousBattlePairs, insertModelResults } from "../../d1/providers";
import { buildPairCounts, PAIR_COUNTS_KEY, type PairCountsFile } from "../../shared/battle/pair-counts";
import { computePrivateResults, type StyleFitSummary } from "./private-results";
import { applyProvisionalMarks, provisionalModels } from "./provisional-marks";
import { createValueParser } from "../../shared/ratings/parse";
import { STYLE_FEATURES } from "../../shared/ratings/table";
import { ExportWriter } from "./export-writer";
import { snapshotId } from "./snapshot-id";
import {
  MODELS_SCHEMA,
  modelsFileText,
  type Comparison,
  type ModelsFile,
  type ModelsFileEntry,
} from "../../shared/ratings/models-file";
import { metadataOf, type ModelRecord } from "../../shared/models";
import { changesKey, modelsFileKey } from "../../d1/export";

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

export interface Published {
  id: string;
  battles: number;
  sha256: string;
  /** True when nothing changed since the latest snapshot, which is returned as it is. */
  unchanged?: boolean;
}

const MAX_PAGES = 400;

/** Publishes a snapshot of everything recorded up to `now`; returns null while there is nothing to rate. */
export async function publishSnapshot(env: Env, now = Date.now()): Promise<Published | null> {
  const d = db(env.DB);
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
    return { id: latest.id, battles: latest.battles, sha256: latest.sha256, unchanged: true };
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
    if (await isEmpty(writer)) return null;
    written = await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const snapshotKey = `snapshots/${id}.json`;
  const generatedAt = new Date(now).toISOString();
  // The metadata frozen beside the export (DESIGN section 14): what the boards' price and size numbers used.
  const modelsFile: ModelsFile = {
    schema: MODELS_SCHEMA,
    snapshot: id,
    generatedAt,
    models: modelsFileEntries(models, publicModels),
    comparisons: comparisonsAt(now, latest),
  };
  const modelsKey = modelsFileKey(id);
  try {
    const { table } = parser.end();
    await env.STORE.put(modelsKey, modelsFileText(modelsFile), {
      httpMetadata: { contentType: "application/json; charset=utf-8" },
    });
    const styleFits = new Map<string, StyleFitSummary>();
    const json = await buildLeaderboard(
      table,
      { models: modelsFile },
      { snapshot: id, generatedAt, sha256: written.sha256, excluded: await excludedCounts(d, recordedUpTo) },
      runRoundsInline,
      (name, prep) =>
        styleFits.set(name, {
          mean: prep.design.mean.slice(),
          std: prep.design.std.slice(),
          gamma: prep.start.slice(prep.design.models),
        }),
    );
    // History rows before the provider rule's marks: their `provisional` is the engine's (the rating is not
    // pinned down by the data), which is what a plot of ratings over time must leave out of its scale.
    const history = historyRows(json, id, now);
    const policy = provisionalPolicy(env);
    applyProvisionalMarks(json, await provisionalModels(d, models, policy, now), policy);
    const privateResults = await computePrivateResults(d, models, {
      snapshotId: id,
      generatedAt: now,
      recordedUpTo,
      json,
      styleFits,
      publicIds: publicModels,
    });
    await env.STORE.put(snapshotKey, JSON.stringify(json), {
      httpMetadata: { contentType: "application/json; charset=utf-8" },
    });
    if (json.changes) {
      await env.STORE.put(changesKey(id), JSON.stringify(json.changes), {
        httpMetadata: { contentType: "application/json; charset=utf-8" },
      });
    }
    // Active sampling's inputs (DESIGN section 14): every pair's battles and its variance at these ratings.
    const overall = json.categories.overall?.models ?? [];
    const counts: PairCountsFile = {
      snapshot: id,
      generatedAt,
      pairs: buildPairCounts(await anonymousBattlePairs(d, now), new Map(overall.map((m) => [m.model, m.rating]))),
    };
    await env.STORE.put(PAIR_COUNTS_KEY, JSON.stringify(counts), {
      httpMetadata: { contentType: "application/json; charset=utf-8" },
    });
    const statements = [
      ...insertChunks(schema.leaderboardHistory, history).map((rows) => insertHistory(d, rows)),
      // Providers' private results of this snapshot (docs/provider-results.md), in the same batch.
      ...privateResults.map((row) => insertModelResults(d, row)),
      // The index row last: readers only see a snapshot once its history is in place.
      insertSnapshot(d, {
        id,
        generatedAt: now,
        battles: written.lines,
        sha256: written.sha256,
        snapshotKey,
        exportKey: written.key,
        etag: `${id}-${written.sha256.slice(0, 16)}`,
        sourceKey,
      }),
    ];
    await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  } catch (err) {
    // No index row points at them: remove what this run wrote, so a retry does not leave orphans behind.
    await env.STORE.delete([written.key, snapshotKey, modelsKey, changesKey(id)]).catch(() => {});
    throw err;
  }
  return { id, battles: written.lines, sha256: written.sha256 };
}

async function isEmpty(writer: ExportWriter): Promise<boolean> {
  if (writer.lineCount > 0) return false;
  await writer.abort();
  return true;
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
