// Provider-registered models (DESIGN sections 4b and 5): the request and response schemas of /v1/provider/models
// and the pure step from a request to the stored ModelRecord, lifecycle rules included (shared/lifecycle.ts).
// A provider never sets its models' sampling weight (the operator does) and never reads its upstream key back.
import { z } from "@hono/zod-openapi";
import { defaultStatus, nextLifecycle, transitionError, type Status, type Visibility } from "./lifecycle";
import { MODES, ModelId, ModelOutput, modelOutput, type ModelRecord } from "./models";

/** Kinds a provider may register: real endpoints, and the offline demo generator for trying the flow. */
export const PROVIDER_MODEL_KINDS = ["openai", "anthropic", "gemini", "demo"] as const;
/** Kinds that cannot be called without a key. */
const KEY_REQUIRED = new Set(["anthropic", "gemini"]);

export const Codename = z
  .string()
  .regex(/^[a-z][a-z0-9-]{2,39}$/, "codename: 3–40 lowercase letters, digits or '-', starting with a letter")
  .openapi({ example: "tidewater", description: "What voters see after a vote while the model is private" });

const UpstreamKey = z
  .string()
  .min(1)
  .max(4096)
  .openapi({ description: "Your upstream API key for this model. Stored encrypted; never returned.", writeOnly: true });

const fields = {
  name: z.string().trim().min(1).max(200),
  organization: z.string().trim().min(1).max(200).openapi({ description: "Defaults to the provider account's name" }),
  license: z.string().trim().min(1).max(100),
  aliases: z.array(z.string().trim().min(1).max(200)).max(50),
  family: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .nullable()
    .openapi({ description: "Model line; releasing any model of the line discloses its private variants" }),
  provider: z.enum(PROVIDER_MODEL_KINDS),
  baseUrl: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .openapi({ description: "openai: up to and including /v1; anthropic, gemini: the host root" }),
  upstreamModel: z.string().trim().min(1).max(200),
  apiKey: UpstreamKey.nullable(),
  visibility: z.enum(["public", "private"]),
  codename: Codename,
  modes: z.array(z.enum(MODES)).min(1),
  params: z
    .record(z.string(), z.unknown())
    .refine((p) => JSON.stringify(p).length <= 4000, "params: at most 4000 characters of JSON"),
};

export const ProviderModelCreate = z
  .object({
    id: ModelId,
    name: fields.name,
    organization: fields.organization.optional(),
    license: fields.license.optional(),
    aliases: fields.aliases.optional(),
    family: fields.family.optional(),
    provider: fields.provider,
    baseUrl: fields.baseUrl.optional(),
    upstreamModel: fields.upstreamModel,
    apiKey: UpstreamKey.optional(),
    visibility: fields.visibility.default("private"),
    codename: fields.codename.optional(),
    modes: fields.modes.optional(),
    params: fields.params.optional(),
  })
  .strict()
  .refine((m) => m.visibility !== "private" || !!m.codename, {
    message: "a private model needs a codename",
    path: ["codename"],
  })
  .refine((m) => !KEY_REQUIRED.has(m.provider) || !!m.apiKey, {
    message: "this provider kind needs an apiKey",
    path: ["apiKey"],
  })
  .openapi("ProviderModelCreate");
export type ProviderModelCreate = z.infer<typeof ProviderModelCreate>;

