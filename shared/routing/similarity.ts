// Similarity-weighted Bradley–Terry for one prompt: the sw_ranking router (RouteLLM's weighting over the nearest
// logged battles) and the p2l per-prompt leaderboard (a sharper kernel over all logged battles). Both reuse the
// ratings engine's Newton solver (shared/ratings/bt.ts) on weighted pair statistics.
import { fitBT, POINTS_PER_LOGIT, RATING_CENTRE } from "../ratings/bt";
import { normalQuantile, spdInverse } from "../ratings/linalg";
import type { PairStats } from "../ratings/pairs";
import {
  openEmbeddings,
  quantise,
  scoreA,
  similarities,
  type EmbeddingIndex,
  type RouterBattle,
  type StoredBattles,
} from "./battles";

export interface OpenedBattles {
  models: string[];
  a: Int32Array;
  b: Int32Array;
  /** Share won by side A (1, ½, 0). */
  s: Float64Array;
  p: Int32Array;
  index: EmbeddingIndex;
}

/** Packs battles and their prompt embeddings (aligned arrays); identical prompts share one stored vector. */
export function storeBattles(
  battles: readonly RouterBattle[],
  embeddings: readonly Float32Array[],
  dim: number,
): StoredBattles {
  const models = [...new Set(battles.flatMap((b) => [b.modelA, b.modelB]))].sort();
  const mi = new Map(models.map((m, i) => [m, i]));
  const promptIndex = storedPromptIndex(battles);
  const vectors: Float32Array[] = [];
  const out: StoredBattles = { models, a: [], b: [], s2: [], p: [], embeddings: { n: 0, dim, scales: [], data: "" } };
  battles.forEach((bt, i) => {
    const p = promptIndex.get(bt.prompt)!;
    if (p === vectors.length) vectors.push(embeddings[i]!);
    out.a.push(mi.get(bt.modelA)!);
    out.b.push(mi.get(bt.modelB)!);
    out.s2.push(Math.round(2 * scoreA(bt.winner)));
    out.p.push(p);
  });
  out.embeddings = quantise(vectors, dim);
  return out;
}

/** Stored prompt index of each distinct prompt: the order of first appearance. */
export function storedPromptIndex(battles: readonly RouterBattle[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of battles) if (!m.has(b.prompt)) m.set(b.prompt, m.size);
  return m;
}

export function openBattles(s: StoredBattles): OpenedBattles {
  const n = s.a.length;
  if (s.b.length !== n || s.s2.length !== n || s.p.length !== n) throw new Error("stored battles: ragged arrays");
  const index = openEmbeddings(s.embeddings);
  const M = s.models.length;
  for (let i = 0; i < n; i++) {
    if (!(s.a[i]! >= 0 && s.a[i]! < M && s.b[i]! >= 0 && s.b[i]! < M && s.p[i]! >= 0 && s.p[i]! < index.n)) {
      throw new Error(`stored battles: battle ${i} points outside the model or prompt lists`);
    }
  }
  return {
    models: s.models,
    a: Int32Array.from(s.a),
    b: Int32Array.from(s.b),
    s: Float64Array.from(s.s2, (x) => x / 2),
    p: Int32Array.from(s.p),
    index,
  };
}

export type Weighting =
  /** RouteLLM's sw_ranking: w = 10·10^(alpha·sim/max sim) over the `neighbours` most similar battles. */
  | { kind: "routellm"; neighbours: number; alpha: number }
  /** A softmax kernel w = exp((sim − max sim)/tau) over every battle (weights below 1e-4 dropped). */
  | { kind: "kernel"; tau: number };

export interface PromptBoardEntry {
  model: string;
  /** Bradley–Terry strength in natural logits (ridge-shrunk toward 0). */
  theta: number;
  /** 400·θ/ln10 + 1000, the leaderboard scale. */
  rating: number;
  /** Approximate 95% interval of the rating (normal, from the inverse Hessian at Kish's effective sample size). */
  lower: number;
  upper: number;
  /** Mean predicted win probability against the other models on the board. */
  winRate: number;
  /** Effective battles this model took part in: its weighted battles scaled to Kish's effective sample size. */
  votes: number;
}

/**
 * Battle weights for one prompt embedding (a sparse list: battle index, weight). `excludePrompt` (a stored prompt
 * index) leaves that prompt's battles out: calibration on training prompts must not see their own votes.
 */
