// OpenAI-compatible API over the public arena models (DESIGN section 4b), for providers' and researchers' eval
// harnesses: GET /v1/models and POST /v1/chat/completions, streaming (SSE chunks ending `data: [DONE]`) or not,
// with usage, OpenAI error objects, a provider key and a per-key rate limit. Generation goes through the same
// provider adapters as battles; a failing upstream is a neutral error (its own text is logged, never sent).
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { reportModelHealth } from "../../../d1/model-health";
import { ownedModelApiKey } from "../../../d1/providers";
import { readConfig } from "../../../shared/core/config";
import { ApiError } from "../../../shared/core/errors";
import { servesMode, type ModelRecord } from "../../../shared/models";
import {
  effectiveParams,
  providerFor,
  type ChatMessage,
  type FinishReason,
  type ProviderEvent,
} from "../../../shared/providers";
import { countTokens } from "../../../shared/battle/style";
import type { App, AppEnv } from "../env";
import { openAIError, openAIErrors as e } from "../openai-errors";
import { assertNotPaused, loadPool } from "../pool";
import { rateLimitApiKey, requireProviderKey } from "../auth";
import { jsonBody } from "../schemas";
import { isRouterModel } from "../../../shared/routing/name";
import { routeHeader, routePrompt } from "../routing";
import { errorText, log } from "../../../shared/core/log";

/** The whole conversation, as for POST /api/chat. */
const MAX_CONVERSATION_CHARS = 400_000;

const ContentPart = z.object({ type: z.literal("text"), text: z.string() });
const Message = z.object({
  role: z.enum(["system", "developer", "user", "assistant"]),
  content: z
    .union([z.string(), z.array(ContentPart)])
    .nullable()
    .openapi({ description: "Text, or an array of text parts" }),
  name: z.string().optional(),
});

const ChatCompletionRequest = z
  .object({
    model: z.string().min(1).max(128).openapi({
      example: "demo-pebble",
      description:
        "A model id, or `router-<router>-<threshold>` (DESIGN section 12): the response names the routed model",
    }),
    messages: z.array(Message).min(1).max(201),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    max_tokens: z.number().int().min(1).max(32_000).nullish(),
    max_completion_tokens: z.number().int().min(1).max(32_000).nullish(),
    n: z.literal(1).nullish().openapi({ description: "Only 1 is supported" }),
    max_cost: z.number().min(0).max(1_000_000).nullish().openapi({
      description:
        "With `router-p2l-<t>`: pick, among the active models priced within it (USD per 1M output tokens), the best predicted for this prompt",
    }),
  })
  .openapi("ChatCompletionRequest", { description: "OpenAI Chat Completions request; other fields are ignored" });

const Usage = z
  .object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() })
  .openapi("CompletionUsage");

const ChatCompletion = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion"),
    created: z.number(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number(),
        message: z.object({ role: z.literal("assistant"), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: z.enum(["stop", "length"]),
      }),
    ),
    usage: Usage,
  })
  .openapi("ChatCompletion");

const OpenAIModel = z
  .object({ id: z.string(), object: z.literal("model"), created: z.number(), owned_by: z.string() })
  .openapi("OpenAIModel");

const auth = {
  security: [{ providerKey: [] }],
  middleware: [requireProviderKey, rateLimitApiKey],
  tags: ["OpenAI-compatible"],
};

const routes = {
  models: createRoute({
    method: "get",
    path: "/v1/models",
    summary: "List the public arena models (OpenAI format)",
    ...auth,
    responses: {
      200: {
        description: "Models",
        content: {
          "application/json": {
            schema: z.object({ object: z.literal("list"), data: z.array(OpenAIModel) }).openapi("OpenAIModelList"),
          },
        },
      },
      401: e[401],
      429: e[429],
    },
  }),
  model: createRoute({
    method: "get",
    path: "/v1/models/{model}",
    summary: "One public arena model (OpenAI format)",
    ...auth,
    request: { params: z.object({ model: z.string().openapi({ param: { name: "model", in: "path" } }) }) },
    responses: {
      200: { description: "The model", content: { "application/json": { schema: OpenAIModel } } },
      401: e[401],
      404: { ...e[404], description: "Unknown model (`model_not_found`)" },
      429: e[429],
    },
  }),
  completions: createRoute({
    method: "post",
    path: "/v1/chat/completions",
    summary: "Chat completion from a public arena model (OpenAI format; `stream: true` for SSE chunks)",
    ...auth,
    request: jsonBody(ChatCompletionRequest),
    responses: {
      200: {
        description: "A chat.completion, or with `stream: true` chat.completion.chunk events ending `data: [DONE]`",
        content: {
          "application/json": { schema: ChatCompletion },
          "text/event-stream": { schema: z.string().openapi({ description: "`data: <chat.completion.chunk>` lines" }) },
        },
      },
      400: e[400],
      401: e[401],
      404: { ...e[404], description: "Unknown model (`model_not_found`)" },
      422: e[422],
      429: e[429],
      502: e[502],
      503: e[503],
    },
  }),
};

