// Typed response bodies for Workers-runtime tests (architecture review e9f9d59, section 7 item 1): a body is read
// through the zod schema its route declares (the one that also writes /openapi.json), so a test both gets a type and
// checks the shape. Most routes keep their schemas local, so the schema is taken from the app's OpenAPI registry and
// the static type from what the source exports (BattleView, VoteOutcome, ModelOutput, ProviderModel, …); where the
// source exports no type, a small one below mirrors the route (and DESIGN section 4 / 4b).
import { z } from "zod";
import { expect } from "vitest";
import type { BattleView, VoteOutcome } from "../shared/battle/contract";
import type { ModelHealth, ModelOutput } from "../shared/models";
import type { ProviderModel } from "../shared/accounts/models";
import type { PrivateResults } from "../shared/accounts/results";
import type { TransparencyReport } from "../shared/accounts/transparency";
import type { LeaderboardJson } from "../shared/ratings/leaderboard";
import leaderboardJsonSchema from "../shared/ratings/leaderboard.schema.json";
import redteamJsonSchema from "../shared/ratings/redteam.schema.json";
import type { RedteamJson } from "../shared/ratings/redteam";
import { edge } from "../workers/edge/index";
import type { PublicModel } from "../shared/models/public";

/** One route's success response: the status it declares and the schema of its JSON body. */
export interface RouteResponse<T> {
  method: string;
  path: string;
  status: number;
  schema: z.ZodType;
  /** Phantom: the static type of the body. */
  readonly _type?: T;
}

// The app the Worker serves (its entry module; only that one may import app.ts, per the dependency rules).
const routesInApp = edge.openAPIRegistry.definitions.flatMap((d) => (d.type === "route" ? [d.route] : []));

/**
 * The route's one 2xx JSON response (`path` in OpenAPI form, `/api/battles/{id}`). Throws when the app has no
 * such route, so a renamed route fails the tests that read it rather than going unchecked.
 */
export function route<T>(method: string, path: string): RouteResponse<T> {
  const def = routesInApp.find((r) => r.method === method && r.path === path);
  if (!def) throw new Error(`no route ${method.toUpperCase()} ${path} in the app's OpenAPI registry`);
  const ok = Object.entries(def.responses).flatMap(([status, response]) => {
    const media = "content" in response ? response.content?.["application/json"] : undefined;
    const schema = media && "schema" in media ? media.schema : undefined;
    return /^2\d\d$/.test(status) && schema instanceof z.ZodType ? [{ status: Number(status), schema }] : [];
  });
  if (ok.length !== 1) throw new Error(`${method.toUpperCase()} ${path}: expected one 2xx JSON response`);
  return { method, path, ...ok[0]! };
}

/**
 * Asserts the route's success status and that the body matches its declared schema, and returns the body typed.
 * It returns the body as sent, not zod's parsed copy (which drops unknown keys), so a test can still see, and
 * refuse, a field the schema does not declare.
 */
export async function read<T>(res: Response | Promise<Response>, r: RouteResponse<T>): Promise<T> {
  const response = await res;
  const text = await response.text();
  const name = `${r.method.toUpperCase()} ${r.path}`;
  expect(response.status, `${name}: ${text.slice(0, 500)}`).toBe(r.status);
  const body: unknown = JSON.parse(text);
  const parsed = r.schema.safeParse(body);
  if (!parsed.success) throw new Error(`${name} answered outside its schema:\n${z.prettifyError(parsed.error)}`);
  return body as T; // checked just above against the route's own schema
}

// Types the source does not export (the routes declare these schemas locally; see the report to the lead).
export interface BattleCreated {
  id: string;
  mode: BattleView["mode"];
  models: BattleView["models"];
}
export type BattleState = BattleView & { recorded: boolean };
export type AdminModel = ModelOutput & { health: ModelHealth };
export interface HistoryPoint {
  generatedAt: string;
  rating: number;
  ci: [number, number] | null;
  rank: number;
  votes: number;
  provisional?: true;
}
export interface ProviderCreated {
  id: string;
  name: string;
  createdAt: number;
  apiKey: string;
  prefix: string;
}
export interface IssuedKey {
  apiKey: string;
  prefix: string;
  createdAt: number;
}
export interface ProviderSummary {
  id: string;
  name: string;
  createdAt: number;
  activeKeys: number;
  models: number;
}
export interface KeyInfo {
  prefix: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: "assistant"; content: string; refusal: null };
    logprobs: null;
    finish_reason: "stop" | "length";
  }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}
