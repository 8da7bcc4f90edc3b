// Red Team routes (DESIGN section 11). The edge validates, picks the target and the model, and relays: the GameRoom
// DO owns the game, its clock and the generation loop. The model is named to the player (not a blind battle).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { db, getModel } from "../../../d1/queries";
import { getGameRow, insertPlayer, playerById, playerByPrefix } from "../../../d1/redteam";
import { readConfig } from "../../../shared/core/config";
import { isUuid } from "../../../shared/core/crypto";
import { ApiError, unwrap } from "../../../shared/core/errors";
import { bearerToken } from "../../../shared/accounts/keys";
import { ModelId, reveal, servesMode } from "../../../shared/models";
import { GameCreated, GameView, randomIndex, setupGame } from "../../../shared/redteam/game";
import { kinds, KindName } from "../../../shared/redteam/kinds";
import { Handle, issuePlayerToken, playerTokenPrefix, verifyPlayerToken } from "../../../shared/redteam/players";
import type { App, AppEnv } from "../env";
import { assertNotPaused, isPaused, loadPool } from "../pool";
import { rateLimit } from "../rate-limit";
import { errors, jsonBody, sseResponse } from "../schemas";
import { verifyTurnstile } from "../turnstile";
import { clientIp } from "../voter";

const RegisterPlayer = z.object({ handle: Handle }).strict().openapi("RedteamPlayerCreate");
const PlayerCreated = z
  .object({
    id: z.string(),
    handle: z.string(),
    token: z.string().openapi({ description: "Bearer token for ranked games; shown once, stored only hashed" }),
  })
  .openapi("RedteamPlayer");

const KindInfo = z
  .object({ kind: KindName, title: z.string(), description: z.string(), seconds: z.number().int() })
  .openapi("RedteamKind");

const CreateGame = z
  .object({
    kind: KindName,
    model: ModelId.optional().openapi({ description: "A model serving `redteam`; omitted: one at random" }),
    turnstileToken: z.string().max(4096).optional(),
    consent: z.boolean().optional().openapi({
      description:
        "Release this game's transcript, PII scrubbed, in /api/export/redteam-conversations.jsonl (ranked games only)",
    }),
  })
  .strict()
  .openapi("RedteamGameCreate");

const Message = z
  .object({ content: z.string().refine((s) => s.trim().length > 0, "must not be empty") })
  .openapi("RedteamMessage");

const GameIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b5c1f5e-8a7d-4c52-9a57-3c8f2b1f8e11" }),
});

const GameStream = {
  "text/event-stream": {
    schema: z.string().openapi({
      description: "Server-Sent Events: `token` {text} as the model writes, then `done` {status, secondsLeft}",
    }),
  },
};

const routes = {
  register: createRoute({
    method: "post",
    path: "/api/redteam/players",
    middleware: [rateLimit("RL_BATTLES")] as const,
    summary: "Register a Red Team player; the token is shown once",
    request: jsonBody(RegisterPlayer),
    responses: {
      201: { description: "Registered", content: { "application/json": { schema: PlayerCreated } } },
      400: errors[400],
      409: errors[409],
      422: errors[422],
      429: errors[429],
    },
  }),
  kinds: createRoute({
    method: "get",
    path: "/api/redteam/kinds",
    summary: "The Red Team game kinds",
    responses: { 200: { description: "Kinds", content: { "application/json": { schema: z.array(KindInfo) } } } },
  }),
  create: createRoute({
    method: "post",
    path: "/api/redteam/games",
    middleware: [rateLimit("RL_BATTLES")] as const,
    summary: "Start a Red Team game (ranked with `Authorization: Bearer <player token>`, else anonymous)",
    request: jsonBody(CreateGame),
    responses: {
      201: {
        description: "Started",
        content: { "application/json": { schema: GameCreated.openapi("RedteamGameCreated") } },
      },
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      422: errors[422],
      429: errors[429],
      503: errors[503],
    },
  }),
  message: createRoute({
    method: "post",
    path: "/api/redteam/games/{id}/messages",
    middleware: [rateLimit("RL_MESSAGES")] as const,
    summary: "Send a message; the model's answer streams back, a win ends it at once",
    request: { params: GameIdParam, ...jsonBody(Message) },
    responses: {
      200: { description: "The answer, streamed", content: GameStream },
      400: errors[400],
      404: errors[404],
      409: errors[409],
      422: errors[422],
      429: errors[429],
    },
  }),
  forfeit: createRoute({
    method: "post",
    path: "/api/redteam/games/{id}/forfeit",
    summary: "Give up a game (counts as a loss)",
    request: { params: GameIdParam },
    responses: {
      200: {
        description: "Forfeited",
        content: { "application/json": { schema: z.object({ status: z.literal("forfeit") }) } },
      },
      404: errors[404],
      409: errors[409],
    },
  }),
  get: createRoute({
    method: "get",
    path: "/api/redteam/games/{id}",
    summary: "A game's state; the target is revealed for every kind once it is over",
    request: { params: GameIdParam },
    responses: {
      200: { description: "The game", content: { "application/json": { schema: GameView.openapi("RedteamGame") } } },
      404: errors[404],
    },
  }),
};

