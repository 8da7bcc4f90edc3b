// The router's HTTP surface (DESIGN section 12):
// - PUT/GET /api/admin/routing: the operator's (strong, weak) pair;
// - GET /v1/routers and /v1/routers/{router}/calibrate?strongFraction=P (provider key, as the rest of /v1);
// - GET /api/leaderboard/prompt?q=TEXT: Prompt-to-Leaderboard, one `arena-leaderboard/v1` board `prompt` from the
//   p2l router's similarity-weighted battles, with weighted-bootstrap intervals.
// Routing itself (which model answers `router-<r>-<t>`) is ../routing.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { db, listModels } from "../../../d1/queries";
import { getRoutingPair, setRoutingPair } from "../../../d1/routing";
import { sha256Hex } from "../../../shared/core/crypto";
import { ApiError } from "../../../shared/core/errors";
import { ModelId, servesMode } from "../../../shared/models";
import { LEADERBOARD_SCHEMA } from "../../../shared/ratings/leaderboard";
import { configuredEmbedder } from "../../../shared/routing/configured";
import { openBattles } from "../../../shared/routing/similarity";
import { promptLeaderboard } from "../../../shared/routing/prompt-board";
import {
  calibrateArtifact,
  ROUTER_NAMES,
  THRESHOLD_SHARES,
  type P2lParams,
  type RouterArtifact,
} from "../../../shared/routing/routers";
import { rateLimitApiKey, requireAdmin, requireProviderKey } from "../auth";
import type { App } from "../env";
import { openAIErrors as e } from "../openai-errors";
import { currentRouter } from "../routing";
import { errors, jsonBody } from "../schemas";

const RoutingPairInput = z
  .object({ strong: ModelId, weak: ModelId })
  .strict()
  .refine((p) => p.strong !== p.weak, { message: "strong and weak must be different models", path: ["weak"] })
  .openapi("RoutingPairInput");

const RoutingPair = z.object({ strong: z.string(), weak: z.string(), updatedAt: z.number() }).openapi("RoutingPair");

const Thresholds = z.object(
  Object.fromEntries(THRESHOLD_SHARES.map((s) => [s, z.number()])) as Record<
    (typeof THRESHOLD_SHARES)[number],
    z.ZodNumber
  >,
);

const RouterInfo = z
  .object({
    router: z.enum(ROUTER_NAMES),
    strong: z.string(),
    weak: z.string(),
    trainedAt: z.string().nullable().openapi({ description: "null: not trained yet (the router scores ½)" }),
    battles: z.number().int(),
    thresholds: Thresholds.openapi({
      description: "The threshold that sends this share of logged prompts to the strong model",
    }),
  })
  .openapi("RouterInfo");

const Calibration = z
  .object({ threshold: z.number(), strongFraction: z.number(), prompts: z.number().int() })
  .openapi("RouterCalibration");

const providerAuth = {
  security: [{ providerKey: [] }],
  middleware: [requireProviderKey, rateLimitApiKey],
  tags: ["OpenAI-compatible"],
};

