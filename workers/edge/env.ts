// The edge app's types and version, apart from the app itself (as unkey keeps its HonoEnv in pkg/hono/env.ts):
// routes and middleware import these, never `app.ts`, so only app.ts imports the routes and nothing imports app.ts
// except the Worker's entry.
import type { OpenAPIHono } from "@hono/zod-openapi";

/** The provider a `/v1/*` request authenticated as (workers/edge/auth.ts). */
export interface ProviderPrincipal {
  id: string;
  name: string;
  /** The public prefix of the key this request used. */
  keyPrefix: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { requestId: string; provider: ProviderPrincipal };
}
export type App = OpenAPIHono<AppEnv>;

/** The API's version: /openapi.json's info.version and /api/health. */
export const VERSION = "0.1.0";