export function battleWeights(
  ob: OpenedBattles,
  embedding: Float32Array,
  w: Weighting,
  excludePrompt = -1,
): { idx: Int32Array; w: Float64Array } {
  const sims = similarities(ob.index, embedding);
  const n = ob.a.length;
  const bs = new Float64Array(n);
  let excluded = 0;
  for (let i = 0; i < n; i++) {
    if (ob.p[i] === excludePrompt) {
      bs[i] = -Infinity;
      excluded++;
    } else bs[i] = sims[ob.p[i]!]!;
  }
  if (w.kind === "routellm") {
    const k = Math.min(n - excluded, Math.max(1, w.neighbours));
    if (k <= 0) return { idx: new Int32Array(0), w: new Float64Array(0) };
    const idx = k === n ? Int32Array.from({ length: n }, (_, i) => i) : topK(bs, k);
    let smax = -Infinity;
    for (const i of idx) smax = Math.max(smax, bs[i]!);
    const denom = smax > 0 ? smax : 1;
    const ws = Float64Array.from(idx, (i) => 10 * 10 ** ((w.alpha * bs[i]!) / denom));
    return { idx, w: ws };
  }
  let smax = -Infinity;
  for (let i = 0; i < n; i++) smax = Math.max(smax, bs[i]!);
  const keep: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < n; i++) {
    if (bs[i] === -Infinity) continue;
    const x = Math.exp((bs[i]! - smax) / w.tau);
    if (x >= 1e-4) {
      keep.push(i);
      ws.push(x);
    }
  }
  return { idx: Int32Array.from(keep), w: Float64Array.from(ws) };
}

/** Weighted Bradley–Terry over the models of `ob` with ridge λ (weights normalised to sum to the battles used). */
export function weightedFit(
  ob: OpenedBattles,
  sel: { idx: Int32Array; w: Float64Array },
  ridge: number,
): { theta: Float64Array; votes: Float64Array; pairs: PairStats; kish: number } {
  const M = ob.models.length;
  const wins = new Float64Array(M * M);
  const total = new Float64Array(M * M);
  const votes = new Float64Array(M);
  let sum = 0;
  for (const x of sel.w) sum += x;
  const norm = sum > 0 ? sel.idx.length / sum : 0;
  for (let k = 0; k < sel.idx.length; k++) {
    const i = sel.idx[k]!;
    const a = ob.a[i]!;
    const b = ob.b[i]!;
    if (a === b) continue;
    const w = sel.w[k]! * norm;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const sLo = a === lo ? ob.s[i]! : 1 - ob.s[i]!;
    wins[lo * M + hi]! += w * sLo;
    total[lo * M + hi]! += w;
    votes[a]! += w;
    votes[b]! += w;
  }
  const pi: number[] = [];
  const pj: number[] = [];
  const pw: number[] = [];
  const pt: number[] = [];
  for (let i = 0; i < M; i++) {
    for (let j = i + 1; j < M; j++) {
      if (total[i * M + j]! > 0) {
        pi.push(i);
        pj.push(j);
        pw.push(wins[i * M + j]!);
        pt.push(total[i * M + j]!);
      }
    }
  }
  const pairs: PairStats = {
    nModels: M,
    length: pi.length,
    i: Int32Array.from(pi),
    j: Int32Array.from(pj),
    wins: Float64Array.from(pw),
    total: Float64Array.from(pt),
  };
  // Kish's effective sample size over the used battles, as a share of their count: the information the weighted
  // battles really carry (for the board's intervals; the fit itself uses the normalised weights).
  let sw2 = 0;
  for (const x of sel.w) sw2 += x * x;
  const kish = sum > 0 && sw2 > 0 ? (sum * sum) / sw2 / sel.idx.length : 0;
  if (M === 0 || pairs.length === 0) return { theta: new Float64Array(M), votes, pairs, kish };
  return { theta: fitBT(pairs, { ridge: Math.max(ridge, 1e-6), tol: 1e-8, maxIter: 50 }).theta, votes, pairs, kish };
}

/**
 * Indices of the k largest values, in index order; ties at the cut keep the lower indices, so the choice does not
 * depend on the engine. O(n) expected: quickselect finds the cut value on a copy.
 */
