// The routers of DESIGN section 12 behind one artifact format: train from battles (pure, bounded CPU), serialise to
// JSON (`arena-router/v1`), load and score s(q) = P(strong preferred) ∈ [0, 1]. The caller embeds the prompt with
// the embedder named in the artifact; `random` and `category` ignore the embedding.
import { looksLikeCode } from "../data/categories/coding";
import { LONG_QUERY_TOKENS, SHORT_QUERY_TOKENS } from "../ratings/parse/normalize";
import { Rng } from "../ratings/rng";
import { strongUtility, type RouterBattle, type StoredBattles } from "./battles";
import { mfScore, mfWork, trainMf, type MfOptions, type MfParams } from "./mf";
import {
  battleWeights,
  openBattles,
  pairProbability,
  pickModel,
  promptBoard,
  storeBattles,
  storedPromptIndex,
  weightedFit,
  type PromptBoardEntry,
  type Weighting,
} from "./similarity";

export const ROUTER_NAMES = ["random", "category", "sw_ranking", "mf", "p2l"] as const;
export type RouterName = (typeof ROUTER_NAMES)[number];
export const isRouterName = (s: string): s is RouterName => (ROUTER_NAMES as readonly string[]).includes(s);

export const ARTIFACT_SCHEMA = "arena-router/v1";
/** The strong-model shares whose thresholds every artifact carries (GET /v1/routers). */
export const THRESHOLD_SHARES = ["0.2", "0.5", "0.8"] as const;

export interface RandomParams {
  seed: number;
}
export interface CategoryParams {
  /** Pseudo-battles at the overall rate added to each category (smoothing). */
  prior: number;
  overall: number;
  /** Per category: pair battles seen and the smoothed strong win rate. */
  rates: Record<string, { battles: number; rate: number }>;
}
export interface SwParams {
  neighbours: number;
  alpha: number;
  ridge: number;
  store: StoredBattles;
}
export interface P2lParams {
  tau: number;
  ridge: number;
  store: StoredBattles;
}
export interface RouterParamsMap {
  random: RandomParams;
  category: CategoryParams;
  sw_ranking: SwParams;
  mf: MfParams;
  p2l: P2lParams;
}

export interface RouterArtifact<R extends RouterName = RouterName> {
  schema: typeof ARTIFACT_SCHEMA;
  router: R;
  strong: string;
  weak: string;
  /** ISO time; the caller passes the snapshot time so a retrain of the same data gives the same artifact. */
  trainedAt: string;
  /** Battles the router was trained on (after the maxBattles cap). */
  battles: number;
  embedder: { id: string; dim: number };
  thresholds: Record<(typeof THRESHOLD_SHARES)[number], number>;
  params: RouterParamsMap[R];
  /**
   * The calibration sample's scores, ascending (6 significant digits), so `GET /v1/routers/:router/calibrate` can
   * answer any strong share without rescoring (calibrateArtifact).
   */
  calibration: { prompts: number; scores: number[] };
}

export interface TrainOptions {
  strong: string;
  weak: string;
  embedder: { id: string; dim: number };
  trainedAt?: string;
  seed?: number;
  /** Train on at most this many battles, the latest ones (the input's last rows). Default 20,000. */
  maxBattles?: number;
  /** sw_ranking / p2l: battles (and their int8 embeddings) kept in the artifact, the latest ones. Default 20,000. */
  maxStored?: number;
  /** Training prompts scored to calibrate the thresholds (a seeded sample). Default 500. */
  calibrationPrompts?: number;
  /** sw_ranking: nearest battles used (default 400) and the exponent scale of RouteLLM's weighting (default 1). */
  neighbours?: number;
  alpha?: number;
  /** p2l: kernel width on cosine similarity (default 0.2). */
  tau?: number;
  /** sw_ranking / p2l: ridge λ of the weighted BT fit (default 1, i.e. a N(0, 1) prior on θ). */
  ridge?: number;
  /** category: smoothing pseudo-battles (default 20). */
  prior?: number;
  /** mf options (k, epochs, lr, l2, batch). */
  mf?: Omit<MfOptions, "seed">;
}

export interface LoadedRouter {
  router: RouterName;
  strong: string;
  weak: string;
  embedder: { id: string; dim: number };
  /** Whether score() reads the embedding (false for random and category: the caller may pass an empty array). */
  needsEmbedding: boolean;
  /** s(q) = P(strong preferred) ∈ [0, 1] for the last user message `prompt` and its embedding. */
  score(prompt: string, embedding: Float32Array): number;
}

