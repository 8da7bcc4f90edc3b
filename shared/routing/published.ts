// Where the cron keeps the trained routers in R2 (workers/cron/routing.ts) and where the edge reads them:
// routing/runs/<run>/<router>.json (one `arena-router/v1` artifact each, immutable), then the pointer
// routing/latest.json, written last, so a reader sees one whole run or the previous one.
import type { RouterArtifact, RouterName } from "./routers";

export const ROUTING_LATEST_KEY = "routing/latest.json";
export const routerArtifactKey = (run: string, router: RouterName) => `routing/runs/${run}/${router}.json`;

export interface RoutingLatest {
  /** The training run's id (`<ISO time>-<4 hex>`, as snapshots). */
  run: string;
  /** The leaderboard snapshot live when the run trained, if any: the battles it rated are the ones trained on. */
  snapshot: string | null;
  trainedAt: string;
  strong: string;
  weak: string;
  embedder: { id: string; dim: number };
  /** Battles trained on (with an embedded prompt). */
  battles: number;
  routers: Partial<Record<RouterName, { key: string; battles: number; thresholds: RouterArtifact["thresholds"] }>>;
  /** Hash of what the run trained on; equal on the next run means nothing to retrain. */
  sourceKey: string;
}

export async function latestRouting(store: R2Bucket): Promise<RoutingLatest | null> {
  const object = await store.get(ROUTING_LATEST_KEY);
  return object ? ((await object.json()) as RoutingLatest) : null;
}
