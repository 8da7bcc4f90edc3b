// The model registry's types and the operator-facing model schema (DESIGN section 5).
import { z } from "@hono/zod-openapi";
import { PROVIDER_KINDS } from "./providers/kinds";

export const MODES = ["battle", "side-by-side", "chat"] as const;
export type Mode = (typeof MODES)[number];

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
  /** Lifecycle timestamps (shared/lifecycle.ts); absent on records built before they existed. */
  testingStartedAt?: number | null;
  releasedAt?: number | null;
  pausedAt?: number | null;
  deprecatedAt?: number | null;
  deprecationReason?: string | null;
}

/** `M` in DESIGN section 4: what a vote reveals. Private models are revealed by codename only. */
export interface ModelReveal {
  id: string;
  name: string;
  organization: string;
}

export const ModelRevealSchema = z
  .object({ id: z.string(), name: z.string(), organization: z.string() })
  .openapi("ModelReveal");

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

/** Body of PUT /api/admin/models/:id. Omitted optional fields keep their stored value (or the default on create). */
export const ModelInput = z
  .object({
    name: z.string().trim().min(1).max(200),
    organization: z.string().trim().min(1).max(200),
    license: z.string().trim().min(1).max(100).optional(),
    aliases: z.array(z.string().trim().min(1).max(200)).max(50).optional(),
    provider: z.enum(PROVIDER_KINDS),
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .optional(),
    upstreamModel: z.string().trim().min(1).max(200),
    apiKeySecret: SecretName.nullable().optional(),
    samplingWeight: z.number().min(0).max(1000).optional(),
    visibility: z.enum(["public", "private"]).optional(),
    codename: z.string().trim().min(1).max(100).nullable().optional(),
    status: z.enum(["testing", "active", "paused", "deprecated"]).optional(),
    modes: z.array(z.enum(MODES)).min(1).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    family: z.string().trim().min(1).max(100).nullable().optional(),
    deprecationReason: z.string().trim().min(1).max(500).nullable().optional(),
  })
  .strict()
  .refine((m) => m.visibility !== "private" || !!m.codename, {
    message: "a private model needs a codename",
    path: ["codename"],
  })
  .openapi("ModelInput");
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
  };
}

/** May this model take part in a battle of this mode right now? */
export function servesMode(m: ModelRecord, mode: Mode): boolean {
  if (!m.modes.includes(mode)) return false;
  if (m.status === "active") return true;
  // Private pre-release models are tested in anonymous battles while their status is `testing`.
  return mode === "battle" && m.visibility === "private" && m.status === "testing";
}