export interface LoadedP2l extends LoadedRouter {
  /** The per-prompt leaderboard over every model in the stored battles. */
  leaderboard(embedding: Float32Array): PromptBoardEntry[];
  /** Best predicted win rate among models priced ≤ maxCost (USD / 1M output tokens); null if none qualifies. */
  pick(
    embedding: Float32Array,
    prices: Readonly<Record<string, number>>,
    maxCost?: number,
    active?: ReadonlySet<string>,
  ): PromptBoardEntry | null;
}

const DEFAULTS = {
  maxBattles: 20_000,
  maxStored: 20_000,
  calibrationPrompts: 500,
  neighbours: 400,
  alpha: 1,
  tau: 0.2,
  ridge: 1,
  prior: 20,
};

/** The category bucket of a prompt from the heuristic labels (DESIGN section 8), one per prompt, in this order. */
export function promptCategory(prompt: string): string {
  if (looksLikeCode(prompt)) return "coding";
  // The labels count cl100k tokens; routing is synchronous, so ~4 characters a token stands in for the tokenizer.
  const tokens = Math.ceil(prompt.length / 4);
  if (tokens >= LONG_QUERY_TOKENS) return "long_query";
  if (tokens < SHORT_QUERY_TOKENS) return "short_query";
  return "other";
}

/**
 * Work units of training (≈ floating-point multiply-adds, a proxy for CPU time; docs/routing.md gives the
 * measured rate) for `battles` battles of `dim`-dimensional embeddings, after the options' caps.
 */
export function estimateWork(name: RouterName, battles: number, dim: number, opts: Partial<TrainOptions> = {}): number {
  const n = Math.min(battles, opts.maxBattles ?? DEFAULTS.maxBattles);
  const stored = Math.min(n, opts.maxStored ?? DEFAULTS.maxStored);
  const cal = Math.min(n, opts.calibrationPrompts ?? DEFAULTS.calibrationPrompts);
  switch (name) {
    case "random":
    case "category":
      return n + cal;
    case "mf":
      return mfWork(n, dim, opts.mf) + cal * (opts.mf?.k ?? 16) * dim;
    case "sw_ranking":
    case "p2l":
      // Quantising the store, then each calibration prompt against every stored battle (plus a small fit).
      return stored * dim + cal * stored * (dim + 8);
  }
}

