// BenchBuilder-lite (DESIGN section 13, docs/judge.md "arena-hard-live"): the `arena-hard-live-<date>` suite from the
// arena's own consented hard prompts, after Arena-Hard-Auto's BenchBuilder (topic clusters over prompt embeddings,
// clusters scored by the hardness of their prompts, two prompts from each high-scoring cluster). Pure and
// deterministic for a seed: the service (workers/edge/live-suite.ts) reads the candidates and stores the result.
//
// Steps: (1) dedupe — exact after normalisation (case, whitespace, punctuation), then near-duplicates by cosine on the
// candidates' embeddings (the first of a group in id order is kept), then against the static suites' prompts
// (normalised text, and cosine on the offline hashed embedding, which is lexical and needs no network);
// (2) cluster — seeded spherical k-means (k-means++ start) with k = round(sqrt(n / 2)) clamped to [1, maxClusters];
// (3) score each cluster by the mean hardness of its prompts; keep clusters with at least 2 prompts and a score of at
// least `minClusterScore`, best first, at most `maxClusters`; (4) take the 2 prompts of each kept cluster closest to
// its centroid (most representative; ties by hardness, then id).
import { Rng } from "../ratings/rng";
import { dot, hashedEmbedding } from "../routing/embedding";
import type { Suite, SuiteQuestion } from "./types";

export interface Candidate {
  /** Stable id (e.g. the battle id); also the tie-breaker. */
  id: string;
  /** The prompt (first user turn). */
  text: string;
  /** L2-normalised prompt embedding (all candidates from the same embedder). */
  embedding: ArrayLike<number>;
  /** Hardness in [0, 1]: the share of the hard-prompt criteria met (1 when only the label is known). */
  hardScore: number;
}

export interface BenchBuilderOptions {
  /** UTC day, YYYY-MM-DD: the suite is `arena-hard-live-<date>`. */
  date: string;
  seed?: number;
  /** Prompts of other suites the live one must not repeat (arena-hard-v0.1, mt-bench). */
  exclude?: readonly string[];
  /** Cosine at or above which two prompts are near-duplicates. Default 0.95. */
  nearDuplicate?: number;
  /** Cosine (hashed lexical embedding) at or above which a prompt repeats an excluded one. Default 0.9. */
  excludeNearDuplicate?: number;
  /** Cap on k and on the clusters kept. Default 50 (100 questions). */
  maxClusters?: number;
  /** A cluster's mean hardness needed to keep it. Default 0.7 (5 of the 7 criteria). */
  minClusterScore?: number;
  /** Provenance recorded in the suite. */
  provenance?: Record<string, unknown>;
}

export const PER_CLUSTER = 2;

export interface LiveSuite extends Suite {
  provenance: {
    builder: "bench-builder-lite/v1";
    date: string;
    seed: number;
    k: number;
    counts: {
      candidates: number;
      exactDuplicates: number;
      nearDuplicates: number;
      excluded: number;
      pool: number;
      clusters: number;
      keptClusters: number;
      questions: number;
    };
    clusters: { cluster: string; size: number; score: number }[];
    [extra: string]: unknown;
  };
}

export const LIVE_SUITE_PREFIX = "arena-hard-live-";
export const LIVE_SUITE_NAME = /^arena-hard-live-(\d{4}-\d{2}-\d{2})$/;

export const liveSuiteName = (date: string) => `${LIVE_SUITE_PREFIX}${date}`;

/** Text as the exact dedupe compares it: lower case, punctuation dropped, whitespace collapsed. */
export function normalisePrompt(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** k for a pool of n prompts: round(sqrt(n / 2)), at least 1, at most `max` and n / 2 (a cluster must give 2). */
export function chooseK(n: number, max: number): number {
  if (n < PER_CLUSTER) return 0;
  return Math.max(1, Math.min(max, Math.floor(n / PER_CLUSTER), Math.round(Math.sqrt(n / 2))));
}

function normalised(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v as ArrayLike<number>);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i]! * out[i]!;
  if (s > 0) {
    const k = 1 / Math.sqrt(s);
    for (let i = 0; i < out.length; i++) out[i]! *= k;
  }
  return out;
}

/** Seeded spherical k-means (cosine), k-means++ start; returns each point's cluster and the centroids. */
export function kMeans(
  points: readonly Float32Array[],
  k: number,
  seed: number,
  iterations = 30,
): { assign: number[]; centroids: Float32Array[] } {
  const n = points.length;
  if (n === 0 || k <= 0) return { assign: [], centroids: [] };
  const rng = Rng.fromKey(`bench-builder|${seed}|${n}|${k}`);
  const centroids: Float32Array[] = [points[Math.floor(rng.next() * n)]!.slice()];
  const best = points.map((p) => 1 - dot(p, centroids[0]!));
  while (centroids.length < k) {
    const total = best.reduce((a, b) => a + Math.max(0, b), 0);
    let pick = 0;
    if (total > 0) {
      let r = rng.next() * total;
      for (pick = 0; pick < n - 1; pick++) {
        r -= Math.max(0, best[pick]!);
        if (r < 0) break;
      }
    } else pick = Math.floor(rng.next() * n);
    const c = points[pick]!.slice();
    centroids.push(c);
    for (let i = 0; i < n; i++) best[i] = Math.min(best[i]!, 1 - dot(points[i]!, c));
  }
  const dim = points[0]!.length;
  let assign = new Array<number>(n).fill(-1);
  for (let it = 0; it < iterations; it++) {
    const next = points.map((p) => {
      let bi = 0;
      let bs = -Infinity;
      for (let j = 0; j < centroids.length; j++) {
        const s = dot(p, centroids[j]!);
        if (s > bs) [bs, bi] = [s, j];
      }
      return bi;
    });
    const changed = next.some((c, i) => c !== assign[i]);
    assign = next;
    if (!changed) break;
    for (let j = 0; j < centroids.length; j++) {
      const sum = new Float32Array(dim);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (assign[i] !== j) continue;
        count++;
        for (let d = 0; d < dim; d++) sum[d]! += points[i]![d]!;
      }
      // An emptied cluster keeps its centroid (it stays empty and is dropped later).
      if (count > 0) centroids[j] = normalised(sum);
    }
  }
  return { assign, centroids };
}

