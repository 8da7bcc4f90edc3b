// The published leaderboard (DESIGN sections 4 and 6): the latest snapshot from R2 with ETag/304 and caching, and a
// model's history from the D1 index. The export each snapshot rated is served by routes/export.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { changesKey } from "../../../d1/export";
import { db, latestSnapshot, modelHistory } from "../../../d1/queries";
import type { ChangeJson } from "../../../shared/ratings/leaderboard";
import { ApiError } from "../../../shared/core/errors";
import type { App } from "../env";
import { servePublished } from "../published";
import { errors } from "../schemas";

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
    changes: z
      .record(
        z.string(),
        z.object({
          since: z.string().nullable().openapi({ description: "`previous`: the previous snapshot's id" }),
          before: z.number().openapi({ description: "The earlier set: battles with tstamp < before (seconds)" }),
          delta: z.number(),
          ci: z.tuple([z.number(), z.number()]).nullable(),
          pAdjusted: z.number(),
          significant: z.boolean(),
        }),
      )
      .optional()
      .openapi({
        description:
          "On the latest point of the overall board only: the change since the previous snapshot, 7 and 30 days " +
          "ago (paired bootstrap, Holm-corrected over all models; DESIGN section 14)",
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

/** One model's entries of a snapshot's `changes` (exports/<id>/changes.json, written by the cron), or null. */
async function modelChanges(store: R2Bucket, snapshot: string, model: string) {
  const object = await store.get(changesKey(snapshot));
  if (!object) return null;
  const all = (await object.json()) as Record<string, ChangeJson>;
  const out: NonNullable<z.infer<typeof HistoryPoint>["changes"]> = {};
  for (const [name, c] of Object.entries(all)) {
    const m = c.models.find((x) => x.model === model);
    if (m) {
      out[name] = {
        since: c.since,
        before: c.before,
        delta: m.delta,
        ci: m.ci,
        pAdjusted: m.pAdjusted,
        significant: m.significant,
      };
    }
  }
  return Object.keys(out).length ? out : null;
}

export function registerLeaderboardRoutes(app: App) {
  app.openapi(leaderboard, async (c) => {
    const snap = await latestSnapshot(db(c.env.DB));
    if (!snap) throw notReady();
    return (await servePublished(c, snap.etag, snap.snapshotKey, notReady)) as never;
  });

  app.openapi(history, async (c) => {
    const q = c.req.valid("query");
    const d = db(c.env.DB);
    const rows = await modelHistory(d, q.model, q.category, q.style === "true");
    // One point per snapshot the model was rated in; a snapshot it was absent from has no row, so no point.
    const points: z.infer<typeof HistoryPoint>[] = rows
      .filter((r) => Number.isFinite(r.rating))
      .map((r) => ({
        generatedAt: new Date(r.generatedAt).toISOString(),
        rating: r.rating,
        ci: r.ciLow === null || r.ciHigh === null ? null : ([r.ciLow, r.ciHigh] as [number, number]),
        rank: r.rank,
        votes: r.votes,
        ...(r.provisional ? { provisional: true as const } : {}),
      }));
    const last = points.at(-1);
    const snap = last && q.category === "overall" && q.style === "false" ? await latestSnapshot(d) : undefined;
    if (last && snap && new Date(snap.generatedAt).toISOString() === last.generatedAt) {
      const changes = await modelChanges(c.env.STORE, snap.id, q.model);
      if (changes) last.changes = changes;
    }
    return c.json(points, 200);
  });
}
