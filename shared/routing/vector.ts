// One prompt embedding as the prompt cache stores it (d1 `prompt_embeddings`): int8 with one scale, base64 — the
// artifacts' own quantisation (./battles.ts `quantise`), so a cached vector enters an artifact unchanged.
import { fromBase64, quantise } from "./battles";

export function encodeVector(v: Float32Array): { scale: number; vector: string } {
  const q = quantise([v], v.length);
  return { scale: q.scales[0]!, vector: q.data };
}

export function decodeVector(stored: { scale: number; vector: string }, dim: number): Float32Array {
  const raw = fromBase64(stored.vector);
  if (raw.length !== dim) throw new Error(`cached embedding: ${raw.length} values, expected ${dim}`);
  const q = new Int8Array(raw.buffer, raw.byteOffset, raw.length);
  return Float32Array.from(q, (x) => x * stored.scale);
}