/** The arena-hard-live suite from the candidates. Pure; the same input and seed give the same suite. */
export function buildLiveSuite(candidates: readonly Candidate[], opts: BenchBuilderOptions): LiveSuite {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new Error(`bench-builder: date ${opts.date} is not YYYY-MM-DD`);
  const seed = opts.seed ?? 0;
  const nearDup = opts.nearDuplicate ?? 0.95;
  const excludeNear = opts.excludeNearDuplicate ?? 0.9;
  const maxClusters = opts.maxClusters ?? 50;
  const minScore = opts.minClusterScore ?? 0.7;

  // (1) dedupe, in id order so the kept one of a group does not depend on the input order.
  const sorted = [...candidates]
    .filter((c) => c.text.trim() !== "")
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seenText = new Set<string>();
  let exactDuplicates = 0;
  const unique: { c: Candidate; v: Float32Array; norm: string }[] = [];
  for (const c of sorted) {
    const norm = normalisePrompt(c.text);
    if (seenText.has(norm)) {
      exactDuplicates++;
      continue;
    }
    seenText.add(norm);
    unique.push({ c, v: normalised(c.embedding), norm });
  }
  let nearDuplicates = 0;
  const distinct: typeof unique = [];
  for (const u of unique) {
    if (distinct.some((d) => dot(d.v, u.v) >= nearDup)) {
      nearDuplicates++;
      continue;
    }
    distinct.push(u);
  }
  const excludeNorm = new Set((opts.exclude ?? []).map(normalisePrompt));
  const excludeVecs = (opts.exclude ?? []).map((t) => hashedEmbedding(t));
  let excluded = 0;
  const pool = distinct.filter((u) => {
    const lexical = hashedEmbedding(u.c.text);
    const hit = excludeNorm.has(u.norm) || excludeVecs.some((e) => dot(e, lexical) >= excludeNear);
    if (hit) excluded++;
    return !hit;
  });

  // (2) cluster.
  const k = chooseK(pool.length, maxClusters);
  const { assign, centroids } = kMeans(
    pool.map((p) => p.v),
    k,
    seed,
  );

  // (3) score clusters; (4) two per kept cluster.
  const clusters = centroids.map((centroid, j) => {
    const members = pool.filter((_, i) => assign[i] === j);
    const score = members.length ? members.reduce((a, m) => a + m.c.hardScore, 0) / members.length : 0;
    return { j, centroid, members, score };
  });
  const scored = clusters
    .filter((c) => c.members.length > 0)
    .map((c) => ({ ...c, firstId: [...c.members].sort((a, b) => (a.c.id < b.c.id ? -1 : 1))[0]!.c.id }))
    .sort((a, b) => b.score - a.score || b.members.length - a.members.length || (a.firstId < b.firstId ? -1 : 1));
  const kept = scored.filter((c) => c.members.length >= PER_CLUSTER && c.score >= minScore).slice(0, maxClusters);
  const questions: SuiteQuestion[] = [];
  const summary: LiveSuite["provenance"]["clusters"] = [];
  kept.forEach((c, rank) => {
    const cluster = `live-${rank + 1}`;
    const picks = [...c.members]
      .map((m) => ({ m, sim: dot(m.v, c.centroid) }))
      .sort((a, b) => b.sim - a.sim || b.m.c.hardScore - a.m.c.hardScore || (a.m.c.id < b.m.c.id ? -1 : 1))
      .slice(0, PER_CLUSTER);
    for (const { m } of picks) questions.push({ id: m.c.id, category: "arena-hard-live", cluster, turns: [m.c.text] });
    summary.push({ cluster, size: c.members.length, score: Math.round(c.score * 1000) / 1000 });
  });

  return {
    suite: liveSuiteName(opts.date),
    version: 1,
    kind: "single",
    turns: 1,
    questions,
    provenance: {
      ...opts.provenance,
      builder: "bench-builder-lite/v1",
      date: opts.date,
      seed,
      k,
      counts: {
        candidates: candidates.length,
        exactDuplicates,
        nearDuplicates,
        excluded,
        pool: pool.length,
        clusters: scored.length,
        keptClusters: kept.length,
        questions: questions.length,
      },
      clusters: summary,
    },
  };
}
