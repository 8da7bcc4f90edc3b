// A zod mirror of shared/ratings/eval.schema.json (arena-eval/v1) for the Workers-runtime tests, where ajv cannot
// run (its code generation needs eval). test/cli/evals-result.test.ts checks the mirror against the JSON Schema.
import { z } from "zod";

const interval = z.tuple([z.number(), z.number()]).nullable();
const unitOrNull = z.number().min(0).max(1).nullable();

export const EvalResultSchema = z.object({
  schema: z.literal("arena-eval/v1"),
  suite: z.string().min(1),
  judge: z.string().min(1),
  baseline: z.string().nullable(),
  models: z.array(
    z.object({
      model: z.string().min(1),
      score: z.number().nullable(),
      ci: interval,
      styleControlled: z.object({ score: z.number(), ci: interval }).strict().nullable(),
      answers: z.number().int().min(0),
      judgments: z.number().int().min(0),
      failed: z.number().int().min(0),
      baseline: z.literal(true).optional(),
      bt: z
        .object({ rating: z.number(), mean: z.number(), variance: z.number().min(0) })
        .strict()
        .optional(),
      turns: z.array(z.number().nullable()).optional(),
      provisional: z.literal(true).optional(),
    }),
  ),
  quality: z
    .object({
      against: z.string().min(1),
      models: z.number().int().min(0).optional(),
      pairs: z.number().int().min(0).optional(),
      separability: unitOrNull,
      agreement: unitOrNull,
      spearman: z.number().min(-1).max(1).nullable(),
      brier: unitOrNull,
    })
    .nullable(),
  method: z
    .object({
      kind: z.enum(["pairwise", "single"]),
      bootstrap: z.number().int().min(0),
      seed: z.union([z.number().int(), z.string()]),
      level: z.number().gt(0).lt(1),
      strongWeight: z.number().int().min(1).optional(),
      styleL2: z.number().min(0).optional(),
    })
    .optional(),
});
