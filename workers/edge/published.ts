// Serving a published JSON snapshot from R2 (/leaderboard.json, /redteam.json): a strong ETag per snapshot, 304 on a
// matching If-None-Match without touching R2, a minute of caching; a snapshot whose object is missing is not ready.
import type { Context } from "hono";
import type { ApiError } from "../../shared/core/errors";
import type { AppEnv } from "./env";

const CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300";

const quoted = (etag: string) => `"${etag}"`;

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const v = t.trim().replace(/^W\//, "");
    return v === "*" || v === quoted(etag);
  });
}

/** The R2 object at `key` as JSON under ETag `etag`, or 304; `notReady` when the object is gone. */
export async function servePublished(
  c: Context<AppEnv>,
  etag: string,
  key: string,
  notReady: () => ApiError,
): Promise<Response> {
  const headers = { etag: quoted(etag), "cache-control": CACHE_CONTROL };
  if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
  const object = await c.env.STORE.get(key);
  if (!object) throw notReady();
  return new Response(object.body, { headers: { ...headers, "content-type": "application/json; charset=utf-8" } });
}
