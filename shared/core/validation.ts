// Bounds on what clients may store (DESIGN section 4: bad input is a 4xx naming the field, never a 500, and nothing
// is written when validation fails). Every schema that stores a client's text or free-form JSON uses these helpers,
// so the limits and the Unicode policy are the same on every route (README "Input limits").
import { z } from "@hono/zod-openapi";

/** The named limits. Character counts are UTF-16 code units, as `String.length` counts them. */
export const LIMITS = {
  /** Nesting of free-form JSON: the field itself is level 1, so `{"a":{"b":1}}` has depth 2. */
  jsonDepth: 8,
  /** `JSON.stringify(params).length` of an operator's model (PUT /api/admin/models/:id). */
  operatorParamsChars: 16_000,
  /** `JSON.stringify(params).length` of a provider's model (/v1/provider/models). */
  providerParamsChars: 4_000,
  /** An upstream model name (`upstreamModel`). */
  upstreamModelChars: 200,
} as const;

/**
 * A lone UTF-16 surrogate (half of an emoji, usually from a string cut in the wrong place). D1 stores text as UTF-8,
 * which cannot encode one, so the stored value would differ from the one the API echoed: such text is refused.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export const NOT_WELL_FORMED = "must be well-formed Unicode (it contains a lone UTF-16 surrogate, e.g. half an emoji)";

export const isWellFormed = (s: string) => !LONE_SURROGATE.test(s);

/** A stored text field: trimmed, 1..max characters (min 1 unless given), well-formed Unicode. */
export const storedText = (max: number, min = 1) =>
  z.string().trim().min(min).max(max).refine(isWellFormed, NOT_WELL_FORMED);

/**
 * Why a JSON value may not be stored, or null. Walks the value without recursion (a client's 100,000-deep object
 * must not overflow the stack here either), refusing deep nesting and lone surrogates in keys and strings, and
 * measures the serialised size only once the depth is known to be small.
 */
export function jsonProblem(value: unknown, maxChars: number, maxDepth: number = LIMITS.jsonDepth): string | null {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string") {
      if (!isWellFormed(v)) return NOT_WELL_FORMED;
      continue;
    }
    if (typeof v === "number" && !Number.isFinite(v)) return "numbers must be finite";
    if (v === null || typeof v !== "object") continue;
    if (depth > maxDepth) return `nested deeper than ${maxDepth} levels of objects and arrays`;
    for (const [key, child] of Object.entries(v)) {
      if (!isWellFormed(key)) return `keys ${NOT_WELL_FORMED}`;
      stack.push([child, depth + 1]);
    }
  }
  const size = JSON.stringify(value).length;
  return size > maxChars ? `at most ${maxChars} characters of JSON (got ${size})` : null;
}

/** `schema` refined so the value is storable free-form JSON of at most `maxChars` serialised characters. */
export function boundedJson<T extends z.ZodType>(schema: T, maxChars: number, maxDepth: number = LIMITS.jsonDepth): T {
  return schema.superRefine((value, ctx) => {
    const problem = jsonProblem(value, maxChars, maxDepth);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }) as T;
}

/** A free-form JSON object (model `params`), bounded as above. */
export const jsonObject = (maxChars: number) => boundedJson(z.record(z.string(), z.unknown()), maxChars);
