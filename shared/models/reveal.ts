// `M` in DESIGN section 4: what a vote reveals of a model. Its own module (zod only) so the battle contract and the
// browser's `import type` reach it without the rest of the registry.
import { z } from "@hono/zod-openapi";

/** Private models are revealed by codename only (`reveal` in ./index.ts). */
export const ModelRevealSchema = z
  .object({ id: z.string(), name: z.string(), organization: z.string() })
  .openapi("ModelReveal");
export type ModelReveal = z.infer<typeof ModelRevealSchema>;