export interface OpenAIModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** The routes the tests read, by what they answer. */
export const R = {
  battleCreated: route<BattleCreated>("post", "/api/battles"),
  battle: route<BattleState>("get", "/api/battles/{id}"),
  vote: route<VoteOutcome>("post", "/api/battles/{id}/vote"),
  publicModels: route<PublicModel[]>("get", "/api/models"),
  adminModel: route<AdminModel>("get", "/api/admin/models/{id}"),
  adminModels: route<AdminModel[]>("get", "/api/admin/models"),
  storedModel: route<ModelOutput>("put", "/api/admin/models/{id}"),
  history: route<HistoryPoint[]>("get", "/api/leaderboard/history"),
  transparency: route<TransparencyReport>("get", "/api/transparency"),
  providerCreated: route<ProviderCreated>("post", "/api/admin/providers"),
  providers: route<ProviderSummary[]>("get", "/api/admin/providers"),
  issuedKey: route<IssuedKey>("post", "/api/admin/providers/{id}/keys"),
  keys: route<KeyInfo[]>("get", "/api/admin/providers/{id}/keys"),
  revokedKey: route<KeyInfo>("delete", "/api/admin/providers/{id}/keys/{prefix}"),
  rotatedKey: route<IssuedKey & { revoked: string }>("post", "/api/admin/providers/{id}/keys/{prefix}/rotate"),
  providerModel: route<ProviderModel>("get", "/v1/provider/models/{id}"),
  providerModels: route<ProviderModel[]>("get", "/v1/provider/models"),
  registeredModel: route<ProviderModel>("post", "/v1/provider/models"),
  patchedModel: route<ProviderModel>("patch", "/v1/provider/models/{id}"),
  retiredModel: route<ProviderModel>("delete", "/v1/provider/models/{id}"),
  results: route<PrivateResults>("get", "/v1/provider/models/{id}/results"),
  completion: route<ChatCompletion>("post", "/v1/chat/completions"),
  openAIModels: route<{ object: "list"; data: OpenAIModel[] }>("get", "/v1/models"),
  leaderboard: publishedLeaderboard(),
  redteam: publishedRedteam(),
};

/**
 * GET /leaderboard.json declares only `z.object({}).passthrough()`, so its body is checked against the published
 * contract instead: shared/ratings/leaderboard.schema.json (DESIGN section 6), the schema the e2e test runs with ajv.
 */
function publishedLeaderboard(): RouteResponse<LeaderboardJson> {
  const declared = route<LeaderboardJson>("get", "/leaderboard.json");
  // An imported JSON file's type widens its literals ("object" to string), so it never matches zod's JSONSchema type.
  const contract = arrayConstsAsTuples(leaderboardJsonSchema) as z.core.JSONSchema.JSONSchema;
  return { ...declared, schema: z.fromJSONSchema(contract) };
}

/** GET /redteam.json, checked against its published contract shared/ratings/redteam.schema.json (DESIGN section 11). */
function publishedRedteam(): RouteResponse<RedteamJson> {
  const declared = route<RedteamJson>("get", "/redteam.json");
  const contract = arrayConstsAsTuples(redteamJsonSchema) as z.core.JSONSchema.JSONSchema;
  return { ...declared, schema: z.fromJSONSchema(contract) };
}

/**
 * zod 4.6's fromJSONSchema turns `{"const": ["length", …]}` into z.literal([...]), which accepts any one of the
 * items instead of the whole array; the same constraint written as a fixed tuple converts correctly.
 */
function arrayConstsAsTuples(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(arrayConstsAsTuples);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = arrayConstsAsTuples(value);
  if (Array.isArray(out.const)) {
    const items: unknown[] = out.const;
    delete out.const;
    Object.assign(out, {
      type: "array",
      prefixItems: items.map((item) => ({ const: item })),
      items: false,
      minItems: items.length,
    });
  }
  return out;
}
