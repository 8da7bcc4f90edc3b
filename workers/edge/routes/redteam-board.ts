// The published Red Team board (DESIGN section 11): GET /redteam.json, the latest snapshot from R2 with ETag/304,
// 503 not_ready before the first. Its frozen export is served by routes/export.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../../../shared/core/errors";
import { latestRedteam, redteamBoardKey } from "../../../shared/redteam/published";
import type { App } from "../env";
import { servePublished } from "../published";
import { errors } from "../schemas";

const notReady = () =>
  new ApiError(503, "not_ready", "No Red Team game has been rated yet; the board is computed within a minute of one.", {
    "retry-after": "60",
  });

const board = createRoute({
  method: "get",
  path: "/redteam.json",
  summary: "The latest published Red Team board: players, models (resistance) and targets (schema arena-redteam/v1)",
  responses: {
    200: { description: "The board", content: { "application/json": { schema: z.object({}).passthrough() } } },
    304: { description: "Not modified (If-None-Match)" },
    503: errors[503],
  },
});

export function registerRedteamBoardRoute(app: App) {
  app.openapi(board, async (c) => {
    const latest = await latestRedteam(c.env.STORE);
    if (!latest) throw notReady();
    return (await servePublished(c, latest.snapshot, redteamBoardKey(latest.snapshot), notReady)) as never;
  });
}