/** The largest maxBattles whose estimated work fits `budget` (binary search; at least 1). */
export function maxBattlesWithin(
  name: RouterName,
  budget: number,
  dim: number,
  opts: Partial<TrainOptions> = {},
): number {
  let lo = 1;
  let hi = 10_000_000;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateWork(name, mid, dim, { ...opts, maxBattles: mid }) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The threshold that sends `strongFraction` of `scores` to the strong model (s ≥ threshold): the midpoint between
 * the k-th and (k+1)-th highest score, k = round(fraction · n), so without ties exactly k prompts go strong.
 */
export function calibrateThreshold(scores: ArrayLike<number>, strongFraction: number): number {
  if (!(strongFraction >= 0 && strongFraction <= 1)) throw new RangeError("strongFraction must be in [0, 1]");
  const s = Array.from(scores).sort((x, y) => y - x);
  const n = s.length;
  if (n === 0) return 1 - strongFraction;
  const k = Math.round(strongFraction * n);
  if (k >= n) return Math.max(0, s[n - 1]!);
  if (k <= 0) return s[0]! >= 1 ? 1 : Math.min(1, (s[0]! + 1) / 2);
  return (s[k - 1]! + s[k]!) / 2;
}

function latest<T>(xs: readonly T[], n: number): readonly T[] {
  return xs.length > n ? xs.slice(xs.length - n) : xs;
}

/**
 * Trains `name` on `battles` (time order; the latest are kept under the caps) with `embeddings[i]` the embedding of
 * `battles[i].prompt` (ignored by random and category). Deterministic for (inputs, options).
 */
export function trainRouter<R extends RouterName>(
  name: R,
  battles: readonly RouterBattle[],
  embeddings: readonly Float32Array[],
  opts: TrainOptions,
): RouterArtifact<R> {
  if (!isRouterName(name)) throw new Error(`unknown router "${name}" (one of ${ROUTER_NAMES.join(", ")})`);
  if (opts.strong === opts.weak) throw new Error("strong and weak must be different models");
  if (embeddings.length !== battles.length && name !== "random" && name !== "category") {
    throw new Error(`${embeddings.length} embeddings for ${battles.length} battles`);
  }
  const seed = opts.seed ?? 0;
  const maxBattles = opts.maxBattles ?? DEFAULTS.maxBattles;
  const use = latest(battles, maxBattles);
  const emb = latest(embeddings, maxBattles);
  const dim = opts.embedder.dim;
  for (const e of name === "random" || name === "category" ? [] : emb) {
    if (e.length !== dim) throw new Error(`embedding of length ${e.length}, expected ${dim} (${opts.embedder.id})`);
  }
  let params: RouterParamsMap[RouterName];
  switch (name) {
    case "random":
      params = { seed } satisfies RandomParams;
      break;
    case "category":
      params = trainCategory(use, opts.strong, opts.weak, opts.prior ?? DEFAULTS.prior);
      break;
    case "mf":
      params = trainMf(use, emb, dim, { ...opts.mf, seed });
      break;
    case "sw_ranking": {
      const s = Math.min(use.length, opts.maxStored ?? DEFAULTS.maxStored);
      params = {
        neighbours: opts.neighbours ?? DEFAULTS.neighbours,
        alpha: opts.alpha ?? DEFAULTS.alpha,
        ridge: opts.ridge ?? DEFAULTS.ridge,
        store: storeBattles(latest(use, s), latest(emb, s), dim),
      } satisfies SwParams;
      break;
    }
    case "p2l": {
      const s = Math.min(use.length, opts.maxStored ?? DEFAULTS.maxStored);
      params = {
        tau: opts.tau ?? DEFAULTS.tau,
        ridge: opts.ridge ?? DEFAULTS.ridge,
        store: storeBattles(latest(use, s), latest(emb, s), dim),
      } satisfies P2lParams;
      break;
    }
  }
  const draft: RouterArtifact = {
    schema: ARTIFACT_SCHEMA,
    router: name,
    strong: opts.strong,
    weak: opts.weak,
    trainedAt: opts.trainedAt ?? new Date(0).toISOString(),
    battles: use.length,
    embedder: { id: opts.embedder.id, dim },
    thresholds: { "0.2": 0.5, "0.5": 0.5, "0.8": 0.5 },
    params,
    calibration: { prompts: 0, scores: [] },
  };
  // Thresholds on a seeded sample of the distinct training prompts.
  // The similarity routers leave each calibration prompt's own stored battles out (leave-one-prompt-out): otherwise
  // training prompts score more extreme than new ones and the thresholds miss their shares.
  const router = loadScorer(draft);
  const seen = new Map<string, number>();
  use.forEach((b, i) => {
    if (!seen.has(b.prompt)) seen.set(b.prompt, i);
  });
  const distinct = [...seen.values()];
  const cap = opts.calibrationPrompts ?? DEFAULTS.calibrationPrompts;
  const sample = sampleIndices(distinct, cap, seed);
  const empty = new Float32Array(0);
  const stored =
    name === "sw_ranking" || name === "p2l"
      ? storedPromptIndex(latest(use, Math.min(use.length, opts.maxStored ?? DEFAULTS.maxStored)))
      : new Map<string, number>();
  const scores = sample.map((i) =>
    router.score(
      use[i]!.prompt,
      router.needsEmbedding ? emb[i]! : empty,
      stored.get(use[i]!.prompt) ?? -1,
      use[i]!.category,
    ),
  );
  // Thresholds from the stored (rounded) scores, so calibrateArtifact reproduces them exactly.
  draft.calibration = { prompts: scores.length, scores: scores.map(round6).sort((x, y) => x - y) };
  for (const share of THRESHOLD_SHARES) draft.thresholds[share] = calibrateArtifact(draft, Number(share)).threshold;
  return draft as RouterArtifact<R>;
}

/** `GET /v1/routers/:router/calibrate?strongFraction=P` from the artifact's stored calibration scores. */
export function calibrateArtifact(
  artifact: Pick<RouterArtifact, "calibration">,
  strongFraction: number,
): { threshold: number; strongFraction: number; prompts: number } {
  const { scores, prompts } = artifact.calibration;
  return { threshold: round6(calibrateThreshold(scores, strongFraction)), strongFraction, prompts };
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}

/** Up to `cap` of `xs`, a seeded partial Fisher–Yates, returned in input order. */
export function sampleIndices(xs: readonly number[], cap: number, seed: number): number[] {
  if (xs.length <= cap) return [...xs];
  const a = [...xs];
  const rng = new Rng((seed ^ 0x63616c) >>> 0);
  for (let i = 0; i < cap; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, cap).sort((x, y) => x - y);
}

function trainCategory(battles: readonly RouterBattle[], strong: string, weak: string, prior: number): CategoryParams {
  const sums = new Map<string, { n: number; u: number }>();
  let n = 0;
  let u = 0;
  for (const b of battles) {
    const x = strongUtility(b, strong, weak);
    if (x === null) continue;
    const c = b.category ?? promptCategory(b.prompt);
    const s = sums.get(c) ?? { n: 0, u: 0 };
    s.n++;
    s.u += x;
    sums.set(c, s);
    n++;
    u += x;
  }
  const overall = n > 0 ? u / n : 0.5;
  const rates: CategoryParams["rates"] = {};
  for (const c of [...sums.keys()].sort()) {
    const s = sums.get(c)!;
    rates[c] = { battles: s.n, rate: round6((s.u + prior * overall) / (s.n + prior)) };
  }
  return { prior, overall: round6(overall), rates };
}

/** Validates the artifact's envelope and builds the scorer. Throws on a malformed or unknown artifact. */
export function loadRouter(artifact: RouterArtifact): LoadedRouter | LoadedP2l {
  return loadScorer(artifact);
}

/**
 * score() with an optional stored prompt index to leave out (sw_ranking, p2l) and the prompt's known category
 * (category, when `prompt` is only a key); the other routers ignore them.
 */
type Scorer = (prompt: string, embedding: Float32Array, excludePrompt?: number, category?: string) => number;

function loadScorer(artifact: RouterArtifact): (LoadedRouter | LoadedP2l) & { score: Scorer } {
  const a = artifact as Partial<RouterArtifact>;
  if (a.schema !== ARTIFACT_SCHEMA) throw new Error(`not an ${ARTIFACT_SCHEMA} artifact (schema ${String(a.schema)})`);
  if (typeof a.router !== "string" || !isRouterName(a.router)) throw new Error(`unknown router ${String(a.router)}`);
  if (typeof a.strong !== "string" || typeof a.weak !== "string") throw new Error("artifact without strong/weak");
  if (!a.embedder || typeof a.embedder.id !== "string" || !Number.isInteger(a.embedder.dim)) {
    throw new Error("artifact without embedder {id, dim}");
  }
  if (!a.params || typeof a.params !== "object") throw new Error("artifact without params");
  const { strong, weak, embedder } = artifact;
  const base = { router: artifact.router, strong, weak, embedder };
  const checkDim = (e: Float32Array) => {
    if (e.length !== embedder.dim)
      throw new Error(`embedding of length ${e.length}, expected ${embedder.dim} (${embedder.id})`);
  };
  switch (artifact.router) {
    case "random": {
      const { seed } = artifact.params as RandomParams;
      return {
        ...base,
        needsEmbedding: false,
        score: (prompt) => Rng.fromKey(`router-random|${seed}|${prompt}`).next(),
      };
    }
    case "category": {
      const p = artifact.params as CategoryParams;
      return {
        ...base,
        needsEmbedding: false,
        score: (prompt: string, _e: Float32Array, _x?: number, category?: string) =>
          p.rates[category ?? promptCategory(prompt)]?.rate ?? p.overall,
      };
    }
    case "mf": {
      const p = artifact.params as MfParams;
      if (p.dim !== embedder.dim || p.w.length !== p.k * p.dim || p.v.length !== p.k * p.models.length) {
        throw new Error("mf artifact: parameter sizes do not match");
      }
      return {
        ...base,
        needsEmbedding: true,
        score: (_prompt, e) => {
          checkDim(e);
          return mfScore(p, e, strong, weak);
        },
      };
    }
    case "sw_ranking": {
      const p = artifact.params as SwParams;
      const ob = openBattles(p.store);
      const w: Weighting = { kind: "routellm", neighbours: p.neighbours, alpha: p.alpha };
      return {
        ...base,
        needsEmbedding: true,
        score: (_prompt: string, e: Float32Array, exclude: number = -1) => {
          checkDim(e);
          if (ob.a.length === 0) return 0.5;
          return pairProbability(ob, weightedFit(ob, battleWeights(ob, e, w, exclude), p.ridge).theta, strong, weak);
        },
      };
    }
    case "p2l": {
      const p = artifact.params as P2lParams;
      const ob = openBattles(p.store);
      const w: Weighting = { kind: "kernel", tau: p.tau };
      const leaderboard = (e: Float32Array) => {
        checkDim(e);
        return promptBoard(ob, e, w, p.ridge);
      };
      return {
        ...base,
        needsEmbedding: true,
        score: (_prompt: string, e: Float32Array, exclude: number = -1) => {
          checkDim(e);
          if (ob.a.length === 0) return 0.5;
          return pairProbability(ob, weightedFit(ob, battleWeights(ob, e, w, exclude), p.ridge).theta, strong, weak);
        },
        leaderboard,
        pick: (e, prices, maxCost, active) => pickModel(leaderboard(e), prices, maxCost, active),
      } satisfies LoadedP2l;
    }
  }
}
