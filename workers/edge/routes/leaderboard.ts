// The published leaderboard (DESIGN sections 4 and 6): the latest snapshot from R2 with ETag/304 and caching, a
// model's history from the D1 index, and the frozen export each snapshot rated (invariant 5).
import { createRoute, z } from "@hono/zod-openapi";
import { ratedBattles, toExportLine } from "../../../d1/export";
import { db, latestSnapshot, listModels, modelHistory, snapshotById, type SnapshotRow } from "../../../d1/queries";
import { ApiError } from "../../../shared/core/errors";
import type { App } from "../env";
import { errors } from "../schemas";

const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

const notReady = () =>
  new ApiError(503, "not_ready", "No leaderboard has been published yet; the first one is computed within a minute.", {
    "retry-after": "60",
  });

const leaderboard = createRoute({
  method: "get",
  path: "/leaderboard.json",
  summary: "The latest published leaderboard (schema arena-leaderboard/v1)",
  responses: {
    200: { description: "The snapshot", content: { "application/json": { schema: z.object({}).passthrough() } } },
    304: { description: "Not modified (If-None-Match)" },
    503: errors[503],
  },
});

const HistoryQuery = z.object({
  model: z.string().min(1).max(128),
  category: z.string().min(1).max(64).default("overall"),
  style: z.enum(["true", "false"]).default("false"),
});

const HistoryPoint = z
  .object({
    generatedAt: z.string(),
    rating: z.number(),
    ci: z.tuple([z.number(), z.number()]).nullable(),
    rank: z.number(),
    votes: z.number(),
    // Extra field (the contract's five keep their meaning): present, and true, only when the ratings engine could
    // not pin this rating down in that snapshot (it was held finite by the ridge); a plot leaves it out of its scale.
    provisional: z.literal(true).optional().openapi({
      description:
        "Only on points whose rating the data could not pin down (outside the board's main strongly connected component)",
    }),
  })
  .openapi("HistoryPoint");

const history = createRoute({
  method: "get",
  path: "/api/leaderboard/history",
  summary: "A model's rating over time on one board, oldest first (only the snapshots it was rated in)",
  request: { query: HistoryQuery },
  responses: {
    200: { description: "History", content: { "application/json": { schema: z.array(HistoryPoint) } } },
    422: errors[422],
  },
});

const ExportQuery = z.object({
  snapshot: z.string().min(1).max(64).optional(),
  include: z.enum(["excluded"]).optional(),
});

const exportBattles = createRoute({
  method: "get",
  path: "/api/export/battles.jsonl",
  summary: "The battles a snapshot rated, in the ratings CLI's input format (JSONL)",
  request: { query: ExportQuery },
  responses: {
    200: { description: "JSON Lines", content: { "application/x-ndjson": { schema: z.string() } } },
    404: errors[404],
    422: errors[422],
    503: errors[503],
  },
});

const quoted = (etag: string) => `"${etag}"`;

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "");
    return v === "*" || v === quoted(etag);
  });
}

async function snapshotFor(env: Env, id: string | undefined): Promise<SnapshotRow> {
  const d = db(env.DB);
  const snap = id ? await snapshotById(d, id) : await latestSnapshot(d);
  if (!snap) throw id ? new ApiError(404, "snapshot_not_found", `No snapshot '${id}'.`) : notReady();
  return snap;
}

/** The audit view: every anonymous battle recorded by the snapshot's time, excluded ones with their reason. */
function auditStream(env: Env, snap: SnapshotRow): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const d = db(env.DB);
  let rows: ReturnType<typeof ratedBattles> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!rows) {
        const publicModels = new Set((await listModels(d)).filter((m) => m.visibility === "public").map((m) => m.id));
        rows = ratedBattles(d, publicModels, { includeExcluded: true, recordedUpTo: snap.generatedAt });
      }
      const next = await rows.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(`${JSON.stringify(toExportLine(next.value, true))}\n`));
    },
  });
}

export function registerLeaderboardRoutes(app: App) {
  app.openapi(leaderboard, async (c) => {
    const snap = await latestSnapshot(db(c.env.DB));
    if (!snap) throw notReady();
    const headers = { etag: quoted(snap.etag), "cache-control": CACHE_CONTROL };
    if (matches(c.req.header("if-none-match"), snap.etag)) return c.body(null, 304, headers);
    const object = await c.env.STORE.get(snap.snapshotKey);
    if (!object) throw notReady();
    return new Response(object.body, {
      headers: { ...headers, "content-type": "application/json; charset=utf-8" },
    }) as never;
  });

  app.openapi(history, async (c) => {
    const q = c.req.valid("query");
    const rows = await modelHistory(db(c.env.DB), q.model, q.category, q.style === "true");
    return c.json(
      // One point per snapshot the model was rated in; a snapshot it was absent from has no row, so no point.
      rows
        .filter((r) => Number.isFinite(r.rating))
        .map((r) => ({
          generatedAt: new Date(r.generatedAt).toISOString(),
          rating: r.rating,
          ci: r.ciLow === null || r.ciHigh === null ? null : ([r.ciLow, r.ciHigh] as [number, number]),
          rank: r.rank,
          votes: r.votes,
          ...(r.provisional ? { provisional: true as const } : {}),
        })),
      200,
    );
  });

  app.openapi(exportBattles, async (c) => {
    const q = c.req.valid("query");
    const snap = await snapshotFor(c.env, q.snapshot);
    // A named snapshot's export never changes; "the latest" does, so it must not outlive /leaderboard.json in a cache.
    const headers = {
      "content-type": "application/x-ndjson; charset=utf-8",
      "x-arena-snapshot": snap.id,
      "cache-control": q.snapshot ? "public, max-age=31536000, immutable" : "no-cache",
    };
    if (q.include === "excluded") return new Response(auditStream(c.env, snap), { headers }) as never;
    const object = await c.env.STORE.get(snap.exportKey);
    if (!object) throw new ApiError(404, "export_not_found", `The export of snapshot '${snap.id}' is missing.`);
    return new Response(object.body, { headers: { ...headers, "x-arena-sha256": snap.sha256 } }) as never;
  });
}
