// The matrix-factorisation router (RouteLLM's `mf`, our own implementation): each model m has a vector v_m ∈ R^k
// and a bias b_m, the prompt embedding q ∈ R^D is projected to z = W q ∈ R^k, and the model's quality on the prompt
// is δ_m(q) = v_m · z + b_m. Trained on (A, B, outcome, prompt) battles with the Bradley–Terry logistic loss
// −[y log σ(δ_A − δ_B) + (1 − y) log σ(δ_B − δ_A)] (y = 1 A won, 0 B won, ½ tie), L2 on v and W, mini-batch Adam,
// a fixed number of epochs and a seeded shuffle, so a seed gives the same artifact everywhere.
// s(q) = σ(δ_strong(q) − δ_weak(q)).
import { Rng } from "../ratings/rng";
import { scoreA, type RouterBattle } from "./battles";

export interface MfOptions {
  /** Latent dimension k (default 16). */
  k?: number;
  /** Passes over the battles (default 12). */
  epochs?: number;
  /** Adam step (default 0.02). */
  lr?: number;
  /** L2 weight on v and W (default 1e-4). */
  l2?: number;
  /** Battles per Adam step (default 32). */
  batch?: number;
  seed?: number;
}

export interface MfParams {
  k: number;
  dim: number;
  models: string[];
  /** models.length × k, row-major, rounded to 5 significant digits. */
  v: number[];
  /** k × dim, row-major. */
  w: number[];
  bias: number[];
  epochs: number;
  /** Mean training loss of the last epoch (a fit diagnostic). */
  loss: number;
}

/** Floating-point multiply-adds of training (≈ 2·k·D per battle per epoch for z and ∂W, plus the Adam updates). */
export function mfWork(battles: number, dim: number, o: MfOptions = {}): number {
  const k = o.k ?? 16;
  const epochs = o.epochs ?? 12;
  const batch = o.batch ?? 32;
  return epochs * (battles * 2 * k * dim + Math.ceil(battles / batch) * 8 * k * dim);
}

export function trainMf(
  battles: readonly RouterBattle[],
  embeddings: readonly Float32Array[],
  dim: number,
  o: MfOptions = {},
): MfParams {
  const k = o.k ?? 16;
  const epochs = o.epochs ?? 12;
  const lr = o.lr ?? 0.02;
  const l2 = o.l2 ?? 1e-4;
  const batch = o.batch ?? 32;
  const rng = new Rng((o.seed ?? 0) ^ 0x6d66);
  const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]))].sort();
  const mi = new Map(models.map((m, i) => [m, i]));
  const M = models.length;
  // Self-battles carry no signal about either side.
  const rows = battles.map((_, i) => i).filter((i) => battles[i]!.modelA !== battles[i]!.modelB);
  const A = Int32Array.from(rows, (i) => mi.get(battles[i]!.modelA)!);
  const B = Int32Array.from(rows, (i) => mi.get(battles[i]!.modelB)!);
  const Y = Float64Array.from(rows, (i) => scoreA(battles[i]!.winner));
  const Q = rows.map((i) => embeddings[i]!);

  const V = Float64Array.from({ length: M * k }, () => 0.1 * rng.normal());
  const W = Float64Array.from({ length: k * dim }, () => rng.normal() / Math.sqrt(dim));
  const bias = new Float64Array(M);
  const params = [V, W, bias];
  const grads = params.map((p) => new Float64Array(p.length));
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const [gV, gW, gb] = grads as [Float64Array, Float64Array, Float64Array];
  const z = new Float64Array(k);
  const dv = new Float64Array(k);
  const order = Int32Array.from({ length: rows.length }, (_, i) => i);
  const b1 = 0.9;
  const b2 = 0.999;
  let step = 0;
  let lastLoss = NaN;

  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    let lossSum = 0;
    for (let start = 0; start < order.length; start += batch) {
      const end = Math.min(order.length, start + batch);
      for (const g of grads) g.fill(0);
      for (let r = start; r < end; r++) {
        const n = order[r]!;
        const a = A[n]!;
        const b = B[n]!;
        const q = Q[n]!;
        for (let c = 0; c < k; c++) {
          let s = 0;
          const off = c * dim;
          for (let d = 0; d < dim; d++) s += W[off + d]! * q[d]!;
          z[c] = s;
        }
        let diff = bias[a]! - bias[b]!;
        for (let c = 0; c < k; c++) {
          dv[c] = V[a * k + c]! - V[b * k + c]!;
          diff += dv[c]! * z[c]!;
        }
        const p = 1 / (1 + Math.exp(-diff));
        const y = Y[n]!;
        lossSum -= y * Math.log(Math.max(p, 1e-12)) + (1 - y) * Math.log(Math.max(1 - p, 1e-12));
        const g = (p - y) / (end - start);
        gb[a]! += g;
        gb[b]! -= g;
        for (let c = 0; c < k; c++) {
          gV[a * k + c]! += g * z[c]!;
          gV[b * k + c]! -= g * z[c]!;
          const gc = g * dv[c]!;
          if (gc === 0) continue;
          const off = c * dim;
          for (let d = 0; d < dim; d++) gW[off + d]! += gc * q[d]!;
        }
      }
      for (let c = 0; c < V.length; c++) gV[c]! += l2 * V[c]!;
      for (let c = 0; c < W.length; c++) gW[c]! += l2 * W[c]!;
      step++;
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      params.forEach((p, pi) => {
        const g = grads[pi]!;
        const mm = m1[pi]!;
        const vv = m2[pi]!;
        for (let c = 0; c < p.length; c++) {
          const gc = g[c]!;
          mm[c] = b1 * mm[c]! + (1 - b1) * gc;
          vv[c] = b2 * vv[c]! + (1 - b2) * gc * gc;
          p[c]! -= (lr * (mm[c]! / c1)) / (Math.sqrt(vv[c]! / c2) + 1e-8);
        }
      });
    }
    lastLoss = order.length > 0 ? lossSum / order.length : NaN;
  }
  const round = (x: number) => Number(x.toPrecision(5));
  return {
    k,
    dim,
    models,
    v: Array.from(V, round),
    w: Array.from(W, round),
    bias: Array.from(bias, round),
    epochs,
    loss: Number.isFinite(lastLoss) ? round(lastLoss) : 0,
  };
}

/** δ_m(q) for every model. */
export function mfQualities(p: MfParams, q: Float32Array): Float64Array {
  const z = new Float64Array(p.k);
  for (let c = 0; c < p.k; c++) {
    let s = 0;
    const off = c * p.dim;
    for (let d = 0; d < p.dim; d++) s += p.w[off + d]! * (q[d] ?? 0);
    z[c] = s;
  }
  return Float64Array.from(p.models, (_, m) => {
    let s = p.bias[m]!;
    for (let c = 0; c < p.k; c++) s += p.v[m * p.k + c]! * z[c]!;
    return s;
  });
}

export function mfScore(p: MfParams, q: Float32Array, strong: string, weak: string): number {
  const s = p.models.indexOf(strong);
  const w = p.models.indexOf(weak);
  if (s < 0 || w < 0) return 0.5;
  const d = mfQualities(p, q);
  return 1 / (1 + Math.exp(d[w]! - d[s]!));
}