function gameStub(c: Context<AppEnv>, id: string) {
  if (!isUuid(id)) throw new ApiError(404, "game_not_found", "No game with this id.");
  return c.env.GAME.getByName(id);
}

/** The player behind an `Authorization: Bearer` token; none → anonymous; a wrong token → 401. */
async function playerOf(c: Context<AppEnv>): Promise<{ id: string; handle: string } | null> {
  const header = c.req.header("authorization");
  if (header === undefined || header.trim() === "") return null;
  const token = bearerToken(header);
  const prefix = token ? playerTokenPrefix(token) : null;
  const row = prefix ? await playerByPrefix(db(c.env.DB), prefix) : undefined;
  if (!token || !row || !(await verifyPlayerToken(token, { salt: row.tokenSalt, hash: row.tokenHash }))) {
    throw new ApiError(401, "invalid_token", "The player token is not valid; register again or play anonymously.");
  }
  return { id: row.id, handle: row.handle };
}

const secondsOf = (env: Env, kindSeconds: number) => readConfig(env).redteamSeconds ?? kindSeconds;

export function registerRedteamRoutes(app: App) {
  app.openapi(routes.register, async (c) => {
    const { handle } = c.req.valid("json");
    const issued = await issuePlayerToken();
    const id = crypto.randomUUID();
    const inserted = await insertPlayer(db(c.env.DB), {
      id,
      handle,
      handleKey: handle.toLowerCase(),
      tokenPrefix: issued.prefix,
      tokenSalt: issued.salt,
      tokenHash: issued.hash,
      createdAt: Date.now(),
    });
    if (!inserted) throw new ApiError(409, "handle_taken", `The handle '${handle}' is taken; pick another.`);
    return c.json({ id, handle, token: issued.token }, 201);
  });

  app.openapi(routes.kinds, (c) =>
    c.json(
      [...kinds().values()].map((k) => ({
        kind: k.kind,
        title: k.title,
        description: k.description,
        seconds: secondsOf(c.env, k.seconds),
      })),
      200,
    ),
  );

  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    await verifyTurnstile(c.env, body.turnstileToken, clientIp(c.req.raw.headers));
    const player = await playerOf(c);
    const pool = await loadPool(c.env);
    const serving = pool.all.filter((m) => m.visibility === "public" && servesMode(m, "redteam"));
    let model;
    if (body.model !== undefined) {
      model = serving.find((m) => m.id === body.model);
      if (!model) throw new ApiError(404, "model_not_found", `No model '${body.model}' is available for Red Team.`);
      assertNotPaused(pool, model);
    } else {
      const open = serving.filter((m) => !isPaused(pool, m.id));
      if (open.length === 0) throw new ApiError(503, "no_models", "No model is available for Red Team right now.");
      model = open[randomIndex(open.length)]!;
    }
    const setup = setupGame(body.kind);
    const seconds = secondsOf(c.env, kinds().get(body.kind)!.seconds);
    const id = crypto.randomUUID();
    const { deadline } = unwrap(
      await c.env.GAME.getByName(id).create({ id, setup, model, player, seconds, consent: body.consent === true }),
    );
    return c.json(
      {
        id,
        kind: body.kind,
        target: setup.shownTarget,
        model: reveal(model),
        deadline,
        seconds,
        ranked: player !== null,
      },
      201,
    );
  });

  app.openapi(routes.message, async (c) => {
    const { id } = c.req.valid("param");
    const { content } = c.req.valid("json");
    const max = readConfig(c.env).maxPromptChars;
    if (content.length > max) {
      throw new ApiError(422, "invalid_request", `content: at most ${max} characters (got ${content.length})`);
    }
    const result = unwrap(await gameStub(c, id).sendMessage(content));
    return sseResponse(result.stream);
  });

  app.openapi(routes.forfeit, async (c) => {
    unwrap(await gameStub(c, c.req.valid("param").id).forfeit());
    return c.json({ status: "forfeit" as const }, 200);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid("param");
    const viewed = await gameStub(c, id).view();
    if (viewed.ok) return c.json(viewed.game, 200);
    // The DO is gone (expired a day after the end): the finished game lives on in D1, without its transcript.
    const archived = await archivedGame(db(c.env.DB), id);
    if (!archived) throw new ApiError(404, "game_not_found", "No game with this id.");
    return c.json(archived, 200);
  });
}

async function archivedGame(d: ReturnType<typeof db>, id: string): Promise<GameView | null> {
  const row = await getGameRow(d, id);
  if (!row) return null;
  const [model, player] = await Promise.all([
    getModel(d, row.model),
    row.playerId ? playerById(d, row.playerId) : Promise.resolve(undefined),
  ]);
  const status = row.outcome === "win" ? "won" : row.outcome === "loss" ? "lost" : "forfeit";
  return {
    id: row.id,
    kind: row.kind as GameView["kind"],
    status,
    model: model ? reveal(model) : { id: row.model, name: row.model, organization: "unknown" },
    target: row.targetText,
    turns: [],
    startedAt: row.startedAt,
    endedAt: row.tstamp,
    deadline: row.deadline,
    ranked: row.ranked,
    player: row.playerId ? { id: row.playerId, handle: player?.handle ?? "" } : null,
  };
}
