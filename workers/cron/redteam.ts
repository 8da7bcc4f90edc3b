// The Red Team board (DESIGN section 11): every finished ranked game, streamed out of D1 as export lines in
// (tstamp, id) order, hashed, and rated by the very parser and builder the CLI uses on that export, so
// `npm run --silent ratings -- --redteam export.jsonl --meta redteam.json` reprints /redteam.json byte for byte.
// Objects in R2: redteam/snapshots/<id>.jsonl (the frozen export), redteam/snapshots/<id>.json (the board), then the
// pointer redteam/latest.json, written last, so a reader sees the old snapshot or the new one, never half of one.
import { db, listModels } from "../../d1/queries";
import { playerHandles, rankedGamesPage, redteamWatermark } from "../../d1/redteam";
import { sha256Hex } from "../../shared/core/crypto";
import { buildRedteamJson, redteamJsonText } from "../../shared/ratings/redteam";
import { parseRedteamJsonl } from "../../shared/ratings/redteam-parse";
import {
  latestRedteam,
  REDTEAM_LATEST_KEY,
  redteamBoardKey,
  redteamExportKey,
  type RedteamLatest,
} from "../../shared/redteam/published";
import { snapshotId } from "./snapshot-id";

export interface RedteamPublished {
  snapshot: string;
  games: number;
  sha256: string;
  unchanged?: boolean;
}

/** D1 rows per page; the whole ranked set is read on a run whose input changed. */
const PAGE = 1000;

/** One export line (the key order is the contract's; tstamp in seconds, as in the battles export). */
function exportLine(r: Awaited<ReturnType<typeof rankedGamesPage>>[number]): string {
  return JSON.stringify({
    id: r.id,
    tstamp: r.tstamp / 1000,
    player: r.player,
    model: r.model,
    kind: r.kind,
    target: r.target,
    outcome: r.outcome,
    turns: r.turns,
    seconds: r.seconds,
  });
}

/** Publishes the Red Team board when its games or names changed; null while there is no ranked game. */
export async function publishRedteam(env: Env, now = Date.now()): Promise<RedteamPublished | null> {
  const d = db(env.DB);
  // Unchanged input (no new ranked game, no new player, same model names): keep the snapshot without reading the
  // games again. The key covers everything the board is computed from.
  const mark = await redteamWatermark(d, now);
  if (mark.games === 0) return null;
  const modelNames = Object.fromEntries((await listModels(d)).map((m) => [m.id, m.name]));
  const sourceKey = await sha256Hex(JSON.stringify([mark, modelNames]));
  const latest = await latestRedteam(env.STORE);
  if (latest?.sourceKey === sourceKey) {
    return { snapshot: latest.snapshot, games: latest.games, sha256: latest.sha256, unchanged: true };
  }

  const lines: string[] = [];
  for (let after: { tstamp: number; id: string } | null = null; ;) {
    const page = await rankedGamesPage(d, after, PAGE, now);
    for (const r of page) lines.push(exportLine(r));
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { tstamp: last.tstamp, id: last.id };
  }
  if (lines.length === 0) return null;
  const text = lines.join("\n") + "\n";
  const sha256 = await sha256Hex(text);
  const handles = await playerHandles(d);

  const snapshot = snapshotId(now);
  const generatedAt = new Date(now).toISOString();
  // The board is computed from the export's own bytes through the CLI's parser, never from the D1 rows directly.
  const { rows } = parseRedteamJsonl(text);
  const board = redteamJsonText(buildRedteamJson(rows, { snapshot, generatedAt, sha256, handles, modelNames }));
  const json = { httpMetadata: { contentType: "application/json; charset=utf-8" } };
  await env.STORE.put(redteamExportKey(snapshot), text, {
    httpMetadata: { contentType: "application/x-ndjson" },
    customMetadata: { sha256 },
  });
  await env.STORE.put(redteamBoardKey(snapshot), board, json);
  const pointer: RedteamLatest = { snapshot, generatedAt, games: rows.length, sha256, sourceKey };
  await env.STORE.put(REDTEAM_LATEST_KEY, JSON.stringify(pointer), json);
  return { snapshot, games: rows.length, sha256 };
}
