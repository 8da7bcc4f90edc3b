// The model registry's types and the operator-facing model schema (DESIGN section 5).
import { z } from "@hono/zod-openapi";
import { ApiError } from "../core/errors";
import { DEMO_STYLES, PROVIDER_KINDS } from "../providers/kinds";
import type { ModelReveal } from "./reveal";
import { isWellFormed, jsonObject, LIMITS, NOT_WELL_FORMED, storedText } from "../core/validation";
import { Metadata, MetadataInput, metadataOf, type Pricing } from "./metadata";

/** `redteam`: the model can be the opponent of a Red Team game (DESIGN section 11); never sampled for battles. */
export const MODES = ["battle", "side-by-side", "chat", "redteam"] as const;
export type Mode = (typeof MODES)[number];
/** The modes of a model that does not list its own (the D1 column's default). */
export const DEFAULT_MODES = ["battle", "side-by-side", "chat"] as const satisfies readonly Mode[];

export interface ModelRecord {
  id: string;
  name: string;
  organization: string;
  license: string;
  aliases: string[];
  provider: string;
  baseUrl: string | null;
  upstreamModel: string;
  apiKeySecret: string | null;
  samplingWeight: number;
  visibility: "public" | "private";
  codename: string | null;
  status: "testing" | "active" | "paused" | "deprecated";
  modes: string[];
  params: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  /** The provider account that registered it (null or absent: the operator's model). */
  ownerId?: string | null;
  /** Model line, for the transparency report's embargo (a release of the line reveals its private variants). */
  family?: string | null;
  /** Lifecycle timestamps (shared/models/lifecycle.ts); absent on records built before they existed. */
  testingStartedAt?: number | null;
  releasedAt?: number | null;
  pausedAt?: number | null;
  deprecatedAt?: number | null;
  deprecationReason?: string | null;
  /** Metadata (DESIGN section 14, ./metadata.ts); null or absent: unknown. */
  parameters?: number | null;
  activeParameters?: number | null;
  openWeights?: boolean | null;
  pricing?: Pricing | null;
  contextWindow?: number | null;
  knowledgeCutoff?: string | null;
}

export { Metadata, MetadataInput, metadataOf, mergeMetadata, Pricing } from "./metadata";

export { ModelRevealSchema, type ModelReveal } from "./reveal";

/** What a vote reveals of `m`: private models by codename only. */
export function reveal(m: ModelRecord): ModelReveal {
  if (m.visibility === "private") {
    const codename = m.codename ?? "undisclosed";
    return { id: codename, name: codename, organization: "undisclosed" };
  }
  return { id: m.id, name: m.name, organization: m.organization };
}

/** Model ids are path segments: keep them URL- and log-safe. */
export const ModelId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "model id: letters, digits, '.', '_', ':' or '-', at most 128")
  .openapi({ example: "demo-pebble" });

const SecretName = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, "apiKeySecret is the NAME of a Worker secret, e.g. OPENAI_API_KEY");

/**
 * A vendor's model name: printable ASCII without spaces, starting with a letter, digit or '@' — room for
 * `gpt-4o-mini`, `llama3.2:3b-instruct-q4_K_M`, `meta-llama/Llama-3.1-8B-Instruct:free`, `models/gemini-2.0-flash`,
 * `@cf/meta/llama-3.1-8b-instruct`.
 */
const UPSTREAM_MODEL_NAME = /^[A-Za-z0-9@][A-Za-z0-9._:/@+=~-]*$/;

/** Why `upstreamModel` cannot serve a model of this provider kind, or null. */
export function upstreamModelProblem(kind: string, upstreamModel: string): string | null {
  if (kind === "demo") {
    return (DEMO_STYLES as readonly string[]).includes(upstreamModel)
      ? null
      : `a demo model's upstreamModel is its style, one of ${DEMO_STYLES.join(", ")}`;
  }
  if (upstreamModel.length > LIMITS.upstreamModelChars) return `at most ${LIMITS.upstreamModelChars} characters`;
  return UPSTREAM_MODEL_NAME.test(upstreamModel)
    ? null
    : "a model name: letters, digits and . _ : / @ + = ~ - (no spaces or control characters), starting with a letter, digit or @";
}