const publicChatModels = (all: ModelRecord[]) =>
  all.filter((m) => m.visibility === "public" && m.status === "active" && servesMode(m, "chat"));

const openAIModel = (m: ModelRecord) => ({
  id: m.id,
  object: "model" as const,
  created: Math.floor(m.createdAt / 1000),
  owned_by: m.organization,
});

const modelNotFound = (id: string) =>
  new ApiError(404, "model_not_found", `The model '${id}' does not exist or you do not have access to it.`);

const upstreamFailed = () => new ApiError(502, "upstream_error", "The model failed to respond. Please try again.");

type Request = z.infer<typeof ChatCompletionRequest>;

function toMessages(req: Request): ChatMessage[] {
  return req.messages.map((m) => ({
    role: m.role === "developer" ? "system" : m.role,
    content: typeof m.content === "string" ? m.content : (m.content ?? []).map((p) => p.text).join(""),
  }));
}

/** The prompt a router scores: the last user message (DESIGN section 12). */
const lastUserText = (messages: ChatMessage[]) => messages.findLast((m) => m.role === "user")?.content ?? "";

function checkSizes(env: Env, messages: ChatMessage[]) {
  const max = readConfig(env).maxPromptChars;
  const tooLong = messages.findIndex((m) => m.content.length > max);
  if (tooLong >= 0)
    throw new ApiError(422, "invalid_request", `messages.${tooLong}.content: at most ${max} characters`);
  const total = messages.reduce((sum, m) => sum + m.content.length, 0);
  if (total > MAX_CONVERSATION_CHARS) {
    throw new ApiError(422, "invalid_request", `messages: at most ${MAX_CONVERSATION_CHARS} characters in all`);
  }
}

/** Feeds the per-model circuit breaker, as battles do; never disturbs the response. */
function reportHealth(c: Context<AppEnv>, modelId: string, failure: unknown) {
  c.executionCtx.waitUntil(reportModelHealth(c.env, modelId, failure));
}

function logFailure(modelId: string, err: unknown) {
  // ProviderError messages never contain the key (shared/providers/http.ts); other errors carry no upstream text.
  log.error("openai_api.upstream_failed", { model: modelId, err: errorText(err) });
}

async function usageOf(
  messages: ChatMessage[],
  text: string,
  reported?: { inputTokens?: number; outputTokens?: number },
) {
  const [prompt, completion] = await Promise.all([
    reported?.inputTokens ?? countTokens(messages.map((m) => m.content)).then((n) => n.reduce((a, b) => a + b, 0)),
    reported?.outputTokens ?? countTokens([text]).then(([n]) => n ?? 0),
  ]);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const encoder = new TextEncoder();
const sseData = (data: unknown) =>
  encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);

