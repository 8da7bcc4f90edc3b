// Training battles for the routers and the compact, quantised store of their prompt embeddings that the
// similarity-weighted routers (sw_ranking, p2l) keep in their artifacts.

export type RouterWinner = "model_a" | "model_b" | "tie" | "tie (bothbad)";

export interface RouterBattle {
  /** The prompt, or any stable key of it when `category` is given (the cron trains on cached prompts by hash). */
  prompt: string;
  modelA: string;
  modelB: string;
  winner: RouterWinner;
  /** The prompt's routing category (promptCategory), when the caller has it without the text. */
  category?: string;
}

/** Share of a battle won by side A: 1, 0, or ½ for both tie kinds. */
export function scoreA(w: RouterWinner): number {
  return w === "model_a" ? 1 : w === "model_b" ? 0 : 0.5;
}

/**
 * Utility of routing a battle's prompt to `strong` (DESIGN section 12): 1 when strong won, ½ tie, 0 lost; null when
 * the battle is not between the pair.
 */
export function strongUtility(b: RouterBattle, strong: string, weak: string): number | null {
  if (b.modelA === strong && b.modelB === weak) return scoreA(b.winner);
  if (b.modelA === weak && b.modelB === strong) return 1 - scoreA(b.winner);
  return null;
}

/** Battles between the pair, either way round. */
export function isPairBattle(b: RouterBattle, strong: string, weak: string): boolean {
  return strongUtility(b, strong, weak) !== null;
}

/**
 * Prompt embeddings quantised to int8 with one scale per vector (x ≈ q · scale), base64 in JSON: 256-dim vectors
 * take 256 bytes (344 base64 characters) each instead of ~2.5 KB of JSON floats. Battles point at a prompt index,
 * so a prompt voted on several times is stored once.
 */
export interface StoredEmbeddings {
  n: number;
  dim: number;
  scales: number[];
  /** base64 of n·dim int8 values, row-major. */
  data: string;
}

export interface StoredBattles {
  /** Model ids; battle sides are indices into this list. */
  models: string[];
  a: number[];
  b: number[];
  /** Share won by side A ×2 (2 = A won, 1 tie, 0 B won): integers keep the JSON small. */
  s2: number[];
  /** Prompt index of each battle in `embeddings`. */
  p: number[];
  embeddings: StoredEmbeddings;
}

export function quantise(vectors: readonly Float32Array[], dim: number): StoredEmbeddings {
  const bytes = new Int8Array(vectors.length * dim);
  const scales: number[] = [];
  vectors.forEach((v, r) => {
    let m = 0;
    for (let i = 0; i < dim; i++) m = Math.max(m, Math.abs(v[i] ?? 0));
    const scale = m > 0 ? m / 127 : 0;
    scales.push(Number(scale.toPrecision(6)));
    for (let i = 0; i < dim; i++) bytes[r * dim + i] = scale > 0 ? Math.round((v[i] ?? 0) / scale) : 0;
  });
  return { n: vectors.length, dim, scales, data: toBase64(new Uint8Array(bytes.buffer)) };
}

/** Int8 rows and scales, ready for dot products (no float copy: 4× less memory in the Worker). */
export interface EmbeddingIndex {
  n: number;
  dim: number;
  q: Int8Array;
  scales: Float64Array;
  /** ‖row‖ after dequantisation, for cosine. */
  norms: Float64Array;
}

export function openEmbeddings(s: StoredEmbeddings): EmbeddingIndex {
  const raw = fromBase64(s.data);
  if (raw.length !== s.n * s.dim) throw new Error(`stored embeddings: ${raw.length} bytes for ${s.n}×${s.dim}`);
  const q = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  const scales = Float64Array.from(s.scales);
  const norms = new Float64Array(s.n);
  for (let r = 0; r < s.n; r++) {
    let t = 0;
    for (let i = 0; i < s.dim; i++) t += q[r * s.dim + i]! * q[r * s.dim + i]!;
    norms[r] = Math.sqrt(t) * scales[r]!;
  }
  return { n: s.n, dim: s.dim, q, scales, norms };
}

/** Cosine similarity of `v` with every stored row. */
export function similarities(index: EmbeddingIndex, v: Float32Array): Float64Array {
  const { n, dim, q, scales, norms } = index;
  let vn = 0;
  for (let i = 0; i < dim; i++) vn += v[i]! * v[i]!;
  vn = Math.sqrt(vn);
  const out = new Float64Array(n);
  if (vn === 0) return out;
  for (let r = 0; r < n; r++) {
    const off = r * dim;
    let s = 0;
    for (let i = 0; i < dim; i++) s += q[off + i]! * v[i]!;
    const d = norms[r]! * vn;
    out[r] = d > 0 ? (s * scales[r]!) / d : 0;
  }
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Int16Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Plain base64 (no btoa/Buffer dependency: the same code runs in the Worker, Node and tests). */
export function toBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const x = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunk +=
      B64[(x >> 18) & 63]! +
      B64[(x >> 12) & 63]! +
      (i + 1 < bytes.length ? B64[(x >> 6) & 63]! : "=") +
      (i + 2 < bytes.length ? B64[x & 63]! : "=");
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = "";
    }
  }
  parts.push(chunk);
  return parts.join("");
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    let x = 0;
    for (let k = 0; k < 4; k++) {
      const c = i + k < clean.length ? B64_INDEX[clean.charCodeAt(i + k)] : 0;
      if (c === undefined || c < 0) throw new Error("stored embeddings: invalid base64");
      x = (x << 6) | c;
    }
    if (o < out.length) out[o++] = (x >> 16) & 255;
    if (o < out.length) out[o++] = (x >> 8) & 255;
    if (o < out.length) out[o++] = x & 255;
  }
  return out;
}