/** The per-kind check of `upstreamModel`, for the object schemas that carry both fields. */
export function refineUpstreamModel(m: { provider?: string; upstreamModel?: string }, ctx: z.RefinementCtx): void {
  if (m.provider === undefined || m.upstreamModel === undefined) return;
  const problem = upstreamModelProblem(m.provider, m.upstreamModel);
  if (problem) ctx.addIssue({ code: "custom", path: ["upstreamModel"], message: problem });
}

export const UpstreamModel = z
  .string()
  .trim()
  .min(1)
  .max(LIMITS.upstreamModelChars)
  .openapi({
    description:
      `demo: the style (${DEMO_STYLES.join(", ")}); other kinds: the vendor's model name, printable ASCII without ` +
      `spaces (letters, digits and . _ : / @ + = ~ -), at most ${LIMITS.upstreamModelChars} characters`,
  });

/** An http(s) base URL, stored as sent: no whitespace, control characters or lone surrogates. */
export const BaseUrl = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .refine((u) => !/[\s\u0000-\u001f\u007f]/.test(u), "no whitespace or control characters")
  .refine(isWellFormed, NOT_WELL_FORMED);

/**
 * Fields a read returns that the server maintains. A body may carry them (so a model read from the API can be sent
 * back as it is); each must have its documented type, and its value is ignored.
 */
export const READ_ONLY_NOTE =
  "Read-only: accepted in a request body so a model read from the API can be written back, and ignored";
const readOnly = <T extends z.ZodType>(schema: T) => schema.optional().openapi({ description: READ_ONLY_NOTE });
const timestamp = z.number().int().min(0);
export const modelReadOnlyFields = {
  createdAt: readOnly(timestamp),
  updatedAt: readOnly(timestamp),
  testingStartedAt: readOnly(timestamp.nullable()),
  releasedAt: readOnly(timestamp.nullable()),
  pausedAt: readOnly(timestamp.nullable()),
  deprecatedAt: readOnly(timestamp.nullable()),
};

/** Text and JSON rules shared by every model route's body (README "Input limits"). */
export const TEXT_POLICY =
  "Text fields are trimmed and must be well-formed Unicode (a lone UTF-16 surrogate is a 422 naming the field).";

/** The write policy of PUT /api/admin/models/:id, for /openapi.json. */
export const MODEL_WRITE_POLICY =
  "A model object this route returns can be sent back, changed or not. `id` may be included and must equal the " +
  "id in the path (422 otherwise). The read-only fields (`createdAt`, `updatedAt`, `ownerId`, `testingStartedAt`, " +
  "`releasedAt`, `pausedAt`, `deprecatedAt`) are type-checked and ignored. " +
  `${TEXT_POLICY} \`params\`: at most ${LIMITS.jsonDepth} levels of objects and arrays and ` +
  `${LIMITS.operatorParamsChars} characters of JSON.`;

/** The circuit breaker's state of a model (operator reads only): why a model may be missing from battles. */
export const ModelHealth = z
  .object({
    consecutiveFailures: z.number().int().min(0),
    paused: z.boolean().openapi({ description: "Paused by the breaker right now (not sampled, named requests 503)" }),
    pausedUntil: timestamp.nullable().openapi({ description: "When the breaker's pause ends (ms since the epoch)" }),
    lastError: z.string().nullable().openapi({ description: "The last failure, as logged (never a key)" }),
    updatedAt: timestamp.nullable(),
  })
  .openapi("ModelHealth");
export type ModelHealth = z.infer<typeof ModelHealth>;

