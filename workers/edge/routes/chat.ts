// Direct chat with one named model, and feedback on a reply. Stored, never rated (invariant 4).
import { createRoute, z } from "@hono/zod-openapi";
import { db, insertChatFeedback } from "../../../d1/queries";
import { readConfig } from "../../../shared/core/config";
import { isUuid } from "../../../shared/core/crypto";
import { ApiError, unwrap } from "../../../shared/core/errors";
import { ModelId, servesMode } from "../../../shared/models";
import { clientIp, voterHash } from "../voter";
import type { App } from "../env";
import { assertNotPaused, loadPool } from "../pool";
import { BattleIdParam, errors, EventStream, jsonBody, sseResponse } from "../schemas";
import { rateLimit } from "../rate-limit";
import { isRouterModel } from "../../../shared/routing/name";
import { routeHeader, routePrompt } from "../routing";

/** The whole conversation is stored in one SQLite value in the chat's DO (2 MB cap): stay well below it. */
const MAX_CHAT_CHARS = 400_000;

const ChatRequest = z
  .object({
    model: ModelId,
    messages: z
      .array(z.object({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
      .min(1)
      .max(201)
      .refine((ms) => ms[ms.length - 1]?.role === "user", "the last message must be the user's"),
    temperature: z.number().min(0).max(2).optional(),
    maxTokens: z.number().int().min(1).max(32_000).optional(),
  })
  .openapi("ChatRequest");

const Feedback = z.object({ kind: z.enum(["up", "down", "flag"]) }).openapi("ChatFeedback");

const chat = createRoute({
  method: "post",
  path: "/api/chat",
  middleware: [rateLimit("RL_MESSAGES")] as const,
  summary: "Chat with one model; the reply streams as side `a`, first event `meta` {id}",
  request: jsonBody(ChatRequest),
  responses: {
    200: { description: "The reply, streamed", content: EventStream },
    400: errors[400],
    404: errors[404],
    422: errors[422],
    429: errors[429],
    503: errors[503],
  },
});

const feedback = createRoute({
  method: "post",
  path: "/api/chat/{id}/feedback",
  summary: "Up, down or flag a chat reply",
  request: { params: BattleIdParam, ...jsonBody(Feedback) },
  responses: {
    202: {
      description: "Feedback stored",
      content: { "application/json": { schema: z.object({ received: z.literal(true) }) } },
    },
    400: errors[400],
    404: errors[404],
    422: errors[422],
  },
});

export function registerChatRoutes(app: App) {
  app.openapi(chat, async (c) => {
    const body = c.req.valid("json");
    const max = readConfig(c.env).maxPromptChars;
    const tooLong = body.messages.findIndex((m) => m.content.length > max);
    if (tooLong >= 0)
      throw new ApiError(422, "invalid_request", `messages.${tooLong}.content: at most ${max} characters`);
    const total = body.messages.reduce((sum, m) => sum + m.content.length, 0);
    if (total > MAX_CHAT_CHARS) {
      throw new ApiError(
        422,
        "invalid_request",
        `messages: at most ${MAX_CHAT_CHARS} characters in all (got ${total})`,
      );
    }
    const pool = await loadPool(c.env);
    // "Auto (router)": `router-<r>-<t>` picks the model for the last message (DESIGN section 12).
    const route = isRouterModel(body.model)
      ? await routePrompt(c.env, pool, body.model, body.messages[body.messages.length - 1]!.content)
      : null;
    const model =
      route?.model ?? pool.all.find((m) => m.id === body.model && m.visibility === "public" && servesMode(m, "chat"));
    if (!model) throw new ApiError(404, "model_not_found", `No public model '${body.model}' is available for chat.`);
    assertNotPaused(pool, model);
    const id = crypto.randomUUID();
    const result = unwrap(
      await c.env.BATTLE.getByName(id).chat({
        id,
        model,
        messages: body.messages,
        params: { temperature: body.temperature, maxTokens: body.maxTokens },
        creatorHash: await voterHash(clientIp(c.req.raw.headers), c.env.VOTER_HASH_SALT),
        route: route ? routeHeader(route) : undefined,
      }),
    );
    const response = sseResponse(result.stream) as Response;
    if (route) response.headers.set("x-arena-route", routeHeader(route));
    return response as never;
  });

  app.openapi(feedback, async (c) => {
    const { id } = c.req.valid("param");
    const { kind } = c.req.valid("json");
    if (!isUuid(id)) throw new ApiError(404, "chat_not_found", "No chat with this id.");
    const { model } = unwrap(await c.env.BATTLE.getByName(id).chatModel());
    await insertChatFeedback(db(c.env.DB), {
      chatId: id,
      model,
      kind,
      voterHash: await voterHash(clientIp(c.req.raw.headers), c.env.VOTER_HASH_SALT),
      createdAt: Date.now(),
    });
    return c.json({ received: true as const }, 202);
  });
}
