// One leaderboard snapshot (DESIGN sections 2, 3.5, 6 and 8): stream the rated battle set out of D1 as export
// lines, writing each line to R2 (hashed as it goes) AND feeding the very same line to the ratings CLI's parser,
// so the published boards are by construction what `npm run ratings` computes on the export. Then the snapshot
// JSON goes to R2 and an index row plus per-model history rows to D1.
import { ratedBattles, toExportLine } from "../../d1/export";
import { db, excludedCounts, insertHistory, insertSnapshot, listModels } from "../../d1/queries";
import { buildLeaderboard, type LeaderboardJson } from "../../shared/ratings/leaderboard";
import { createParser } from "../../shared/ratings/parse";
import { ExportWriter } from "./export-writer";

export interface Published {
  id: string;
  battles: number;
  sha256: string;
}

const HISTORY_ROWS_PER_STATEMENT = 10; // 10 columns each: D1 allows 100 bound parameters per statement

function snapshotId(now: number): string {
  const suffix = [...crypto.getRandomValues(new Uint8Array(2))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z")}-${suffix}`;
}

/** Publishes a snapshot of everything recorded up to `now`; returns null while there is nothing to rate. */
export async function publishSnapshot(env: Env, now = Date.now()): Promise<Published | null> {
  const d = db(env.DB);
  const publicModels = new Set((await listModels(d)).filter((m) => m.visibility === "public").map((m) => m.id));
  const id = snapshotId(now);
  const writer = new ExportWriter(env.STORE, `exports/${id}/battles.jsonl`);
  const parser = createParser("jsonl");
  let written;
  try {
    for await (const row of ratedBattles(d, publicModels, { recordedUpTo: now })) {
      const line = JSON.stringify(toExportLine(row));
      await writer.writeLine(line);
      parser.push(`${line}\n`);
    }
    if (await isEmpty(writer)) return null;
    written = await writer.finish();
  } catch (err) {
    await writer.abort();
    throw err;
  }
  const { table } = parser.end();
  const generatedAt = new Date(now).toISOString();
  const json = await buildLeaderboard(
    table,
    {},
    { snapshot: id, generatedAt, sha256: written.sha256, excluded: await excludedCounts(d, now) },
  );
  const snapshotKey = `snapshots/${id}.json`;
  await env.STORE.put(snapshotKey, JSON.stringify(json), {
    httpMetadata: { contentType: "application/json; charset=utf-8" },
  });
  const history = historyRows(json, id, now);
  const statements = [
    ...Array.from({ length: Math.ceil(history.length / HISTORY_ROWS_PER_STATEMENT) }, (_, k) =>
      insertHistory(d, history.slice(k * HISTORY_ROWS_PER_STATEMENT, (k + 1) * HISTORY_ROWS_PER_STATEMENT)),
    ),
    // The index row last: readers only see a snapshot once its history is in place.
    insertSnapshot(d, {
      id,
      generatedAt: now,
      battles: written.lines,
      sha256: written.sha256,
      snapshotKey,
      exportKey: written.key,
      etag: `${id}-${written.sha256.slice(0, 16)}`,
    }),
  ];
  await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  return { id, battles: written.lines, sha256: written.sha256 };
}

async function isEmpty(writer: ExportWriter): Promise<boolean> {
  if (writer.lineCount > 0) return false;
  await writer.abort();
  return true;
}

function historyRows(json: LeaderboardJson, snapshotId: string, generatedAt: number) {
  const rows = [];
  for (const [category, board] of Object.entries(json.categories)) {
    for (const [style, models] of [
      [false, board.models],
      [true, board.styleControl?.models ?? []],
    ] as const) {
      for (const m of models) {
        rows.push({
          snapshotId,
          category,
          style,
          model: m.model,
          generatedAt,
          rating: m.rating,
          ciLow: m.ci?.[0] ?? null,
          ciHigh: m.ci?.[1] ?? null,
          rank: m.rank,
          votes: m.votes,
        });
      }
    }
  }
  return rows;
}
