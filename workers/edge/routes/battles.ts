// Battle routes (DESIGN section 4). The edge validates, picks the pair and relays: the BattleRoom DO owns the
// state, the generation loop and the vote lock. Nothing here may put a model's identity into a pre-vote response.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { db, getBattleRow, insertReport, isBattleRecorded, listModels } from "../../../d1/queries";
import { BattleMode, BattleView, RevealedPair, VoteOutcome, Winner } from "../../../shared/battle/contract";
import { readTranscript, turnsOf } from "../../../shared/battle/transcript";
import { readConfig } from "../../../shared/core/config";
import { isUuid } from "../../../shared/core/crypto";
import { ApiError, unwrap } from "../../../shared/core/errors";
import { identityTerms } from "../../../shared/battle/leak";
import { ModelId, reveal, servesMode } from "../../../shared/models";
import { sampleAnonymousPair } from "../sampling";
import { verifyTurnstile } from "../turnstile";
import { storedText } from "../../../shared/core/validation";
import { clientIp, voterHash } from "../voter";
import type { App, AppEnv } from "../env";
import { assertNotPaused, isPaused, loadPool } from "../pool";
import { BattleIdParam, errors, EventStream, jsonBody, sseResponse } from "../schemas";
import { rateLimit } from "../rate-limit";

const CreateBattle = z
  .discriminatedUnion("mode", [
    z.object({
      mode: z.literal("anonymous"),
      consent: z.boolean().optional().openapi({ description: "The voter agrees the transcript may be released" }),
      turnstileToken: z.string().max(4096).optional(),
    }),
    z.object({
      mode: z.literal("side-by-side"),
      models: z.tuple([ModelId, ModelId]).refine(([a, b]) => a !== b, "pick two different models"),
      temperature: z.number().min(0).max(2).optional().openapi({ description: "Sampling temperature for both sides" }),
      maxTokens: z.number().int().min(1).max(32_000).optional().openapi({ description: "Answer length cap per side" }),
      consent: z.boolean().optional(),
      turnstileToken: z.string().max(4096).optional(),
    }),
  ])
  .openapi("CreateBattle");

const BattleCreated = z
  .object({
    id: z.string(),
    mode: BattleMode,
    models: RevealedPair.nullable(),
  })
  .openapi("BattleCreated");

const Message = z
  .object({ content: z.string().refine((s) => s.trim().length > 0, "must not be empty") })
  .openapi("Message");

const Vote = z
  .object({
    winner: Winner,
    turnstileToken: z.string().max(4096).optional(),
  })
  .openapi("Vote");

const VoteResult = VoteOutcome.openapi("VoteResult");

const Report = z.object({ reason: storedText(2000) }).openapi("Report");

/** The DO's view plus whether the vote has reached D1 (an expired battle is rebuilt from D1 and R2). */
const BattleState = BattleView.extend({ recorded: z.boolean() }).openapi("Battle");

const streamResponses = {
  200: { description: "The turn, streamed", content: EventStream },
  404: errors[404],
  409: errors[409],
  429: errors[429],
} as const;

