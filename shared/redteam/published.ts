// Where the cron publishes the Red Team board in R2 (workers/cron/redteam.ts) and where the edge reads it
// (/redteam.json, /api/export/redteam.jsonl): redteam/snapshots/<id>.jsonl (the frozen export),
// redteam/snapshots/<id>.json (the board) and the pointer redteam/latest.json, written last.

export const REDTEAM_LATEST_KEY = "redteam/latest.json";
export const redteamExportKey = (snapshot: string) => `redteam/snapshots/${snapshot}.jsonl`;
export const redteamBoardKey = (snapshot: string) => `redteam/snapshots/${snapshot}.json`;

/** The pointer to the live Red Team snapshot. */
export interface RedteamLatest {
  snapshot: string;
  generatedAt: string;
  games: number;
  sha256: string;
  /** Hash of what the board is computed from (d1 redteamWatermark + model names): equal means nothing to publish. */
  sourceKey: string;
}

/** When a Red Team snapshot was computed (ms): it rated the ranked games recorded by then. Null: no such snapshot. */
export async function redteamSnapshotTime(store: R2Bucket, snapshot: string): Promise<number | null> {
  const object = await store.get(redteamBoardKey(snapshot));
  if (!object) return null;
  const generatedAt = Date.parse(((await object.json()) as { generatedAt?: string }).generatedAt ?? "");
  return Number.isFinite(generatedAt) ? generatedAt : null;
}

export async function latestRedteam(store: R2Bucket): Promise<RedteamLatest | null> {
  const object = await store.get(REDTEAM_LATEST_KEY);
  return object ? ((await object.json()) as RedteamLatest) : null;
}
