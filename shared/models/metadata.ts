// A model's descriptive metadata (DESIGN section 14): size, openness, price, context and knowledge cutoff. Optional
// everywhere (null = unknown); set by the operator (PUT /api/admin/models/:id) or the model's provider
// (/v1/provider/models), published in /api/models and on leaderboard entries, and used by the adjusted views
// (score against log price and log parameters) and the cost-aware router.
import { z } from "@hono/zod-openapi";

/** USD per 1M input and output tokens; the cost-aware router and the price adjustment read `output`. */
export const Pricing = z
  .object({ input: z.number().min(0).max(100_000), output: z.number().min(0).max(100_000) })
  .strict()
  .openapi("ModelPricing", { description: "USD per 1M tokens" });
export type Pricing = z.infer<typeof Pricing>;

/** "2024-04" or "2024-04-30": a month is as precise as most providers state it. */
const Cutoff = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, "knowledgeCutoff: YYYY-MM or YYYY-MM-DD");

export const METADATA_FIELDS = [
  "parameters",
  "activeParameters",
  "openWeights",
  "pricing",
  "contextWindow",
  "knowledgeCutoff",
] as const;

/** The metadata fields as writes accept them: each optional (left out = keep), null = unknown. */
export const MetadataInput = {
  parameters: z
    .number()
    .positive()
    .max(1_000_000)
    .nullable()
    .optional()
    .openapi({ description: "Total parameters, billions" }),
  activeParameters: z
    .number()
    .positive()
    .max(1_000_000)
    .nullable()
    .optional()
    .openapi({ description: "Parameters active per token (mixture of experts), billions" }),
  openWeights: z.boolean().nullable().optional(),
  pricing: Pricing.nullable().optional(),
  contextWindow: z.number().int().positive().max(100_000_000).nullable().optional().openapi({ description: "Tokens" }),
  knowledgeCutoff: Cutoff.nullable().optional(),
};

export const Metadata = z
  .object({
    parameters: z.number().nullable(),
    activeParameters: z.number().nullable(),
    openWeights: z.boolean().nullable(),
    pricing: Pricing.nullable(),
    contextWindow: z.number().int().nullable(),
    knowledgeCutoff: z.string().nullable(),
  })
  .openapi("ModelMetadata");
export type Metadata = z.infer<typeof Metadata>;

type MaybeMetadata = { [K in keyof Metadata]?: Metadata[K] | null };

/** The metadata of a stored model, every field present (null = unknown). */
export const metadataOf = (m: MaybeMetadata): Metadata => ({
  parameters: m.parameters ?? null,
  activeParameters: m.activeParameters ?? null,
  openWeights: m.openWeights ?? null,
  pricing: m.pricing ?? null,
  contextWindow: m.contextWindow ?? null,
  knowledgeCutoff: m.knowledgeCutoff ?? null,
});

/** A write's metadata over the stored one: a field left out keeps its value, null clears it. */
export function mergeMetadata(input: MaybeMetadata, existing: MaybeMetadata | null | undefined): Metadata {
  const prev = metadataOf(existing ?? {});
  const out = { ...prev };
  for (const k of METADATA_FIELDS) {
    if (input[k] !== undefined) (out as Record<string, unknown>)[k] = input[k];
  }
  return out;
}