const routes = {
  create: createRoute({
    method: "post",
    path: "/api/battles",
    middleware: [rateLimit("RL_BATTLES")] as const,
    summary: "Start a battle (anonymous pair, or two named models side by side)",
    request: jsonBody(CreateBattle),
    responses: {
      201: { description: "Created", content: { "application/json": { schema: BattleCreated } } },
      400: errors[400],
      403: errors[403],
      404: errors[404],
      422: errors[422],
      429: errors[429],
      503: errors[503],
    },
  }),
  message: createRoute({
    method: "post",
    path: "/api/battles/{id}/messages",
    middleware: [rateLimit("RL_MESSAGES")] as const,
    summary: "Send a prompt; both answers stream back in one SSE response",
    request: { params: BattleIdParam, ...jsonBody(Message) },
    responses: { ...streamResponses, 400: errors[400], 422: errors[422] },
  }),
  regenerate: createRoute({
    method: "post",
    path: "/api/battles/{id}/regenerate",
    middleware: [rateLimit("RL_MESSAGES")] as const,
    summary: "Regenerate the last turn on both sides",
    request: { params: BattleIdParam },
    responses: streamResponses,
  }),
  stop: createRoute({
    method: "post",
    path: "/api/battles/{id}/stop",
    summary: "Stop generating; unfinished sides end with `stopped`",
    request: { params: BattleIdParam },
    responses: {
      200: {
        description: "Stopped",
        content: { "application/json": { schema: z.object({ stopped: z.literal(true) }) } },
      },
      404: errors[404],
    },
  }),
  vote: createRoute({
    method: "post",
    path: "/api/battles/{id}/vote",
    middleware: [rateLimit("RL_VOTES")] as const,
    summary: "Vote once, after both sides finished; reveals the models",
    request: { params: BattleIdParam, ...jsonBody(Vote) },
    responses: {
      200: { description: "Vote accepted", content: { "application/json": { schema: VoteResult } } },
      400: errors[400],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      422: errors[422],
      429: errors[429],
      503: errors[503],
    },
  }),
  report: createRoute({
    method: "post",
    path: "/api/battles/{id}/report",
    summary: "Report a battle to the moderators",
    request: { params: BattleIdParam, ...jsonBody(Report) },
    responses: {
      202: {
        description: "Report received",
        content: { "application/json": { schema: z.object({ received: z.literal(true) }) } },
      },
      400: errors[400],
      404: errors[404],
      422: errors[422],
    },
  }),
  get: createRoute({
    method: "get",
    path: "/api/battles/{id}",
    summary: "A battle's state; the models of an anonymous battle appear only after the vote",
    request: { params: BattleIdParam },
    responses: {
      200: { description: "The battle", content: { "application/json": { schema: BattleState } } },
      404: errors[404],
    },
  }),
};

/** The battle's DO stub; a malformed id is simply not found. */
function battleStub(c: Context<AppEnv>, id: string) {
  if (!isUuid(id)) throw new ApiError(404, "battle_not_found", "No battle with this id.");
  return c.env.BATTLE.getByName(id);
}

const voterOf = (c: Context<AppEnv>) => voterHash(clientIp(c.req.raw.headers), c.env.VOTER_HASH_SALT);

