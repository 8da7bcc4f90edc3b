// What GET /api/models shows of each public, active model: its own module (zod only) so the edge route declares it
// and the browser's `import type` reaches it without the rest of the registry.
import { z } from "@hono/zod-openapi";
import { Metadata } from "./metadata";

export const PublicModelSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    organization: z.string(),
    license: z.string(),
    modes: z.array(z.string()),
    demo: z.boolean().openapi({ description: "A built-in offline demo model (no real LLM behind it)" }),
    releasedAt: z.number().nullable().openapi({ description: "When it was first made public (ms since the epoch)" }),
  })
  .extend(Metadata.shape)
  .openapi("PublicModel");
export type PublicModel = z.infer<typeof PublicModelSchema>;
