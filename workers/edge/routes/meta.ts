// Health and the public model list.
import { createRoute, z } from "@hono/zod-openapi";
import { db, listModels } from "../../../d1/queries";
import type { App } from "../env";
import { VERSION } from "../env";
import { PublicModelSchema } from "../../../shared/models/public";
import { metadataOf } from "../../../shared/models/metadata";

const health = createRoute({
  method: "get",
  path: "/api/health",
  summary: "Liveness",
  responses: {
    200: {
      description: "OK",
      content: { "application/json": { schema: z.object({ ok: z.literal(true), version: z.string() }) } },
    },
  },
});

const models = createRoute({
  method: "get",
  path: "/api/models",
  summary: "Public, active models",
  responses: {
    200: { description: "Models", content: { "application/json": { schema: z.array(PublicModelSchema) } } },
  },
});

export function registerMetaRoutes(app: App) {
  app.openapi(health, (c) => c.json({ ok: true as const, version: VERSION }, 200));
  app.openapi(models, async (c) => {
    const all = await listModels(db(c.env.DB));
    const visible = all.filter((m) => m.visibility === "public" && m.status === "active");
    return c.json(
      visible.map((m) => ({
        id: m.id,
        name: m.name,
        organization: m.organization,
        license: m.license,
        modes: m.modes,
        demo: m.provider === "demo",
        releasedAt: m.releasedAt ?? null,
        ...metadataOf(m),
      })),
      200,
    );
  });
}
