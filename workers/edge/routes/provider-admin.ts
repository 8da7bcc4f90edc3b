// Operator routes for provider accounts and their API keys (DESIGN section 4b), behind ADMIN_TOKEN. A key is
// returned once, when issued; afterwards only its prefix is ever shown. Rotation issues a new key and revokes the
// old one in one step; issuing a second key and revoking the first later does the same without a gap.
import { createRoute, z } from "@hono/zod-openapi";
import {
  createProvider,
  getProvider,
  insertApiKey,
  keysOf,
  listProviders,
  modelsOwnedBy,
  revokeApiKey,
  rotateApiKey,
} from "../../../d1/providers";
import { db } from "../../../d1/queries";
import { ApiError } from "../../../shared/core/errors";
import { issueApiKey, KEY_PREFIX_RE } from "../../../shared/accounts/keys";
import { storedText } from "../../../shared/core/validation";
import type { App } from "../env";
import { errors, jsonBody } from "../schemas";
import { requireAdmin } from "../auth";

const ProviderIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "prov_3f2a9c1b7d4e" }),
});
const KeyParams = ProviderIdParam.extend({
  prefix: z.string().openapi({ param: { name: "prefix", in: "path" }, example: "ak_5d1e0c9a2b7f" }),
});

const CreateProvider = z
  .object({ name: storedText(100).openapi({ example: "Acme AI" }) })
  .strict()
  .openapi("CreateProvider");

const IssuedKey = z
  .object({
    apiKey: z.string().openapi({ description: "The full key. Shown only in this response: store it now." }),
    prefix: z.string().openapi({ description: "The key's public prefix, used to list and revoke it" }),
    createdAt: z.number(),
  })
  .openapi("IssuedApiKey");

const ProviderCreated = z
  .object({ id: z.string(), name: z.string(), createdAt: z.number() })
  .extend(IssuedKey.shape)
  .openapi("ProviderCreated");

const ProviderSummary = z
  .object({
    id: z.string(),
    name: z.string(),
    createdAt: z.number(),
    activeKeys: z.number(),
    models: z.number(),
  })
  .openapi("ProviderSummary");

const KeyInfo = z
  .object({
    prefix: z.string(),
    createdAt: z.number(),
    lastUsedAt: z.number().nullable().openapi({ description: "Last use, to the minute" }),
    revokedAt: z.number().nullable(),
  })
  .openapi("ApiKeyInfo");

const Rotated = IssuedKey.extend({ revoked: z.string().openapi({ description: "Prefix of the key revoked" }) }).openapi(
  "RotatedApiKey",
);

const admin = { security: [{ adminToken: [] }], middleware: requireAdmin };
const authErrors = { 401: errors[401], 404: errors[404] };

const routes = {
  create: createRoute({
    method: "post",
    path: "/api/admin/providers",
    summary: "Create a provider account and its first API key (operator)",
    tags: ["Operator"],
    ...admin,
    request: jsonBody(CreateProvider),
    responses: {
      201: {
        description: "Created; `apiKey` is shown only now",
        content: { "application/json": { schema: ProviderCreated } },
      },
      400: errors[400],
      401: errors[401],
      409: errors[409],
      422: errors[422],
    },
  }),
  list: createRoute({
    method: "get",
    path: "/api/admin/providers",
    summary: "List provider accounts (operator)",
    tags: ["Operator"],
    ...admin,
    responses: {
      200: { description: "Accounts", content: { "application/json": { schema: z.array(ProviderSummary) } } },
      401: errors[401],
    },
  }),
  issue: createRoute({
    method: "post",
    path: "/api/admin/providers/{id}/keys",
    summary: "Issue another API key for a provider (operator)",
    tags: ["Operator"],
    ...admin,
    request: { params: ProviderIdParam },
    responses: {
      201: {
        description: "Issued; `apiKey` is shown only now",
        content: { "application/json": { schema: IssuedKey } },
      },
      ...authErrors,
    },
  }),
  keys: createRoute({
    method: "get",
    path: "/api/admin/providers/{id}/keys",
    summary: "List a provider's API keys by prefix (operator)",
    tags: ["Operator"],
    ...admin,
    request: { params: ProviderIdParam },
    responses: {
      200: { description: "Keys (prefixes only)", content: { "application/json": { schema: z.array(KeyInfo) } } },
      ...authErrors,
    },
  }),
  revoke: createRoute({
    method: "delete",
    path: "/api/admin/providers/{id}/keys/{prefix}",
    summary: "Revoke an API key (operator); idempotent",
    tags: ["Operator"],
    ...admin,
    request: { params: KeyParams },
    responses: {
      200: { description: "Revoked", content: { "application/json": { schema: KeyInfo } } },
      ...authErrors,
    },
  }),
  rotate: createRoute({
    method: "post",
    path: "/api/admin/providers/{id}/keys/{prefix}/rotate",
    summary: "Rotate an API key: issue a new one and revoke this one (operator)",
    tags: ["Operator"],
    ...admin,
    request: { params: KeyParams },
    responses: {
      201: {
        description: "The new key (shown only now) and the revoked prefix",
        content: { "application/json": { schema: Rotated } },
      },
      ...authErrors,
      409: errors[409],
    },
  }),
};