export function registerBattleRoutes(app: App) {
  app.openapi(routes.create, async (c) => {
    const body = c.req.valid("json");
    await verifyTurnstile(c.env, body.turnstileToken, clientIp(c.req.raw.headers));
    const config = readConfig(c.env);
    const pool = await loadPool(c.env);
    const all = pool.all;
    const id = crypto.randomUUID();
    const creatorHash = await voterOf(c);
    const leakTerms = identityTerms(all);
    let pair: { a: (typeof all)[number]; b: (typeof all)[number]; probability: number | null };
    if (body.mode === "anonymous") {
      const sampled = await sampleAnonymousPair(
        c.env,
        all.filter((m) => servesMode(m, "battle") && !isPaused(pool, m.id)),
        { now: pool.now, newModelBoost: config.newModelBoost, newModelBoostDays: config.newModelBoostDays },
      );
      if (!sampled) throw new ApiError(503, "no_models", "Not enough models are available for a battle right now.");
      pair = sampled;
    } else {
      const find = (mid: string) => {
        const m = all.find((x) => x.id === mid && x.visibility === "public" && servesMode(x, "side-by-side"));
        if (!m) throw new ApiError(404, "model_not_found", `No public model '${mid}' is available side by side.`);
        assertNotPaused(pool, m);
        return m;
      };
      pair = { a: find(body.models[0]), b: find(body.models[1]), probability: null };
    }
    unwrap(
      await c.env.BATTLE.getByName(id).create({
        id,
        mode: body.mode,
        a: pair.a,
        b: pair.b,
        pairProbability: pair.probability,
        consent: body.consent ?? false,
        creatorHash,
        leakTerms,
        params: body.mode === "side-by-side" ? { temperature: body.temperature, maxTokens: body.maxTokens } : undefined,
      }),
    );
    const models = body.mode === "side-by-side" ? { a: reveal(pair.a), b: reveal(pair.b) } : null;
    return c.json({ id, mode: body.mode, models }, 201);
  });

  app.openapi(routes.message, async (c) => {
    const { id } = c.req.valid("param");
    const { content } = c.req.valid("json");
    const max = readConfig(c.env).maxPromptChars;
    if (content.length > max) {
      throw new ApiError(422, "invalid_request", `content: at most ${max} characters (got ${content.length})`);
    }
    const result = unwrap(await battleStub(c, id).sendMessage(content));
    return sseResponse(result.stream);
  });

  app.openapi(routes.regenerate, async (c) => {
    const result = unwrap(await battleStub(c, c.req.valid("param").id).regenerate());
    return sseResponse(result.stream);
  });

  app.openapi(routes.stop, async (c) => {
    unwrap(await battleStub(c, c.req.valid("param").id).stop());
    return c.json({ stopped: true as const }, 200);
  });

  app.openapi(routes.vote, async (c) => {
    const { id } = c.req.valid("param");
    const { winner, turnstileToken } = c.req.valid("json");
    const stub = battleStub(c, id);
    await verifyTurnstile(c.env, turnstileToken, clientIp(c.req.raw.headers));
    const outcome = unwrap(await stub.vote(winner, await voterOf(c)));
    return c.json(
      { winner: outcome.winner, models: outcome.models, counted: outcome.counted, reason: outcome.reason },
      200,
    );
  });

  app.openapi(routes.report, async (c) => {
    const { id } = c.req.valid("param");
    const { reason } = c.req.valid("json");
    const exists = (await battleStub(c, id).view()).ok || (await isBattleRecorded(db(c.env.DB), id));
    if (!exists) throw new ApiError(404, "battle_not_found", "No battle with this id.");
    await insertReport(db(c.env.DB), { battleId: id, reason, voterHash: await voterOf(c), createdAt: Date.now() });
    return c.json({ received: true as const }, 202);
  });

  app.openapi(routes.get, async (c) => {
    const { id } = c.req.valid("param");
    const d = db(c.env.DB);
    const viewed = await battleStub(c, id).view();
    if (viewed.ok) {
      const recorded = viewed.battle.status === "voted" && (await isBattleRecorded(d, id));
      return c.json({ ...viewed.battle, recorded }, 200);
    }
    // The DO is gone (expired after its TTL); a voted battle lives on in D1, with its transcript if retained.
    const archived = await archivedBattle(c.env, d, id);
    if (!archived) throw new ApiError(404, "battle_not_found", "No battle with this id.");
    return c.json({ ...archived, recorded: true }, 200);
  });
}

async function archivedBattle(env: Env, d: ReturnType<typeof db>, id: string): Promise<BattleView | null> {
  const row = await getBattleRow(d, id);
  if (!row) return null;
  const all = await listModels(d);
  const model = (mid: string) => {
    const m = all.find((x) => x.id === mid);
    return m ? reveal(m) : { id: mid, name: mid, organization: "unknown" };
  };
  const transcript = row.transcriptKey ? await readTranscript(env.STORE, row.transcriptKey) : null;
  const turns = transcript ? turnsOf(transcript) : [];
  const excluded = row.excludedReason;
  return {
    id: row.id,
    mode: row.mode,
    status: "voted",
    turns,
    models: { a: model(row.modelA), b: model(row.modelB) },
    counted: row.anony && excluded === null,
    reason: row.anony ? excluded : "side_by_side",
    canVote: false,
  };
}
