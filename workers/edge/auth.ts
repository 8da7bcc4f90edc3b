// Who may call what, in one module: the operator's bearer ADMIN_TOKEN (compared in constant time) on /api/admin/*;
// provider API keys on /v1/* (DESIGN section 4b: `Authorization: Bearer ak_…`, checked against the salted hash stored
// for the key's prefix; a missing, malformed, unknown or revoked key is a 401 in OpenAI's error shape) with the
// per-key rate limit of the OpenAI-compatible API; and the provider's own models, which another provider's key
// cannot tell apart from unknown ids.
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { apiKeyByPrefix, getProvider, ownedModel, touchApiKey } from "../../d1/providers";
import { db } from "../../d1/queries";
import { bearerToken, keyPrefix, verifyApiKey } from "../../shared/accounts/keys";
import { readConfig } from "../../shared/core/config";
import { timingSafeEqualStrings } from "../../shared/core/crypto";
import { ApiError } from "../../shared/core/errors";
import { errorText, log } from "../../shared/core/log";
import type { ModelRecord } from "../../shared/models";
import type { AppEnv } from "./env";

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  const expected = c.env.ADMIN_TOKEN;
  if (!expected || !token || !(await timingSafeEqualStrings(token, expected))) {
    throw new ApiError(
      401,
      "unauthorized",
      "A valid operator token is required (Authorization: Bearer <ADMIN_TOKEN>).",
      {
        "www-authenticate": 'Bearer realm="arena-admin"',
      },
    );
  }
  await next();
});

const CHALLENGE = { "www-authenticate": 'Bearer realm="arena-provider"' };

/** Never echoes the presented key, not even masked. */
const invalidKey = () =>
  new ApiError(
    401,
    "invalid_api_key",
    "Incorrect API key provided. Ask the arena operator for a provider key.",
    CHALLENGE,
  );

export const requireProviderKey = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) {
    throw new ApiError(
      401,
      "missing_api_key",
      "You didn't provide an API key. Send your provider key as 'Authorization: Bearer <key>'.",
      CHALLENGE,
    );
  }
  const prefix = keyPrefix(token);
  if (!prefix) throw invalidKey();
  const d = db(c.env.DB);
  const row = await apiKeyByPrefix(d, prefix);
  if (!row || row.revokedAt !== null || !(await verifyApiKey(token, row))) throw invalidKey();
  const provider = await getProvider(d, row.providerId);
  if (!provider) throw invalidKey();
  c.set("provider", { id: provider.id, name: provider.name, keyPrefix: prefix });
  c.executionCtx.waitUntil(
    touchApiKey(d, prefix, Date.now()).catch((err) =>
      log.error("provider.key_touch_failed", { prefix, err: errorText(err) }),
    ),
  );
  await next();
});

/** Seconds of the RL_API_KEYS binding's period (wrangler.toml): the Retry-After we send. */
const API_KEY_PERIOD_SECONDS = 60;

/** The per-key limit of the OpenAI-compatible API; runs after requireProviderKey. RATE_LIMITS=off disables it. */
export const rateLimitApiKey = createMiddleware<AppEnv>(async (c, next) => {
  if (readConfig(c.env).rateLimits) {
    const { success } = await c.env.RL_API_KEYS.limit({ key: c.get("provider").keyPrefix });
    if (!success) {
      throw new ApiError(
        429,
        "rate_limit_exceeded",
        `Rate limit reached for this API key; try again in ${API_KEY_PERIOD_SECONDS} s.`,
        { "retry-after": String(API_KEY_PERIOD_SECONDS) },
      );
    }
  }
  await next();
});

export const modelNotFound = () => new ApiError(404, "model_not_found", "You have no model with this id.");

/** The caller's model, or 404 whether the id is unknown, malformed or another provider's. */
export async function callerModel(c: Context<AppEnv>, id: string): Promise<ModelRecord> {
  const model = id.length <= 128 ? await ownedModel(db(c.env.DB), c.get("provider").id, id) : undefined;
  if (!model) throw modelNotFound();
  return model;
}