const providerNotFound = () => new ApiError(404, "provider_not_found", "No provider account with this id.");
const keyNotFound = () => new ApiError(404, "key_not_found", "This provider has no API key with this prefix.");

async function existingProvider(env: Env, id: string) {
  const provider = /^prov_[0-9a-f]{12}$/.test(id) ? await getProvider(db(env.DB), id) : undefined;
  if (!provider) throw providerNotFound();
  return provider;
}

async function newKeyRow(providerId: string, now: number) {
  const issued = await issueApiKey();
  return {
    issued,
    row: { prefix: issued.prefix, providerId, salt: issued.salt, hash: issued.hash, createdAt: now },
  };
}

const keyInfo = (k: { prefix: string; createdAt: number; lastUsedAt: number | null; revokedAt: number | null }) => ({
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
});

export function registerProviderAdminRoutes(app: App) {
  app.openapi(routes.create, async (c) => {
    const { name } = c.req.valid("json");
    const now = Date.now();
    const id = `prov_${[...crypto.getRandomValues(new Uint8Array(6))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
    const { issued, row } = await newKeyRow(id, now);
    if (!(await createProvider(db(c.env.DB), { id, name, createdAt: now }, row))) {
      throw new ApiError(409, "provider_exists", `A provider named '${name}' already exists.`);
    }
    return c.json({ id, name, createdAt: now, apiKey: issued.apiKey, prefix: issued.prefix }, 201);
  });

  app.openapi(routes.list, async (c) => {
    const d = db(c.env.DB);
    const all = await listProviders(d);
    const out = await Promise.all(
      all.map(async (p) => {
        const [keys, models] = await Promise.all([keysOf(d, p.id), modelsOwnedBy(d, p.id)]);
        return {
          id: p.id,
          name: p.name,
          createdAt: p.createdAt,
          activeKeys: keys.filter((k) => k.revokedAt === null).length,
          models: models.length,
        };
      }),
    );
    return c.json(out, 200);
  });

  app.openapi(routes.issue, async (c) => {
    const provider = await existingProvider(c.env, c.req.valid("param").id);
    const now = Date.now();
    const { issued, row } = await newKeyRow(provider.id, now);
    await insertApiKey(db(c.env.DB), row);
    return c.json({ apiKey: issued.apiKey, prefix: issued.prefix, createdAt: now }, 201);
  });

  app.openapi(routes.keys, async (c) => {
    const provider = await existingProvider(c.env, c.req.valid("param").id);
    return c.json((await keysOf(db(c.env.DB), provider.id)).map(keyInfo), 200);
  });

  app.openapi(routes.revoke, async (c) => {
    const { id, prefix } = c.req.valid("param");
    const provider = await existingProvider(c.env, id);
    const key = KEY_PREFIX_RE.test(prefix)
      ? await revokeApiKey(db(c.env.DB), provider.id, prefix, Date.now())
      : undefined;
    if (!key) throw keyNotFound();
    return c.json(keyInfo(key), 200);
  });

  app.openapi(routes.rotate, async (c) => {
    const { id, prefix } = c.req.valid("param");
    const provider = await existingProvider(c.env, id);
    const d = db(c.env.DB);
    const old = KEY_PREFIX_RE.test(prefix)
      ? (await keysOf(d, provider.id)).find((k) => k.prefix === prefix)
      : undefined;
    if (!old) throw keyNotFound();
    if (old.revokedAt !== null) throw new ApiError(409, "key_revoked", "This key is already revoked; issue a new one.");
    const now = Date.now();
    const { issued, row } = await newKeyRow(provider.id, now);
    await rotateApiKey(d, provider.id, prefix, row, now);
    return c.json({ apiKey: issued.apiKey, prefix: issued.prefix, createdAt: now, revoked: prefix }, 201);
  });
}
