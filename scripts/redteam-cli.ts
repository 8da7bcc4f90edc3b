// `npm run --silent ratings -- --redteam FILE [--meta META]` (DESIGN section 11): the Red Team Arena board from the
// export /api/export/redteam.jsonl, printed exactly as the cron publishes /redteam.json. Both call
// buildRedteamJson and redteamJsonText, so only the metadata the export does not carry can differ:
// - data.sha256 is the file's sha256, as the cron hashes the export it writes;
// - without --meta: snapshot `cli-<first 12 hex of the sha256>`, generatedAt the latest game's tstamp, handles and
//   model names equal to the ids (the export rows carry ids only);
// - --meta META: either the published redteam.json itself (its snapshot, generatedAt, player handles and model
//   names are taken; everything else is recomputed, so the output is that file byte for byte when the maths agrees)
//   or a plain {"snapshot","generatedAt","handles":{id:handle},"modelNames":{id:name}} (any key optional).
import { readFileSync } from "node:fs";
import { InputError } from "../shared/ratings/parse";
import {
  buildRedteamJson,
  redteamJsonText,
  REDTEAM_SCHEMA,
  type RedteamMeta,
  type RedteamRow,
} from "../shared/ratings/redteam";
import { createRedteamParser } from "../shared/ratings/redteam-parse";
import { streamFileInto } from "./stream-file";

export interface RedteamCli {
  file: string;
  meta: string | null;
  bootstrap?: number;
  seed?: number;
  skipInvalid: boolean;
}

type Names = Record<string, string>;

function names(v: unknown, what: string): Names | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "object" || v === null || Array.isArray(v) || Object.values(v).some((s) => typeof s !== "string"))
    throw new InputError(`meta: "${what}" must be an object of strings`);
  return v as Names;
}

function str(v: unknown, what: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || v === "") throw new InputError(`meta: "${what}" must be a non-empty string`);
  return v;
}

/** The metadata in a --meta file: a published redteam.json, or {snapshot?, generatedAt?, handles?, modelNames?}. */
export function readMeta(text: string): Partial<RedteamMeta> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new InputError(`meta: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError("meta: expected a JSON object");
  const o = v as Record<string, unknown>;
  if (o.schema === REDTEAM_SCHEMA) {
    const list = (key: "players" | "models", field: "handle" | "name"): Names => {
      const arr = o[key];
      if (!Array.isArray(arr)) throw new InputError(`meta: published board without "${key}"`);
      return Object.fromEntries(arr.map((e: Record<string, unknown>) => [String(e.id), String(e[field])]));
    };
    return {
      snapshot: str(o.snapshot, "snapshot"),
      generatedAt: str(o.generatedAt, "generatedAt"),
      handles: list("players", "handle"),
      modelNames: list("models", "name"),
    };
  }
  return {
    snapshot: str(o.snapshot, "snapshot"),
    generatedAt: str(o.generatedAt, "generatedAt"),
    handles: names(o.handles, "handles"),
    modelNames: names(o.modelNames, "modelNames"),
  };
}

/** The CLI's metadata for an export: its sha256, defaults derived from the file, overridden by --meta. */
export function cliMeta(sha256: string, rows: RedteamRow[], extra: Partial<RedteamMeta>): RedteamMeta {
  const latest = rows.reduce((t, r) => Math.max(t, r.tstamp), 0);
  return {
    snapshot: extra.snapshot ?? `cli-${sha256.slice(0, 12)}`,
    generatedAt: extra.generatedAt ?? new Date(latest * 1000).toISOString(),
    sha256,
    ...(extra.handles ? { handles: extra.handles } : {}),
    ...(extra.modelNames ? { modelNames: extra.modelNames } : {}),
  };
}

/** Reads the export (streamed), returns the exact text to print, and a one-line summary for stderr. */
export async function runRedteam(cli: RedteamCli): Promise<{ text: string; summary: string }> {
  const extra = cli.meta ? readMeta(readFileSync(cli.meta, "utf8")) : {};
  const parser = createRedteamParser({ skipInvalid: cli.skipInvalid });
  const sha256 = await streamFileInto(cli.file, parser);
  const { rows, skipped } = parser.end();
  const started = performance.now();
  const json = buildRedteamJson(rows, cliMeta(sha256, rows, extra), {
    ...(cli.bootstrap !== undefined ? { bootstrap: cli.bootstrap } : {}),
    ...(cli.seed !== undefined ? { seed: cli.seed } : {}),
  });
  const skips = Object.entries(skipped);
  const summary =
    `ratings: redteam: ${rows.length} games, ${json.players.length} players, ${json.models.length} models, ` +
    `${json.targets.length} targets in ${((performance.now() - started) / 1000).toFixed(2)} s` +
    (skips.length ? `; skipped ${skips.map(([why, n]) => `${n} ${why}`).join(", ")}` : "");
  return { text: redteamJsonText(json), summary };
}
