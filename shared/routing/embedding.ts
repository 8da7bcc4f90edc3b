// Prompt embeddings for the routers (DESIGN section 12): one interface, three implementations. The default is an
// offline deterministic embedding (hashed character n-grams and word unigrams with signed feature hashing, then
// L2-normalised) so training and routing need no network; an OpenAI-compatible `/v1/embeddings` model or Workers AI
// can replace it. Pure: the network client and the AI binding are passed in by the caller.
import { hashString32 } from "../ratings/rng";

export interface Embedder {
  /** Stable name stored in router artifacts; a router only scores embeddings from the embedder it was trained with. */
  id: string;
  dim: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Characters of a prompt the hashed embedder reads (bounded CPU per prompt). */
export const HASHED_MAX_CHARS = 4_000;
export const DEFAULT_HASHED_DIM = 256;
/** Character n-gram lengths, and the weight of a character n-gram relative to a word unigram. */
const NGRAMS = [3, 4] as const;
const NGRAM_WEIGHT = 0.5;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over text[start, end) with a salt, murmur3-finalised; no substring allocation. */
function hashRange(text: string, start: number, end: number, salt: number): number {
  let h = (FNV_OFFSET ^ salt) >>> 0;
  for (let i = start; i < end; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return finalise(h);
}

function add(v: Float32Array, h: number, weight: number): void {
  // The lowest bit picks the sign (signed hashing keeps collisions unbiased), the rest the slot.
  const slot = (h >>> 1) % v.length;
  v[slot]! += h & 1 ? weight : -weight;
}

/** Normalised text the hashed embedder sees: lower case, runs of whitespace collapsed, cut to HASHED_MAX_CHARS. */
function normaliseText(text: string): string {
  return text.slice(0, HASHED_MAX_CHARS).toLowerCase().replace(/\s+/g, " ").trim();
}

/** The hashed embedding of one text (zero vector for empty text). Synchronous, so the Worker can call it inline. */
export function hashedEmbedding(text: string, dim = DEFAULT_HASHED_DIM): Float32Array {
  const v = new Float32Array(dim);
  const t = normaliseText(text);
  // Word unigrams (letters/digits/underscore runs, any script).
  const words = t.match(/[\p{L}\p{N}_]+/gu) ?? [];
  for (const w of words) add(v, hashString32(w, 1), 1);
  // Character n-grams over the padded text, so word boundaries count.
  const padded = ` ${t} `;
  for (const n of NGRAMS) {
    for (let i = 0; i + n <= padded.length; i++) add(v, hashRange(padded, i, i + n, n), NGRAM_WEIGHT);
  }
  return l2Normalise(v);
}

/** In place; a zero vector stays zero. */
export function l2Normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  if (s > 0) {
    const k = 1 / Math.sqrt(s);
    for (let i = 0; i < v.length; i++) v[i]! *= k;
  }
  return v;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/** Cosine similarity (0 when either vector is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ab = dot(a, b);
  const aa = dot(a, a);
  const bb = dot(b, b);
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** The default offline embedder, id `hashed-ngram-v1-<dim>`. */
export function hashedEmbedder(dim = DEFAULT_HASHED_DIM): Embedder {
  if (!Number.isInteger(dim) || dim < 8) throw new Error(`hashed embedder dim must be an integer >= 8 (got ${dim})`);
  return {
    id: `hashed-ngram-v1-${dim}`,
    dim,
    embed: async (texts) => texts.map((t) => hashedEmbedding(t, dim)),
  };
}

/** The subset of `fetch` the OpenAI-compatible embedder uses. */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; text(): Promise<string> }>;

export interface OpenAIEmbedderOptions {
  /** e.g. `https://api.openai.com/v1` (with or without the trailing `/v1`). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Output dimension of the model (checked against every answer). */
  dim: number;
  fetch: FetchLike;
  /** Texts per request (default 64). */
  batchSize?: number;
}

/** An OpenAI-compatible `/v1/embeddings` model; vectors are L2-normalised so cosine is a dot product. */
export function openAIEmbedder(o: OpenAIEmbedderOptions): Embedder {
  const base = o.baseUrl.replace(/\/+$/, "");
  const url = /\/v1$/.test(base) ? `${base}/embeddings` : `${base}/v1/embeddings`;
  const batch = o.batchSize ?? 64;
  return {
    id: `openai:${o.model}`,
    dim: o.dim,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batch) {
        const input = texts.slice(i, i + batch);
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
        const res = await o.fetch(url, { method: "POST", headers, body: JSON.stringify({ model: o.model, input }) });
        if (!res.ok) throw new Error(`embeddings ${url}: HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`);
        const body = (await res.json()) as { data?: { index?: number; embedding?: unknown }[] };
        const rows = Array.isArray(body.data) ? [...body.data] : [];
        if (rows.length !== input.length)
          throw new Error(`embeddings ${url}: ${rows.length} vectors for ${input.length}`);
        rows.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        for (const r of rows) out.push(checkedVector(r.embedding, o.dim, url));
      }
      return out;
    },
  };
}

/** The one method of a Workers AI binding the embedder calls (`env.AI.run`), typed structurally. */
export interface AiRunner {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

/** A Workers AI text-embedding model, e.g. `@cf/baai/bge-small-en-v1.5` (dim 384); answers `{ data: number[][] }`. */
export function workersAIEmbedder(ai: AiRunner, model: string, dim: number, batchSize = 50): Embedder {
  return {
    id: `workers-ai:${model}`,
    dim,
    async embed(texts) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const input = texts.slice(i, i + batchSize);
        const res = (await ai.run(model, { text: input })) as { data?: unknown };
        const rows = Array.isArray(res?.data) ? (res.data as unknown[]) : [];
        if (rows.length !== input.length)
          throw new Error(`workers ai ${model}: ${rows.length} vectors for ${input.length}`);
        for (const r of rows) out.push(checkedVector(r, dim, model));
      }
      return out;
    },
  };
}

function checkedVector(v: unknown, dim: number, where: string): Float32Array {
  if (!Array.isArray(v) || v.length !== dim || !v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new Error(`${where}: expected an embedding of ${dim} finite numbers`);
  }
  return l2Normalise(Float32Array.from(v as number[]));
}

/**
 * Embeds `texts` through `embedder`, each distinct text once; `cache` (keyed by the text, or by a prompt hash the
 * caller computes) is read and filled, so a retrain only embeds prompts it has not seen.
 */
export async function embedAll(
  embedder: Embedder,
  texts: readonly string[],
  cache: Map<string, Float32Array> = new Map(),
): Promise<Float32Array[]> {
  const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
  if (missing.length > 0) {
    const vs = await embedder.embed(missing);
    missing.forEach((t, i) => cache.set(t, vs[i]!));
  }
  return texts.map((t) => cache.get(t)!);
}
