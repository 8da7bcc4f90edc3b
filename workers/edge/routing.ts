// Serving the routers (DESIGN section 12): which model answers `router-<router>-<threshold>`, for the
// OpenAI-compatible API and the /chat page alike. The artifacts the cron trained are read from R2 (immutable by
// key, so each isolate parses one once); before the first training run, or when the embedder changed since, a
// router is built on no battles — every router then scores ½ (random: its coin) — so routing works from the
// first minute of `npm start` and says what it did in `x-arena-route`.
import { db } from "../../d1/queries";
import { getRoutingPair } from "../../d1/routing";
import { ApiError } from "../../shared/core/errors";
import { servesMode, type ModelRecord } from "../../shared/models";
import { configuredEmbedder } from "../../shared/routing/configured";
import { latestRouting, type RoutingLatest } from "../../shared/routing/published";
import { parseRouterModel } from "../../shared/routing/name";
import {
  loadRouter,
  trainRouter,
  type LoadedP2l,
  type LoadedRouter,
  type RouterArtifact,
  type RouterName,
} from "../../shared/routing/routers";
import { isPaused, type Pool } from "./pool";

export interface RouteChoice {
  router: RouterName;
  /** s(q): P(strong preferred); for a cost-aware p2l pick, the chosen model's predicted win rate. */
  score: number;
  model: ModelRecord;
  /** False while the router has no trained artifact (it scores on no battles). */
  trained: boolean;
}

interface Loaded {
  artifact: RouterArtifact;
  router: LoadedRouter | LoadedP2l;
}

/** Parsed artifacts by R2 key (artifacts never change under a key). */
const loaded = new Map<string, Loaded>();
const MAX_CACHED = 20;

async function loadArtifact(env: Env, key: string): Promise<Loaded | null> {
  const hit = loaded.get(key);
  if (hit) return hit;
  const object = await env.STORE.get(key);
  if (!object) return null;
  const artifact = (await object.json()) as RouterArtifact;
  const entry = { artifact, router: loadRouter(artifact) };
  if (loaded.size >= MAX_CACHED) loaded.delete(loaded.keys().next().value!);
  loaded.set(key, entry);
  return entry;
}

export interface RouterState {
  latest: RoutingLatest | null;
  strong: string;
  weak: string;
  router: LoadedRouter | LoadedP2l;
  /** The trained artifact and its R2 key; null while untrained. */
  artifact: RouterArtifact | null;
  key: string | null;
}

/** The router as it serves now: the latest trained artifact for the current pair and embedder, or an untrained one. */
export async function currentRouter(env: Env, name: RouterName): Promise<RouterState> {
  const pair = await getRoutingPair(db(env.DB));
  if (!pair) {
    throw new ApiError(
      503,
      "not_configured",
      "No router pair is set: the operator sets one with PUT /api/admin/routing.",
    );
  }
  const embedder = configuredEmbedder(env);
  const latest = await latestRouting(env.STORE);
  const entry = latest?.routers[name];
  const current =
    latest && entry && latest.strong === pair.strong && latest.weak === pair.weak && latest.embedder.id === embedder.id;
  const hit = current ? await loadArtifact(env, entry.key) : null;
  const base = { latest, strong: pair.strong, weak: pair.weak };
  if (hit) return { ...base, router: hit.router, artifact: hit.artifact, key: entry!.key };
  const untrained = trainRouter(name, [], [], {
    strong: pair.strong,
    weak: pair.weak,
    embedder: { id: embedder.id, dim: embedder.dim },
  });
  return { ...base, router: loadRouter(untrained), artifact: null, key: null };
}

/** The router model name of a request, or the OpenAI-shaped 400 that names what is wrong. */
export function routerModel(name: string) {
  const parsed = parseRouterModel(name);
  if (!parsed.ok) throw new ApiError(400, "invalid_model", parsed.error);
  return parsed;
}

/** Models a router may send a prompt to: public, active, serving chat, not paused by the breaker. */
const routable = (pool: Pool) =>
  pool.all.filter(
    (m) => m.visibility === "public" && m.status === "active" && servesMode(m, "chat") && !isPaused(pool, m.id),
  );

/**
 * Routes one prompt (the last user message). `maxCost` (USD per 1M output tokens) makes p2l pick, among every
 * routable model with a known price within it, the one with the best predicted win rate for this prompt.
 */
export async function routePrompt(
  env: Env,
  pool: Pool,
  model: string,
  prompt: string,
  maxCost?: number,
): Promise<RouteChoice> {
  const { router: name, threshold } = routerModel(model);
  const state = await currentRouter(env, name);
  const open = routable(pool);
  const embedding = state.router.needsEmbedding
    ? ((await configuredEmbedder(env).embed([prompt]))[0] ?? new Float32Array(state.router.embedder.dim))
    : new Float32Array(0);

  if (name === "p2l" && maxCost !== undefined) {
    const prices = Object.fromEntries(open.flatMap((m) => (m.pricing ? [[m.id, m.pricing.output]] : [])));
    const pick = (state.router as LoadedP2l).pick(embedding, prices, maxCost, new Set(open.map((m) => m.id)));
    // Before any battle the board is empty: the cheapest affordable model stands in.
    const fallback = open
      .filter((m) => m.pricing && m.pricing.output <= maxCost)
      .sort((a, b) => a.pricing!.output - b.pricing!.output || (a.id < b.id ? -1 : 1))[0];
    const chosen = pick ? open.find((m) => m.id === pick.model) : fallback;
    if (!chosen) {
      throw new ApiError(400, "no_model_within_cost", `No model with a known price is within max_cost ${maxCost}.`);
    }
    return { router: name, score: pick?.winRate ?? 0.5, model: chosen, trained: state.artifact !== null };
  }

  const score = state.router.score(prompt, embedding);
  const target = score >= threshold ? state.strong : state.weak;
  const chosen = open.find((m) => m.id === target);
  if (!chosen) {
    throw new ApiError(503, "model_unavailable", `The routed model '${target}' is not available right now.`, {
      "retry-after": "60",
    });
  }
  return { router: name, score, model: chosen, trained: state.artifact !== null };
}

/** `x-arena-route: <router>;s=<score>;to=<id>` (DESIGN section 12). */
export const routeHeader = (c: RouteChoice) => `${c.router};s=${c.score.toFixed(4)};to=${c.model.id}`;
