// Provider-registered models (DESIGN sections 4b and 5): the request and response schemas of /v1/provider/models
// and the pure step from a request to the stored ModelRecord, lifecycle rules included (shared/models/lifecycle.ts).
// A provider never sets its models' sampling weight (the operator does) and never reads its upstream key back.
import { z } from "@hono/zod-openapi";
import { defaultStatus, nextLifecycle, transitionError, type Status, type Visibility } from "../models/lifecycle";
import {
  BaseUrl,
  TEXT_POLICY,
  DEFAULT_MODES,
  MODES,
  ModelId,
  ModelOutput,
  modelOutput,
  modelReadOnlyFields,
  READ_ONLY_NOTE,
  refineUpstreamModel,
  UpstreamModel,
  upstreamModelProblem,
  mergeMetadata,
  MetadataInput,
  type ModelRecord,
} from "../models";
import { isWellFormed, jsonObject, LIMITS, NOT_WELL_FORMED, storedText } from "../core/validation";

const STATUSES = ["testing", "active", "paused", "deprecated"] as const;

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
  .refine(isWellFormed, NOT_WELL_FORMED)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces (it is sent as an HTTP header)")
  .openapi({ description: "Your upstream API key for this model. Stored encrypted; never returned.", writeOnly: true });

/** The weight a provider's new model gets; only the operator changes it. */
export const NEW_MODEL_SAMPLING_WEIGHT = 1;

export const SAMPLING_WEIGHT_MESSAGE =
  "set by the operator; send the value a read returns, or leave it out (a provider cannot change it)";

const fields = {
  name: storedText(200),
  organization: storedText(200).openapi({ description: "Defaults to the provider account's name" }),
  license: storedText(100),
  aliases: z.array(storedText(200)).max(50),
  family: storedText(100)
    .nullable()
    .openapi({ description: "Model line; releasing any model of the line discloses its private variants" }),
  provider: z.enum(PROVIDER_MODEL_KINDS),
  baseUrl: BaseUrl.nullable().openapi({
    description: "openai: up to and including /v1; anthropic, gemini: the host root",
  }),
  upstreamModel: UpstreamModel,
  apiKey: UpstreamKey.nullable(),
  visibility: z.enum(["public", "private"]),
  codename: Codename,
  modes: z.array(z.enum(MODES)).min(1),
  params: jsonObject(LIMITS.providerParamsChars).openapi({
    description:
      `temperature, topP, maxTokens, kind-specific settings. At most ${LIMITS.jsonDepth} levels deep and ` +
      `${LIMITS.providerParamsChars} characters of JSON.`,
  }),
};

const READ_ONLY_NOTE_PROVIDER = `${READ_ONLY_NOTE}.`;
/** What a ProviderModel read carries that a provider never sets: accepted (type-checked) and ignored. */
const readOnlyFields = {
  ...modelReadOnlyFields,
  hasApiKey: z.boolean().optional().openapi({ description: READ_ONLY_NOTE_PROVIDER }),
  deprecationReason: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: `${READ_ONLY_NOTE_PROVIDER} Set with DELETE ?reason=` }),
};

/** The operator's setting, shown in a read: a body may repeat it (a read sent back) but never change it. */
const samplingWeightEcho = z
  .number()
  .optional()
  .openapi({
    description:
      "Set by the operator. Accepted only with the model's current value (a new model's is 1), so a read can be " +
      "sent back; any other value is a 422.",
  });

/** How the provider routes treat a returned model object sent back (README "Input limits"). */
export const PROVIDER_WRITE_POLICY =
  "A ProviderModel object these routes return can be sent back, changed or not (PATCH; or POST under a new id). " +
  "On PATCH `id` may be included and must equal the id in the path (422 otherwise). The read-only fields " +
  "(`createdAt`, `updatedAt`, `testingStartedAt`, `releasedAt`, `pausedAt`, `deprecatedAt`, `hasApiKey`, " +
  "`deprecationReason`) are type-checked and ignored. `samplingWeight` is the operator's: accepted only with its " +
  "current value (1 for a new model). `status` on POST only as the status a new model starts in (`testing` " +
  "private, `active` public); on PATCH `deprecated` only for a model already retired (retire with DELETE). " +
  `${TEXT_POLICY} \`params\`: at most ${LIMITS.jsonDepth} levels of objects and arrays and ` +
  `${LIMITS.providerParamsChars} characters of JSON.`;

