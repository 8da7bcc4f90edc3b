// PUT/GET /api/admin/sampling (DESIGN section 14): the operator's pair-sampling policy for anonymous battles —
// `weighted` (the models' sampling weights, the default) or `active` (the Chatbot Arena paper's rule with a floor).
// The current weights under it are public at /api/transparency (`samplingPolicy`).
import { createRoute, z } from "@hono/zod-openapi";
import { db } from "../../../d1/queries";
import { getSamplingPolicy, setSamplingPolicy } from "../../../d1/sampling";
import { DEFAULT_FLOOR } from "../../../shared/battle/active-sampling";
import { requireAdmin } from "../auth";
import type { App } from "../env";
import { errors, jsonBody } from "../schemas";

const PolicyInput = z
  .object({
    policy: z.enum(["weighted", "active"]),
    floor: z
      .number()
      .min(0.01)
      .max(1)
      .optional()
      .openapi({
        description: `active: share of battles spread uniformly over the allowed pairs (default ${DEFAULT_FLOOR})`,
      }),
  })
  .strict()
  .openapi("SamplingPolicyInput");

const Policy = z
  .object({ policy: z.enum(["weighted", "active"]), floor: z.number(), updatedAt: z.number().nullable() })
  .openapi("SamplingPolicy");

const admin = { security: [{ adminToken: [] }], middleware: [requireAdmin] };

const putPolicy = createRoute({
  method: "put",
  path: "/api/admin/sampling",
  summary: "Choose how anonymous battles pick their pair (operator)",
  ...admin,
  request: jsonBody(PolicyInput),
  responses: {
    200: { description: "The policy", content: { "application/json": { schema: Policy } } },
    400: errors[400],
    401: errors[401],
    422: errors[422],
  },
});

const getPolicy = createRoute({
  method: "get",
  path: "/api/admin/sampling",
  summary: "The pair-sampling policy (operator)",
  ...admin,
  responses: {
    200: { description: "The policy", content: { "application/json": { schema: Policy } } },
    401: errors[401],
  },
});

export function registerSamplingRoutes(app: App) {
  app.openapi(putPolicy, async (c) => {
    const body = c.req.valid("json");
    const saved = await setSamplingPolicy(
      db(c.env.DB),
      { policy: body.policy, floor: body.floor ?? DEFAULT_FLOOR },
      Date.now(),
    );
    return c.json(saved, 200);
  });
  app.openapi(getPolicy, async (c) => c.json(await getSamplingPolicy(db(c.env.DB)), 200));
}