export function topK(values: Float64Array, k: number): Int32Array {
  const n = values.length;
  const a = Float64Array.from(values);
  // Quickselect for the k-th largest (position k−1 in descending order).
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  const cut = a[target]!;
  let above = 0;
  for (let i = 0; i < n; i++) if (values[i]! > cut) above++;
  let ties = k - above;
  const out = new Int32Array(k);
  let o = 0;
  for (let i = 0; i < n && o < k; i++) {
    const v = values[i]!;
    if (v > cut || (v === cut && ties-- > 0)) out[o++] = i;
  }
  return out;
}

/** The per-prompt leaderboard: every stored model, best first (ties by name). */
export function promptBoard(
  ob: OpenedBattles,
  embedding: Float32Array,
  w: Weighting,
  ridge: number,
): PromptBoardEntry[] {
  const { theta, votes, pairs, kish } = weightedFit(ob, battleWeights(ob, embedding, w), ridge);
  const M = ob.models.length;
  // Approximate 95% intervals (the "for my prompt" box shows them): the inverse Hessian of the penalised weighted log-likelihood, with the data part
  // scaled to Kish's effective sample size (weighted battles are fewer independent votes than their count).
  const H = new Float64Array(M * M);
  for (let p = 0; p < pairs.length; p++) {
    const i = pairs.i[p]!;
    const j = pairs.j[p]!;
    const pr = 1 / (1 + Math.exp(theta[j]! - theta[i]!));
    const h = kish * pairs.total[p]! * pr * (1 - pr);
    H[i * M + i]! += h;
    H[j * M + j]! += h;
    H[i * M + j]! -= h;
    H[j * M + i]! -= h;
  }
  for (let m = 0; m < M; m++) H[m * M + m]! += Math.max(ridge, 1e-6);
  const cov = M > 0 ? spdInverse(H, M) : null;
  // The common level of θ is fixed only by the ridge: intervals are for centred θ (P·cov·P, P = I − 11ᵀ/M).
  const rowMean = new Float64Array(M);
  let allMean = 0;
  if (cov) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < M; j++) rowMean[i]! += cov[i * M + j]! / M;
      allMean += rowMean[i]! / M;
    }
  }
  const z = normalQuantile(0.975);
  const entries = ob.models.map((model, m) => {
    let wr = 0;
    for (let o = 0; o < M; o++) if (o !== m) wr += 1 / (1 + Math.exp(theta[o]! - theta[m]!));
    const rating = RATING_CENTRE + POINTS_PER_LOGIT * theta[m]!;
    const half = cov
      ? z * POINTS_PER_LOGIT * Math.sqrt(Math.max(0, cov[m * M + m]! - 2 * rowMean[m]! + allMean))
      : Infinity;
    return {
      model,
      theta: theta[m]!,
      rating,
      lower: rating - half,
      upper: rating + half,
      winRate: M > 1 ? wr / (M - 1) : 0.5,
      votes: votes[m]! * kish,
    };
  });
  return entries.sort((x, y) => y.theta - x.theta || (x.model < y.model ? -1 : 1));
}

/** P(strong preferred) from the weighted fit: σ(θ_strong − θ_weak); ½ when either model is absent. */
export function pairProbability(ob: OpenedBattles, theta: Float64Array, strong: string, weak: string): number {
  const s = ob.models.indexOf(strong);
  const w = ob.models.indexOf(weak);
  if (s < 0 || w < 0) return 0.5;
  return 1 / (1 + Math.exp(theta[w]! - theta[s]!));
}

/**
 * The cost-aware pick: among `board`'s models with a known price ≤ maxCost (USD per 1M output tokens), the best
 * predicted win rate; null when none is affordable. Models missing from `prices` are never picked.
 */
export function pickModel(
  board: readonly PromptBoardEntry[],
  prices: Readonly<Record<string, number>>,
  maxCost: number = Infinity,
  active?: ReadonlySet<string>,
): PromptBoardEntry | null {
  let best: PromptBoardEntry | null = null;
  for (const e of board) {
    const price = prices[e.model];
    if (price === undefined || !(price <= maxCost)) continue;
    if (active && !active.has(e.model)) continue;
    if (!best || e.winRate > best.winRate || (e.winRate === best.winRate && e.model < best.model)) best = e;
  }
  return best;
}
