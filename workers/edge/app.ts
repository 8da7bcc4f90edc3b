// The edge worker: one Hono app whose every route is declared with @hono/zod-openapi, so /openapi.json documents
// each route from the same zod schemas that validate it (DESIGN section 4).
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ApiError, type ApiErrorBody } from "../../shared/core/errors";
import { describeIssues } from "../../shared/core/issues";
import { errorText, log } from "../../shared/core/log";
import { openAIError, usesOpenAIErrors } from "./openai-errors";
import { drainBody, isWorkerPath, servePage } from "./pages";
import { VERSION, type App, type AppEnv } from "./env";
import { registerAdminRoutes } from "./routes/admin";
import { registerBattleRoutes } from "./routes/battles";
import { registerChatRoutes } from "./routes/chat";
import { registerEvalRoutes } from "./routes/evals";
import { registerExportRoutes } from "./routes/export";
import { registerLeaderboardRoutes } from "./routes/leaderboard";
import { registerMetaRoutes } from "./routes/meta";
import { registerApiDocsRoute } from "./routes/api-docs";
import { registerOpenAIRoutes } from "./routes/openai";
import { registerProviderAdminRoutes } from "./routes/provider-admin";
import { registerProviderModelRoutes } from "./routes/provider-models";
import { registerProviderResultsRoute } from "./routes/provider-results";
import { registerRedteamRoutes } from "./routes/redteam";
import { registerRedteamBoardRoute } from "./routes/redteam-board";
import { registerRoutingRoutes } from "./routes/routing";
import { registerSamplingRoutes } from "./routes/sampling";
import { registerTransparencyRoute } from "./routes/transparency";

const OPENAPI_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Arena API",
    version: VERSION,
    description:
      "Anonymous pairwise LLM battles, human votes and the leaderboard; provider accounts, private models and " +
      "results; an OpenAI-compatible API. Contract: DESIGN.md sections 4 and 4b. Readable version: /api/docs.",
  },
};

function errorResponse(
  c: Context<AppEnv>,
  status: ApiError["status"],
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  if (usesOpenAIErrors(new URL(c.req.url).pathname)) return c.json(openAIError(status, code, message), status, headers);
  const body: ApiErrorBody = { error: { code, message, requestId: c.get("requestId") } };
  return c.json(body, status, headers);
}

/**
 * A body the handler never read (an error answered before reading it, a route that takes none such as `/stop`) is
 * drained, so the connection the request came on stays usable: under `wrangler dev` an unread body made workerd
 * answer 503 "Your worker restarted mid-request" or reset the connection.
 */
const discardBody = (c: Context<AppEnv>): Promise<void> => drainBody(c.req.raw);

export function createApp(): App {
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, 422, "invalid_request", describeIssues(result.error));
    },
  });

  app.use("*", async (c, next) => {
    c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
    // JSON bodies are accepted whatever Content-Type the client sent (curl -d sends form-urlencoded), so a
    // request is judged by its body: malformed JSON is a 400, a schema violation a 422.
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]!.trim();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && !/^application\/([\w.-]+\+)?json$/i.test(mediaType)) {
      const headers = new Headers(c.req.raw.headers);
      headers.set("content-type", "application/json");
      c.req.raw = new Request(c.req.raw, { headers });
    }
    await next();
    await discardBody(c);
    c.header("x-request-id", c.get("requestId"));
  });

  app.onError(async (err, c) => {
    await discardBody(c);
    if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.headers);
    if (err instanceof HTTPException && err.status === 400) {
      return errorResponse(c, 400, "bad_json", "The request body is not valid JSON.");
    }
    if (err instanceof HTTPException)
      return errorResponse(c, err.status, "http_error", err.message || "Request failed.");
    // Unknown failures: log the detail, answer with a generic message (it could name a provider otherwise).
    log.error("edge.unhandled", { requestId: c.get("requestId"), err: errorText(err), stack: (err as Error).stack });
    return errorResponse(c, 500, "internal_error", "Something went wrong on our side. Please try again.");
  });

  app.notFound(async (c) => {
    const pathname = new URL(c.req.url).pathname;
    if (!isWorkerPath(pathname)) {
      const page = await servePage(c.req.raw, c.env);
      if (page) return page;
      await discardBody(c);
      return errorResponse(c, 405, "method_not_allowed", `${pathname} is a page: use GET or HEAD.`, {
        allow: "GET, HEAD",
      });
    }
    await discardBody(c);
    return errorResponse(c, 404, "not_found", `No route for ${c.req.method} ${pathname}.`);
  });

  // Per-IP rate limits sit on their routes (`middleware` in routes/battles.ts and routes/chat.ts).
  registerMetaRoutes(app);
  registerBattleRoutes(app);
  registerChatRoutes(app);
  registerRedteamRoutes(app);
  registerRedteamBoardRoute(app);
  registerAdminRoutes(app);
  registerLeaderboardRoutes(app);
  registerProviderAdminRoutes(app);
  registerProviderModelRoutes(app);
  registerProviderResultsRoute(app);
  registerOpenAIRoutes(app);
  registerRoutingRoutes(app);
  registerSamplingRoutes(app);
  registerTransparencyRoute(app);
  registerEvalRoutes(app);
  registerApiDocsRoute(app, OPENAPI_CONFIG);
  registerExportRoutes(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "adminToken", { type: "http", scheme: "bearer" });
  app.openAPIRegistry.registerComponent("securitySchemes", "providerKey", {
    type: "http",
    scheme: "bearer",
    description: "A provider API key (`ak_…`) issued by the operator",
  });
  app.doc31("/openapi.json", OPENAPI_CONFIG);
  return app;
}
