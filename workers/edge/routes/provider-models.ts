// A provider's own models under /v1/provider (DESIGN sections 4b and 5): register, list, read, update, retire.
// Every route needs a provider key; another provider's model answers exactly like an unknown id (404). The
// upstream API key a provider submits is encrypted before it reaches D1 and never comes back in any response.
import { createRoute, z } from "@hono/zod-openapi";
import { modelsOwnedBy, modelsWithUpstreamKey, nameTaken, saveOwnedModel } from "../../../d1/providers";
import { db } from "../../../d1/queries";
import { ApiError } from "../../../shared/core/errors";
import type { ModelRecord } from "../../../shared/models";
import {
  keyRequired,
  newProviderModel,
  patchFieldProblem,
  patchProviderModel,
  PROVIDER_WRITE_POLICY,
  ProviderModel,
  ProviderModelCreate,
  ProviderModelPatch,
  providerModelView,
} from "../../../shared/accounts/models";
import { encryptUpstreamKey, UpstreamKeyError } from "../../../shared/accounts/upstream-keys";
import { storedText } from "../../../shared/core/validation";
import type { App } from "../env";
import { callerModel, modelNotFound, requireProviderKey } from "../auth";
import { openAIErrors as errors } from "../openai-errors";
import { jsonBody, ProviderModelIdParam } from "../schemas";
import { log } from "../../../shared/core/log";

const provider = { security: [{ providerKey: [] }], middleware: requireProviderKey, tags: ["Provider"] };
const json = (schema: z.ZodType) => ({ "application/json": { schema } });

const routes = {
  create: createRoute({
    method: "post",
    path: "/v1/provider/models",
    summary: "Register a model (private under a codename, or public)",
    description: PROVIDER_WRITE_POLICY,
    ...provider,
    request: jsonBody(ProviderModelCreate),
    responses: {
      201: { description: "Registered", content: json(ProviderModel) },
      400: errors[400],
      401: errors[401],
      409: { ...errors[409], description: "The id or codename is taken" },
      422: errors[422],
      503: errors[503],
    },
  }),
  list: createRoute({
    method: "get",
    path: "/v1/provider/models",
    summary: "Your models (every status)",
    ...provider,
    responses: {
      200: { description: "Your models", content: json(z.array(ProviderModel)) },
      401: errors[401],
    },
  }),
  get: createRoute({
    method: "get",
    path: "/v1/provider/models/{id}",
    summary: "One of your models",
    ...provider,
    request: { params: ProviderModelIdParam },
    responses: {
      200: { description: "The model", content: json(ProviderModel) },
      401: errors[401],
      404: { ...errors[404], description: "Unknown id, or another provider's model" },
    },
  }),
  patch: createRoute({
    method: "patch",
    path: "/v1/provider/models/{id}",
    summary: "Update one of your models: fields, upstream key, release (visibility public), pause/resume",
    description: PROVIDER_WRITE_POLICY,
    ...provider,
    request: { params: ProviderModelIdParam, ...jsonBody(ProviderModelPatch) },
    responses: {
      200: { description: "The updated model", content: json(ProviderModel) },
      400: errors[400],
      401: errors[401],
      404: { ...errors[404], description: "Unknown id, or another provider's model" },
      409: { ...errors[409], description: "A change the lifecycle does not allow, or a taken codename" },
      422: errors[422],
      503: errors[503],
    },
  }),
  retire: createRoute({
    method: "delete",
    path: "/v1/provider/models/{id}",
    summary: "Retire one of your models (status deprecated); it stays listed with its reason",
    ...provider,
    request: {
      params: ProviderModelIdParam,
      query: z.object({
        reason: storedText(500)
          .optional()
          .openapi({ description: "Published in the transparency report's deprecation log" }),
      }),
    },
    responses: {
      200: { description: "The retired model", content: json(ProviderModel) },
      401: errors[401],
      404: { ...errors[404], description: "Unknown id, or another provider's model" },
      422: errors[422],
    },
  }),
};