export const ProviderModelCreate = z
  .object({
    id: ModelId,
    name: fields.name,
    organization: fields.organization.optional(),
    license: fields.license.optional(),
    aliases: fields.aliases.optional(),
    family: fields.family.optional(),
    ...MetadataInput,
    provider: fields.provider,
    baseUrl: fields.baseUrl.optional(),
    upstreamModel: fields.upstreamModel,
    apiKey: UpstreamKey.optional(),
    visibility: fields.visibility.default("private"),
    codename: fields.codename.optional(),
    modes: fields.modes.optional(),
    params: fields.params.optional(),
    status: z.enum(STATUSES).optional().openapi({
      description: "Accepted only as the status a new model starts in: testing (private), active (public)",
    }),
    samplingWeight: samplingWeightEcho,
    ...readOnlyFields,
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
  .superRefine(refineUpstreamModel)
  .superRefine((m, ctx) => {
    if (m.samplingWeight !== undefined && m.samplingWeight !== NEW_MODEL_SAMPLING_WEIGHT) {
      ctx.addIssue({ code: "custom", path: ["samplingWeight"], message: SAMPLING_WEIGHT_MESSAGE });
    }
    const starts = defaultStatus(m.visibility);
    if (m.status !== undefined && m.status !== starts) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: `a new ${m.visibility} model starts as '${starts}'; change it afterwards with PATCH`,
      });
    }
  })
  .openapi("ProviderModelCreate", { description: PROVIDER_WRITE_POLICY });
export type ProviderModelCreate = z.infer<typeof ProviderModelCreate>;

/** Fields of a PATCH body that change nothing by themselves: the identity, read-only fields, the operator's weight. */
const NOT_A_CHANGE = new Set(["id", "samplingWeight", ...Object.keys(readOnlyFields)]);

export const ProviderModelPatch = z
  .object({
    id: ModelId.optional().openapi({ description: "Optional; must equal the id in the path" }),
    name: fields.name.optional(),
    organization: fields.organization.optional(),
    license: fields.license.optional(),
    aliases: fields.aliases.optional(),
    family: fields.family.optional(),
    ...MetadataInput,
    provider: fields.provider.optional(),
    baseUrl: fields.baseUrl.optional(),
    upstreamModel: fields.upstreamModel.optional(),
    apiKey: fields.apiKey.optional().openapi({ description: "A new upstream key; null removes it. Never returned." }),
    visibility: fields.visibility
      .optional()
      .openapi({ description: "'public' releases a private model (once; it cannot be made private again)" }),
    codename: fields.codename.optional(),
    status: z.enum(STATUSES).optional().openapi({
      description: "Pause or resume. Retire with DELETE: 'deprecated' is accepted only on a model already retired.",
    }),
    modes: fields.modes.optional(),
    params: fields.params.optional(),
    samplingWeight: samplingWeightEcho,
    ...readOnlyFields,
  })
  .strict()
  .refine((p) => Object.keys(p).some((k) => !NOT_A_CHANGE.has(k)), "nothing to change")
  .superRefine(refineUpstreamModel)
  .openapi("ProviderModelPatch", { description: PROVIDER_WRITE_POLICY });
export type ProviderModelPatch = z.infer<typeof ProviderModelPatch>;

/**
 * What a PATCH may not do that its schema alone cannot see (it needs the stored model): a different id, another
 * sampling weight, retiring through PATCH, or an upstreamModel the resulting kind cannot serve. A 422 message
 * naming the field, or null.
 */
export function patchFieldProblem(prev: ModelRecord, patch: ProviderModelPatch): string | null {
  if (patch.id !== undefined && patch.id !== prev.id) return `id: must equal the id in the path ('${prev.id}')`;
  if (patch.samplingWeight !== undefined && patch.samplingWeight !== prev.samplingWeight) {
    return `samplingWeight: ${SAMPLING_WEIGHT_MESSAGE}`;
  }
  if (patch.status === "deprecated" && prev.status !== "deprecated") {
    return "status: retire a model with DELETE /v1/provider/models/{id}";
  }
  if (patch.provider === undefined && patch.upstreamModel === undefined) return null;
  const problem = upstreamModelProblem(patch.provider ?? prev.provider, patch.upstreamModel ?? prev.upstreamModel);
  return problem ? `upstreamModel: ${problem}` : null;
}

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
  visibility === "private" ? ["battle"] : [...(requested ?? DEFAULT_MODES)];

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
    samplingWeight: NEW_MODEL_SAMPLING_WEIGHT,
    visibility: input.visibility,
    codename: input.codename ?? null,
    status,
    modes: modesFor(input.visibility, input.modes),
    params: input.params ?? {},
    createdAt: now,
    updatedAt: now,
    ownerId: owner.id,
    family: input.family ?? null,
    ...mergeMetadata(input, null),
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
    ...mergeMetadata(patch, prev),
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