export const ProviderModelPatch = z
  .object({
    name: fields.name.optional(),
    organization: fields.organization.optional(),
    license: fields.license.optional(),
    aliases: fields.aliases.optional(),
    family: fields.family.optional(),
    provider: fields.provider.optional(),
    baseUrl: fields.baseUrl.optional(),
    upstreamModel: fields.upstreamModel.optional(),
    apiKey: fields.apiKey.optional().openapi({ description: "A new upstream key; null removes it. Never returned." }),
    visibility: fields.visibility
      .optional()
      .openapi({ description: "'public' releases a private model (once; it cannot be made private again)" }),
    codename: fields.codename.optional(),
    status: z
      .enum(["testing", "active", "paused"])
      .optional()
      .openapi({ description: "Pause or resume. Retire with DELETE." }),
    modes: fields.modes.optional(),
    params: fields.params.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, "nothing to change")
  .openapi("ProviderModelPatch");
export type ProviderModelPatch = z.infer<typeof ProviderModelPatch>;

/** The operator's view of a model minus what a provider must not see (secret names, the owner), plus `hasApiKey`. */
export const ProviderModel = ModelOutput.omit({ apiKeySecret: true, ownerId: true })
  .extend({
    hasApiKey: z.boolean().openapi({ description: "Whether an upstream key is stored (the key is never returned)" }),
    samplingWeight: z.number().openapi({ description: "Set by the operator" }),
  })
  .openapi("ProviderModel");
export type ProviderModel = z.infer<typeof ProviderModel>;

export function providerModelView(m: ModelRecord, hasApiKey: boolean): ProviderModel {
  const { apiKeySecret: _secret, ownerId: _owner, ...shown } = modelOutput(m);
  return { ...shown, hasApiKey };
}

/** Private models only take part in anonymous battles. */
const modesFor = (visibility: Visibility, requested: readonly string[] | undefined): string[] =>
  visibility === "private" ? ["battle"] : [...(requested ?? MODES)];

export function newProviderModel(
  input: ProviderModelCreate,
  owner: { id: string; name: string },
  now: number,
): ModelRecord {
  const status = defaultStatus(input.visibility);
  return {
    id: input.id,
    name: input.name,
    organization: input.organization ?? owner.name,
    license: input.license ?? "proprietary",
    aliases: input.aliases ?? [],
    provider: input.provider,
    baseUrl: input.baseUrl ?? null,
    upstreamModel: input.upstreamModel,
    apiKeySecret: null,
    samplingWeight: 1,
    visibility: input.visibility,
    codename: input.codename ?? null,
    status,
    modes: modesFor(input.visibility, input.modes),
    params: input.params ?? {},
    createdAt: now,
    updatedAt: now,
    ownerId: owner.id,
    family: input.family ?? null,
    ...nextLifecycle(undefined, { visibility: input.visibility, status }, now),
  };
}

/** The model after a provider's PATCH (or DELETE, as `retire`), or the reason the change is refused (409). */
export function patchProviderModel(
  prev: ModelRecord,
  patch: ProviderModelPatch & { retire?: { reason: string | null } },
  now: number,
): { ok: true; model: ModelRecord } | { ok: false; message: string } {
  const visibility: Visibility = patch.visibility ?? prev.visibility;
  const status: Status = patch.retire
    ? "deprecated"
    : (patch.status ?? (patch.visibility ? defaultStatus(visibility, prev.status) : prev.status));
  const refused = patch.retire ? null : transitionError(prev, { visibility, status });
  if (refused) return { ok: false, message: refused };
  const codename = patch.codename ?? prev.codename;
  if (visibility === "private" && !codename) return { ok: false, message: "a private model needs a codename" };
  const provider = patch.provider ?? prev.provider;
  const released = prev.visibility === "private" && visibility === "public";
  const model: ModelRecord = {
    ...prev,
    name: patch.name ?? prev.name,
    organization: patch.organization ?? prev.organization,
    license: patch.license ?? prev.license,
    aliases: patch.aliases ?? prev.aliases,
    family: patch.family !== undefined ? patch.family : (prev.family ?? null),
    provider,
    baseUrl: patch.baseUrl !== undefined ? patch.baseUrl : prev.baseUrl,
    upstreamModel: patch.upstreamModel ?? prev.upstreamModel,
    visibility,
    codename,
    status,
    // On release a model joins every mode unless the provider says otherwise.
    modes: patch.modes || released ? modesFor(visibility, patch.modes) : modesFor(visibility, prev.modes),
    params: patch.params ?? prev.params,
    updatedAt: now,
    ...nextLifecycle(prev, { visibility, status, reason: patch.retire?.reason ?? null }, now),
  };
  return { ok: true, model };
}

export const keyRequired = (kind: string) => KEY_REQUIRED.has(kind);