async function sealKey(env: Env, modelId: string, apiKey: string | null | undefined) {
  if (apiKey === undefined || apiKey === null) return apiKey;
  try {
    return await encryptUpstreamKey(env.PROVIDER_KEYS_SECRET, modelId, apiKey);
  } catch (err) {
    if (!(err instanceof UpstreamKeyError)) throw err;
    log.error("provider.upstream_key_unavailable", { model: modelId, err: err.message });
    throw new ApiError(
      503,
      "not_configured",
      "The arena cannot store upstream keys right now (operator: set PROVIDER_KEYS_SECRET).",
    );
  }
}

async function view(env: Env, model: ModelRecord) {
  const withKey = await modelsWithUpstreamKey(db(env.DB), [model.id]);
  return providerModelView(model, withKey.has(model.id));
}

async function assertCodenameFree(env: Env, codename: string | null | undefined, self: string) {
  if (codename && (await nameTaken(db(env.DB), codename, self))) {
    throw new ApiError(409, "codename_taken", `The codename '${codename}' is taken; choose another.`);
  }
}

export function registerProviderModelRoutes(app: App) {
  app.openapi(routes.create, async (c) => {
    const input = c.req.valid("json");
    const owner = c.get("provider");
    const d = db(c.env.DB);
    const now = Date.now();
    if (await nameTaken(d, input.id)) throw new ApiError(409, "model_exists", `The model id '${input.id}' is taken.`);
    if (input.codename && input.codename.toLowerCase() === input.id.toLowerCase() && input.visibility === "private") {
      throw new ApiError(422, "invalid_request", "codename: must differ from the model id (the id stays secret)");
    }
    await assertCodenameFree(c.env, input.codename, input.id);
    const model = newProviderModel(input, owner, now);
    const ciphertext = await sealKey(c.env, model.id, input.apiKey);
    if (!(await saveOwnedModel(d, model, { create: true, ciphertext }))) {
      throw new ApiError(409, "model_exists", `The model id '${input.id}' is taken.`);
    }
    return c.json(providerModelView(model, ciphertext !== undefined), 201);
  });

  app.openapi(routes.list, async (c) => {
    const d = db(c.env.DB);
    const models = await modelsOwnedBy(d, c.get("provider").id);
    const withKey = await modelsWithUpstreamKey(
      d,
      models.map((m) => m.id),
    );
    return c.json(
      models.map((m) => providerModelView(m, withKey.has(m.id))),
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    const model = await callerModel(c, c.req.valid("param").id);
    return c.json(await view(c.env, model), 200);
  });

  app.openapi(routes.patch, async (c) => {
    const prev = await callerModel(c, c.req.valid("param").id);
    const patch = c.req.valid("json");
    const invalid = patchFieldProblem(prev, patch);
    if (invalid) throw new ApiError(422, "invalid_request", invalid);
    const next = patchProviderModel(prev, patch, Date.now());
    if (!next.ok) throw new ApiError(409, "invalid_transition", next.message);
    if (patch.codename && patch.codename.toLowerCase() === prev.id.toLowerCase()) {
      throw new ApiError(422, "invalid_request", "codename: must differ from the model id (the id stays secret)");
    }
    if (patch.codename && patch.codename !== prev.codename) await assertCodenameFree(c.env, patch.codename, prev.id);
    const d = db(c.env.DB);
    const hadKey = (await modelsWithUpstreamKey(d, [prev.id])).has(prev.id);
    const keyAfter = patch.apiKey === undefined ? hadKey : patch.apiKey !== null;
    if (keyRequired(next.model.provider) && !keyAfter) {
      throw new ApiError(422, "invalid_request", `apiKey: provider kind '${next.model.provider}' needs an apiKey`);
    }
    const ciphertext = await sealKey(c.env, prev.id, patch.apiKey);
    if (!(await saveOwnedModel(d, next.model, { create: false, ciphertext }))) throw modelNotFound();
    return c.json(providerModelView(next.model, keyAfter), 200);
  });

  app.openapi(routes.retire, async (c) => {
    const prev = await callerModel(c, c.req.valid("param").id);
    const { reason } = c.req.valid("query");
    const next = patchProviderModel(prev, { retire: { reason: reason ?? null } }, Date.now());
    if (!next.ok) throw new ApiError(409, "invalid_transition", next.message);
    if (!(await saveOwnedModel(db(c.env.DB), next.model, { create: false }))) throw modelNotFound();
    return c.json(await view(c.env, next.model), 200);
  });
}