export function registerOpenAIRoutes(app: App) {
  app.openapi(routes.models, async (c) => {
    const pool = await loadPool(c.env);
    return c.json({ object: "list" as const, data: publicChatModels(pool.all).map(openAIModel) }, 200);
  });

  app.openapi(routes.model, async (c) => {
    const { model: id } = c.req.valid("param");
    const pool = await loadPool(c.env);
    const model = publicChatModels(pool.all).find((m) => m.id === id);
    if (!model) throw modelNotFound(id);
    return c.json(openAIModel(model), 200);
  });

  app.openapi(routes.completions, async (c) => {
    const req = c.req.valid("json");
    const messages = toMessages(req);
    checkSizes(c.env, messages);
    const pool = await loadPool(c.env);
    // A router model: the router picks one of its pair (or, for p2l with max_cost, any affordable model).
    const route = isRouterModel(req.model)
      ? await routePrompt(c.env, pool, req.model, lastUserText(messages), req.max_cost ?? undefined)
      : null;
    const model = route?.model ?? publicChatModels(pool.all).find((m) => m.id === req.model);
    if (!model) throw modelNotFound(req.model);
    assertNotPaused(pool, model);
    const routeHeaders: Record<string, string> = route ? { "x-arena-route": routeHeader(route) } : {};
    const provider = providerFor(model.provider);
    if (!provider) throw upstreamFailed();
    const config = readConfig(c.env);
    const params = effectiveParams(
      model,
      { temperature: config.defaultTemperature, topP: config.defaultTopP, maxTokens: config.defaultMaxTokens },
      {
        temperature: req.temperature ?? undefined,
        topP: req.top_p ?? undefined,
        maxTokens: req.max_completion_tokens ?? req.max_tokens ?? undefined,
      },
    );
    const controller = new AbortController();
    const events = provider
      .generate({
        model,
        messages,
        params,
        signal: controller.signal,
        attempt: 0,
        env: c.env,
        resolveOwnedKey: () => ownedModelApiKey(c.env, model.id),
      })
      [Symbol.asyncIterator]();
    const id = `chatcmpl-${crypto.randomUUID().replace(/-/g, "")}`;
    const created = Math.floor(Date.now() / 1000);

    // The first event decides between an HTTP error and a 200: nothing is sent before the model has answered.
    let first: IteratorResult<ProviderEvent>;
    try {
      first = await events.next();
    } catch (err) {
      logFailure(model.id, err);
      reportHealth(c, model.id, err);
      throw upstreamFailed();
    }

    if (!req.stream) {
      let text = "";
      let finish: FinishReason = "stop";
      let usage: { inputTokens?: number; outputTokens?: number } | undefined;
      try {
        for (let ev = first; !ev.done; ev = await events.next()) {
          if (ev.value.type === "text") text += ev.value.text;
          else {
            finish = ev.value.reason;
            usage = ev.value.usage;
          }
        }
      } catch (err) {
        logFailure(model.id, err);
        reportHealth(c, model.id, err);
        throw upstreamFailed();
      }
      reportHealth(c, model.id, undefined);
      return c.json(
        {
          id,
          object: "chat.completion" as const,
          created,
          model: model.id,
          choices: [
            {
              index: 0,
              message: { role: "assistant" as const, content: text, refusal: null },
              logprobs: null,
              finish_reason: finish,
            },
          ],
          usage: await usageOf(messages, text, usage),
        },
        200,
        routeHeaders,
      );
    }

    const includeUsage = req.stream_options?.include_usage === true;
    const chunk = (delta: object, finish: FinishReason | null) => ({
      id,
      object: "chat.completion.chunk",
      created,
      model: model.id,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    let upstreamFailure: unknown;
    const next = () =>
      events.next().catch((err: unknown) => {
        upstreamFailure = err ?? new Error("upstream failed");
        throw err;
      });
    const pump = async () => {
      let text = "";
      try {
        await writer.write(sseData(chunk({ role: "assistant", content: "" }, null)));
        let finish: FinishReason = "stop";
        let usage: { inputTokens?: number; outputTokens?: number } | undefined;
        for (let ev = first; !ev.done; ev = await next()) {
          if (ev.value.type === "text") {
            text += ev.value.text;
            await writer.write(sseData(chunk({ content: ev.value.text }, null)));
          } else {
            finish = ev.value.reason;
            usage = ev.value.usage;
          }
        }
        await writer.write(sseData(chunk({}, finish)));
        if (includeUsage) {
          const u = await usageOf(messages, text, usage);
          await writer.write(
            sseData({ id, object: "chat.completion.chunk", created, model: model.id, choices: [], usage: u }),
          );
        }
        await writer.write(sseData("[DONE]"));
        reportHealth(c, model.id, undefined);
      } catch {
        // Either the model failed (the client hears a neutral error event) or the client went away (stop it).
        controller.abort();
        if (upstreamFailure !== undefined) {
          logFailure(model.id, upstreamFailure);
          reportHealth(c, model.id, upstreamFailure);
          await writer
            .write(sseData(openAIError(502, "upstream_error", "The model failed to respond.")))
            .catch(() => {});
        }
      } finally {
        await writer.close().catch(() => {});
      }
    };
    c.executionCtx.waitUntil(pump());
    return new Response(readable, {
      status: 200,
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        ...routeHeaders,
      },
    }) as never;
  });
}
