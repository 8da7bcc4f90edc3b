// Operator API (DESIGN section 4b): bearer ADMIN_TOKEN, compared in constant time.
import { createRoute } from "@hono/zod-openapi";
import { db, getModel, listModels, modelHealthRows, upsertModel } from "../../../d1/queries";
import { ApiError } from "../../../shared/core/errors";
import { jsonProblem, LIMITS } from "../../../shared/core/validation";
import { operatorLifecycle } from "../../../shared/models/lifecycle";
import {
  assertIdMatches,
  MODEL_WRITE_POLICY,
  ModelId,
  modelHealth,
  ModelHealth,
  ModelInput,
  ModelOutput,
  modelOutput,
} from "../../../shared/models";
import { z } from "@hono/zod-openapi";
import { requireAdmin } from "../auth";
import type { App } from "../env";
import { errors, jsonBody } from "../schemas";

const putModel = createRoute({
  method: "put",
  path: "/api/admin/models/{id}",
  summary: "Create or update a model (operator)",
  description: MODEL_WRITE_POLICY,
  security: [{ adminToken: [] }],
  middleware: [requireAdmin] as const,
  request: {
    params: z.object({ id: ModelId.openapi({ param: { name: "id", in: "path" } }) }),
    ...jsonBody(ModelInput),
  },
  responses: {
    200: { description: "The stored model", content: { "application/json": { schema: ModelOutput } } },
    400: errors[400],
    401: errors[401],
    422: errors[422],
  },
});

/** A model as the operator reads it: the stored fields plus the breaker's state (PUT it back as it is). */
const AdminModel = ModelOutput.extend({ health: ModelHealth }).openapi("AdminModel");

const listAdminModels = createRoute({
  method: "get",
  path: "/api/admin/models",
  summary: "Every model, whatever its status or visibility, with its circuit-breaker state (operator)",
  security: [{ adminToken: [] }],
  middleware: [requireAdmin] as const,
  responses: {
    200: { description: "Models, by id", content: { "application/json": { schema: z.array(AdminModel) } } },
    401: errors[401],
  },
});

const getAdminModel = createRoute({
  method: "get",
  path: "/api/admin/models/{id}",
  summary: "One model with its circuit-breaker state (operator); the object can be PUT back as it is",
  security: [{ adminToken: [] }],
  middleware: [requireAdmin] as const,
  request: { params: z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) }) },
  responses: {
    200: { description: "The model", content: { "application/json": { schema: AdminModel } } },
    401: errors[401],
    404: errors[404],
  },
});

export function registerAdminRoutes(app: App) {
  app.openapi(listAdminModels, async (c) => {
    const d = db(c.env.DB);
    const [models, health] = await Promise.all([listModels(d), modelHealthRows(d)]);
    const now = Date.now();
    const sorted = [...models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return c.json(
      sorted.map((m) => ({ ...modelOutput(m), health: modelHealth(health.get(m.id), now) })),
      200,
    );
  });

  app.openapi(getAdminModel, async (c) => {
    const { id } = c.req.valid("param");
    const d = db(c.env.DB);
    const model = await getModel(d, id);
    if (!model) throw new ApiError(404, "model_not_found", `No model '${id}'.`);
    const health = (await modelHealthRows(d, id)).get(id);
    return c.json({ ...modelOutput(model), health: modelHealth(health, Date.now()) }, 200);
  });

  app.openapi(putModel, async (c) => {
    const { id } = c.req.valid("param");
    const input = c.req.valid("json");
    assertIdMatches(input.id, id);
    const d = db(c.env.DB);
    const existing = (await getModel(d, id)) ?? null;
    // params written before they were bounded would be kept by a PUT that leaves them out: ask for new ones.
    const stored =
      input.params === undefined && existing ? jsonProblem(existing.params, LIMITS.operatorParamsChars) : null;
    if (stored) {
      throw new ApiError(
        422,
        "invalid_request",
        `params: the stored params are invalid (${stored}); send params to replace them`,
      );
    }
    const now = Date.now();
    const model = await upsertModel(d, id, input, now, existing, operatorLifecycle(existing, input, now));
    return c.json(modelOutput(model), 200);
  });
}