export function modelHealth(
  row:
    | { consecutiveFailures: number; pausedUntil: number | null; lastError: string | null; updatedAt: number }
    | undefined,
  now: number,
): ModelHealth {
  return {
    consecutiveFailures: row?.consecutiveFailures ?? 0,
    paused: !!row?.pausedUntil && row.pausedUntil > now,
    pausedUntil: row?.pausedUntil ?? null,
    lastError: row?.lastError ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

/** A body's `id` (optional) must be the id in the path: a 422 naming the field otherwise. */
export function assertIdMatches(bodyId: string | undefined, pathId: string): void {
  if (bodyId !== undefined && bodyId !== pathId) {
    throw new ApiError(422, "invalid_request", `id: must equal the id in the path ('${pathId}'), or be left out`);
  }
}

/** Body of PUT /api/admin/models/:id. Omitted optional fields keep their stored value (or the default on create). */
export const ModelInput = z
  .object({
    id: ModelId.optional().openapi({ description: "Optional; must equal the id in the path" }),
    name: storedText(200),
    organization: storedText(200),
    license: storedText(100).optional(),
    aliases: z.array(storedText(200)).max(50).optional(),
    provider: z.enum(PROVIDER_KINDS),
    baseUrl: BaseUrl.nullable().optional(),
    upstreamModel: UpstreamModel,
    apiKeySecret: SecretName.nullable().optional(),
    samplingWeight: z.number().min(0).max(1000).optional(),
    visibility: z.enum(["public", "private"]).optional(),
    codename: storedText(100).nullable().optional(),
    status: z.enum(["testing", "active", "paused", "deprecated"]).optional(),
    modes: z.array(z.enum(MODES)).min(1).optional(),
    params: jsonObject(LIMITS.operatorParamsChars)
      .optional()
      .openapi({
        description:
          `Per-model overrides (temperature, topP, maxTokens, kind-specific). At most ${LIMITS.jsonDepth} levels ` +
          `deep and ${LIMITS.operatorParamsChars} characters of JSON.`,
      }),
    family: storedText(100).nullable().optional(),
    ...MetadataInput,
    deprecationReason: storedText(500).nullable().optional(),
    ownerId: readOnly(z.string().nullable()),
    health: readOnly(ModelHealth),
    ...modelReadOnlyFields,
  })
  .strict()
  .refine((m) => m.visibility !== "private" || !!m.codename, {
    message: "a private model needs a codename",
    path: ["codename"],
  })
  .superRefine(refineUpstreamModel)
  .openapi("ModelInput", { description: MODEL_WRITE_POLICY });
export type ModelInput = z.infer<typeof ModelInput>;

/** What the admin API returns: the stored model. `apiKeySecret` is only a secret's name, never its value. */
export const ModelOutput = z
  .object({
    id: z.string(),
    name: z.string(),
    organization: z.string(),
    license: z.string(),
    aliases: z.array(z.string()),
    provider: z.string(),
    baseUrl: z.string().nullable(),
    upstreamModel: z.string(),
    apiKeySecret: z.string().nullable(),
    samplingWeight: z.number(),
    visibility: z.enum(["public", "private"]),
    codename: z.string().nullable(),
    status: z.enum(["testing", "active", "paused", "deprecated"]),
    modes: z.array(z.string()),
    params: z.record(z.string(), z.unknown()),
    createdAt: z.number(),
    updatedAt: z.number(),
    ownerId: z
      .string()
      .nullable()
      .openapi({ description: "Provider account that registered it; null: the operator's" }),
    family: z.string().nullable(),
    testingStartedAt: z.number().nullable(),
    releasedAt: z.number().nullable(),
    pausedAt: z.number().nullable(),
    deprecatedAt: z.number().nullable(),
    deprecationReason: z.string().nullable(),
  })
  .extend(Metadata.shape)
  .openapi("Model");

export type ModelOutput = z.infer<typeof ModelOutput>;

/** The stored model as the operator API returns it: exactly the documented fields, never anything else. */
export function modelOutput(m: ModelRecord): ModelOutput {
  return {
    id: m.id,
    name: m.name,
    organization: m.organization,
    license: m.license,
    aliases: m.aliases,
    provider: m.provider,
    baseUrl: m.baseUrl,
    upstreamModel: m.upstreamModel,
    apiKeySecret: m.apiKeySecret,
    samplingWeight: m.samplingWeight,
    visibility: m.visibility,
    codename: m.codename,
    status: m.status,
    modes: m.modes,
    params: m.params,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    ownerId: m.ownerId ?? null,
    family: m.family ?? null,
    testingStartedAt: m.testingStartedAt ?? null,
    releasedAt: m.releasedAt ?? null,
    pausedAt: m.pausedAt ?? null,
    deprecatedAt: m.deprecatedAt ?? null,
    deprecationReason: m.deprecationReason ?? null,
    ...metadataOf(m),
  };
}

/** May this model take part in a battle of this mode right now? */
export function servesMode(m: ModelRecord, mode: Mode): boolean {
  if (!m.modes.includes(mode)) return false;
  if (m.status === "active") return true;
  // Private pre-release models are tested in anonymous battles while their status is `testing`.
  return mode === "battle" && m.visibility === "private" && m.status === "testing";
}