const routes = {
  putPair: createRoute({
    method: "put",
    path: "/api/admin/routing",
    summary: "Set the router's strong and weak models (operator)",
    security: [{ adminToken: [] }],
    middleware: [requireAdmin] as const,
    request: jsonBody(RoutingPairInput),
    responses: {
      200: { description: "The pair", content: { "application/json": { schema: RoutingPair } } },
      400: errors[400],
      401: errors[401],
      404: errors[404],
      422: errors[422],
    },
  }),
  getPair: createRoute({
    method: "get",
    path: "/api/admin/routing",
    summary: "The router's strong and weak models (operator)",
    security: [{ adminToken: [] }],
    middleware: [requireAdmin] as const,
    responses: {
      200: { description: "The pair", content: { "application/json": { schema: RoutingPair } } },
      401: errors[401],
      404: errors[404],
    },
  }),
  routers: createRoute({
    method: "get",
    path: "/v1/routers",
    summary: "The routers, their pair, training and calibrated thresholds",
    ...providerAuth,
    responses: {
      200: { description: "Routers", content: { "application/json": { schema: z.array(RouterInfo) } } },
      401: e[401],
      429: e[429],
      503: e[503],
    },
  }),
  calibrate: createRoute({
    method: "get",
    path: "/v1/routers/{router}/calibrate",
    summary: "The threshold that sends a share of the logged prompts to the strong model",
    ...providerAuth,
    request: {
      params: z.object({ router: z.string().openapi({ param: { name: "router", in: "path" }, example: "mf" }) }),
      query: z.object({ strongFraction: z.coerce.number().min(0).max(1) }),
    },
    responses: {
      200: { description: "The threshold", content: { "application/json": { schema: Calibration } } },
      401: e[401],
      404: e[404],
      422: e[422],
      429: e[429],
      503: e[503],
    },
  }),
  promptBoard: createRoute({
    method: "get",
    path: "/api/leaderboard/prompt",
    summary: "A leaderboard for one prompt (Prompt-to-Leaderboard): similarity-weighted Bradley–Terry",
    request: { query: z.object({ q: z.string().trim().min(1).max(4000) }) },
    responses: {
      200: {
        description: "`arena-leaderboard/v1` with one board, `prompt`",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
      422: errors[422],
      503: errors[503],
    },
  }),
};

/** An untrained router scores ½ on every prompt: its thresholds are nominal (1 − share). */
const UNTRAINED_THRESHOLDS = { "0.2": 0.8, "0.5": 0.5, "0.8": 0.2 };

/** sha256 of each p2l artifact's bytes, by R2 key: the provenance of every prompt board computed from it. */
const artifactHashes = new Map<string, string>();

export function registerRoutingRoutes(app: App) {
  app.openapi(routes.putPair, async (c) => {
    const { strong, weak } = c.req.valid("json");
    const d = db(c.env.DB);
    const models = await listModels(d);
    for (const [field, id] of [
      ["strong", strong],
      ["weak", weak],
    ] as const) {
      const m = models.find((x) => x.id === id);
      if (!m) throw new ApiError(404, "model_not_found", `${field}: no model '${id}'.`);
      if (m.visibility !== "public" || !servesMode(m, "chat")) {
        throw new ApiError(422, "invalid_request", `${field}: '${id}' is not a public model serving chat.`);
      }
    }
    const pair = { strong, weak, updatedAt: Date.now() };
    await setRoutingPair(d, pair);
    return c.json(pair, 200);
  });

  app.openapi(routes.getPair, async (c) => {
    const pair = await getRoutingPair(db(c.env.DB));
    if (!pair) throw new ApiError(404, "not_configured", "No router pair is set; PUT /api/admin/routing sets one.");
    return c.json(pair, 200);
  });

  app.openapi(routes.routers, async (c) => {
    const out = [];
    for (const router of ROUTER_NAMES) {
      const s = await currentRouter(c.env, router);
      out.push({
        router,
        strong: s.strong,
        weak: s.weak,
        trainedAt: s.artifact?.trainedAt ?? null,
        battles: s.artifact?.battles ?? 0,
        thresholds: s.artifact?.thresholds ?? UNTRAINED_THRESHOLDS,
      });
    }
    return c.json(out, 200);
  });

  app.openapi(routes.calibrate, async (c) => {
    const { router } = c.req.valid("param");
    const { strongFraction } = c.req.valid("query");
    const name = ROUTER_NAMES.find((r) => r === router);
    if (!name) {
      throw new ApiError(404, "router_not_found", `No router '${router}' (one of ${ROUTER_NAMES.join(", ")}).`);
    }
    const artifact = (await currentRouter(c.env, name)).artifact;
    return c.json(calibrateArtifact(artifact ?? { calibration: { prompts: 0, scores: [] } }, strongFraction), 200);
  });

  app.openapi(routes.promptBoard, async (c) => {
    const { q } = c.req.valid("query");
    const state = await currentRouter(c.env, "p2l");
    const artifact = state.artifact as RouterArtifact<"p2l"> | null;
    if (!artifact || !state.key || !state.latest || artifact.battles === 0) {
      throw new ApiError(
        503,
        "not_ready",
        "The prompt leaderboard needs trained routers: vote on a few battles first.",
        {
          "retry-after": "60",
        },
      );
    }
    const params = artifact.params as P2lParams;
    const [embedding] = await configuredEmbedder(c.env).embed([q]);
    const board = promptLeaderboard(openBattles(params.store), embedding!, { tau: params.tau, ridge: params.ridge });
    let sha256 = artifactHashes.get(state.key);
    if (!sha256) {
      sha256 = await sha256Hex(JSON.stringify(artifact));
      artifactHashes.set(state.key, sha256);
    }
    return c.json(
      {
        schema: LEADERBOARD_SCHEMA,
        snapshot: state.latest.run,
        generatedAt: state.latest.trainedAt,
        data: { battles: artifact.battles, sha256, excluded: {} },
        method: {
          model: "bradley-terry",
          scale: 400,
          base: 10,
          initial: 1000,
          ties: 0.5,
          anchor: null,
          ci: { method: "weighted-bootstrap", rounds: 100, level: 0.95, seed: 0 },
          weighting: { kind: "kernel", tau: params.tau, ridge: params.ridge, embedder: artifact.embedder.id },
          leaderboardSnapshot: state.latest.snapshot,
        },
        categories: { prompt: board },
      },
      200,
    );
  });
}
