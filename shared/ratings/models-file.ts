// The model metadata a snapshot freezes beside its export (DESIGN section 14): `exports/<snapshot>/models.json`,
// served at /api/export/models.json?snapshot=ID and read by `npm run --silent ratings -- --models models.json FILE`,
// so every number that depends on a model's price or size (entries' metadata, the adjusted views, the frontier) is
// reproduced from files a reader can download. Pure: no platform imports (the CLI reads it too).

export const MODELS_SCHEMA = "arena-models/v1";

export interface ModelsFileEntry {
  id: string;
  name: string;
  organization: string;
  license: string;
  /** When the model was first made public (ISO time), or null. */
  releasedAt: string | null;
  parameters: number | null;
  activeParameters: number | null;
  openWeights: boolean | null;
  pricing: { input: number; output: number } | null;
  contextWindow: number | null;
  knowledgeCutoff: string | null;
}

/**
 * A change-over-time comparison the snapshot publishes (DESIGN section 14): the overall board's ratings now vs on
 * its battles with tstamp < `before` (seconds) — since the previous snapshot, 7 and 30 days ago.
 */
export interface Comparison {
  name: string;
  before: number;
  /** The previous snapshot's id, for `previous`. */
  snapshot?: string;
}

export interface ModelsFile {
  schema: typeof MODELS_SCHEMA;
  snapshot: string;
  generatedAt: string;
  models: ModelsFileEntry[];
  /** The comparisons the snapshot computed (absent: none). */
  comparisons?: Comparison[];
}

/** The metadata a board entry carries (DESIGN section 14): the known fields only, in this order. */
export const ENTRY_FIELDS = [
  "parameters",
  "activeParameters",
  "openWeights",
  "pricing",
  "contextWindow",
  "knowledgeCutoff",
  "releasedAt",
] as const;

export type EntryMetadata = Partial<Pick<ModelsFileEntry, (typeof ENTRY_FIELDS)[number]>>;

export function entryMetadata(e: ModelsFileEntry): EntryMetadata {
  const out: Record<string, unknown> = {};
  for (const k of ENTRY_FIELDS) if (e[k] !== null && e[k] !== undefined) out[k] = e[k];
  return out as EntryMetadata;
}

/** The file's canonical text (models by id), so the cron and a re-serialisation agree byte for byte. */
export function modelsFileText(file: ModelsFile): string {
  const models = [...file.models].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { schema, snapshot, generatedAt, comparisons } = file;
  return `${JSON.stringify({ schema, snapshot, generatedAt, models, ...(comparisons ? { comparisons } : {}) })}\n`;
}

export class ModelsFileError extends Error {}

const isNum = (x: unknown) => typeof x === "number" && Number.isFinite(x);
const nullOr = (x: unknown, ok: (v: unknown) => boolean) => x === null || ok(x);

/** Reads a models.json, checking every field; throws ModelsFileError naming the first bad one. */
export function parseModelsFile(text: string, source = "models.json"): ModelsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelsFileError(`${source}: not JSON (${(err as Error).message})`);
  }
  const f = json as Partial<ModelsFile>;
  if (!f || typeof f !== "object" || f.schema !== MODELS_SCHEMA) {
    throw new ModelsFileError(`${source}: expected "schema": "${MODELS_SCHEMA}"`);
  }
  if (typeof f.snapshot !== "string" || typeof f.generatedAt !== "string" || !Array.isArray(f.models)) {
    throw new ModelsFileError(`${source}: expected snapshot, generatedAt and a models array`);
  }
  const checks: Record<keyof ModelsFileEntry, (v: unknown) => boolean> = {
    id: (v) => typeof v === "string" && v.length > 0,
    name: (v) => typeof v === "string",
    organization: (v) => typeof v === "string",
    license: (v) => typeof v === "string",
    releasedAt: (v) => nullOr(v, (x) => typeof x === "string" && Number.isFinite(Date.parse(x as string))),
    parameters: (v) => nullOr(v, (x) => isNum(x) && (x as number) > 0),
    activeParameters: (v) => nullOr(v, (x) => isNum(x) && (x as number) > 0),
    openWeights: (v) => nullOr(v, (x) => typeof x === "boolean"),
    pricing: (v) =>
      nullOr(v, (x) => {
        const p = x as { input?: unknown; output?: unknown };
        return !!p && isNum(p.input) && isNum(p.output) && (p.input as number) >= 0 && (p.output as number) >= 0;
      }),
    contextWindow: (v) => nullOr(v, (x) => Number.isInteger(x) && (x as number) > 0),
    knowledgeCutoff: (v) => nullOr(v, (x) => typeof x === "string"),
  };
  const models = f.models.map((m, i) => {
    const entry = m as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, ok] of Object.entries(checks)) {
      const v = entry[k] === undefined && k !== "id" && k !== "name" ? null : entry[k];
      if (!ok(v)) throw new ModelsFileError(`${source}: models[${i}].${k}: invalid value ${JSON.stringify(v)}`);
      out[k] = v;
    }
    return out as unknown as ModelsFileEntry;
  });
  const comparisons = f.comparisons;
  if (comparisons !== undefined) {
    const ok =
      Array.isArray(comparisons) &&
      comparisons.every(
        (c) =>
          !!c &&
          typeof c.name === "string" &&
          isNum(c.before) &&
          (c.snapshot === undefined || typeof c.snapshot === "string"),
      );
    if (!ok) throw new ModelsFileError(`${source}: comparisons: expected [{"name","before"[,"snapshot"]}]`);
  }
  return {
    schema: MODELS_SCHEMA,
    snapshot: f.snapshot,
    generatedAt: f.generatedAt,
    models,
    ...(comparisons ? { comparisons } : {}),
  };
}
