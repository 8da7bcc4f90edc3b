// BenchBuilder-lite (shared/judge/bench-builder.ts) on synthetic embeddings: clusters recovered, duplicates removed,
// two prompts per kept cluster, the static suites' prompts excluded, deterministic for a seed.
import { describe, expect, it } from "vitest";
import { buildLiveSuite, chooseK, kMeans, normalisePrompt, type Candidate } from "../../shared/judge/bench-builder";
import { Rng } from "../../shared/ratings/rng";
import { loadSuite } from "../../shared/judge/suites";

const DIM = 16;

/** A unit vector near axis `axis` (noise `eps`). */
function near(axis: number, rng: Rng, eps = 0.6): Float32Array {
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = (rng.next() - 0.5) * eps;
  v[axis]! += 1;
  let s = 0;
  for (const x of v) s += x * x;
  return v.map((x) => x / Math.sqrt(s));
}

/** `clusters` topics of `size` prompts; topic t has hardness hard[t]. */
function pool(clusters: number, size: number, hard: (t: number) => number, seed = 1): Candidate[] {
  const rng = new Rng(seed);
  const out: Candidate[] = [];
  for (let t = 0; t < clusters; t++)
    for (let i = 0; i < size; i++)
      out.push({
        id: `t${t}-p${String(i).padStart(2, "0")}`,
        text: `topic ${t} question number ${i} zq${t * 100 + i}`,
        embedding: near(t, rng),
        hardScore: hard(t),
      });
  return out;
}

describe("bench builder", () => {
  it("chooses k from the pool size", () => {
    expect(chooseK(0, 50)).toBe(0);
    expect(chooseK(1, 50)).toBe(0);
    expect(chooseK(2, 50)).toBe(1);
    expect(chooseK(50, 50)).toBe(5);
    expect(chooseK(200, 50)).toBe(10);
    expect(chooseK(1_000_000, 50)).toBe(50);
  });

  it("recovers well-separated clusters", () => {
    const c = pool(4, 8, () => 1);
    const { assign } = kMeans(
      c.map((x) => Float32Array.from(x.embedding)),
      4,
      0,
    );
    for (let t = 0; t < 4; t++) {
      const labels = new Set(assign.slice(t * 8, t * 8 + 8));
      expect(labels.size).toBe(1);
    }
    expect(new Set(assign).size).toBe(4);
  });

  it("keeps the hard clusters, two prompts each, from one cluster each", () => {
    // 6 topics of 12 prompts: n = 72, k = round(sqrt(36)) = 6; the even topics are hard.
    const c = pool(6, 12, (t) => (t % 2 === 0 ? 0.9 : 0.3));
    const s = buildLiveSuite(c, { date: "2026-12-04", seed: 3 });
    expect(s.suite).toBe("arena-hard-live-2026-12-04");
    expect(s.kind).toBe("single");
    expect(s.provenance.k).toBe(6);
    expect(s.provenance.counts.keptClusters).toBe(3);
    expect(s.questions).toHaveLength(6);
    const byCluster = new Map<string, string[]>();
    for (const q of s.questions) byCluster.set(q.cluster!, [...(byCluster.get(q.cluster!) ?? []), q.id]);
    expect([...byCluster.values()].every((ids) => ids.length === 2)).toBe(true);
    // Each kept cluster is one topic, and a hard one.
    for (const ids of byCluster.values()) {
      const topics = new Set(ids.map((id) => id.split("-")[0]));
      expect(topics.size).toBe(1);
      expect(Number([...topics][0]!.slice(1)) % 2).toBe(0);
    }
  });

  it("removes exact, normalised and near duplicates", () => {
    const c = pool(2, 6, () => 1);
    const base = c[0]!;
    const dupes: Candidate[] = [
      { ...base, id: "z-exact", embedding: near(10, new Rng(9)) },
      { ...base, id: "z-norm", text: `  ${base.text.toUpperCase()}?! `, embedding: near(11, new Rng(9)) },
      { ...base, id: "z-near", text: "entirely different words here", embedding: base.embedding },
    ];
    const s = buildLiveSuite([...c, ...dupes], { date: "2026-12-04", minClusterScore: 0 });
    expect(s.provenance.counts.exactDuplicates).toBe(2);
    expect(s.provenance.counts.nearDuplicates).toBe(1);
    expect(s.provenance.counts.pool).toBe(12);
    expect(s.questions.map((q) => q.id)).not.toContain("z-exact");
    expect(normalisePrompt(" A,  b! ")).toBe("a b");
  });

  it("drops prompts of the static suites (exact and lexical near-duplicates)", () => {
    const ah = loadSuite("arena-hard-v0.1")!.questions.map((q) => q.turns[0]!);
    const mt = loadSuite("mt-bench")!.questions.map((q) => q.turns[0]!);
    const c = pool(2, 6, () => 1);
    const rng = new Rng(5);
    const copies: Candidate[] = [
      { id: "a-copy", text: ah[0]!, embedding: near(0, rng), hardScore: 1 },
      { id: "a-copy2", text: `${mt[3]!} Thanks.`, embedding: near(1, rng), hardScore: 1 },
    ];
    const s = buildLiveSuite([...c, ...copies], {
      date: "2026-12-04",
      exclude: [...ah, ...mt],
      nearDuplicate: 0.9999,
      minClusterScore: 0,
    });
    expect(s.provenance.counts.excluded).toBe(2);
    const texts = new Set([...ah, ...mt].map(normalisePrompt));
    expect(s.questions.some((q) => texts.has(normalisePrompt(q.turns[0]!)))).toBe(false);
    expect(s.questions.map((q) => q.id)).not.toContain("a-copy");
  });

  it("is deterministic for a seed and independent of input order", () => {
    const c = pool(5, 10, (t) => 0.5 + t * 0.1, 7);
    const a = buildLiveSuite(c, { date: "2026-12-04", seed: 11, minClusterScore: 0 });
    const b = buildLiveSuite([...c].reverse(), { date: "2026-12-04", seed: 11, minClusterScore: 0 });
    expect(b).toEqual(a);
    expect(() => buildLiveSuite(c, { date: "2026-12" })).toThrow(/YYYY-MM-DD/);
    expect(buildLiveSuite([], { date: "2026-12-04" }).questions).toEqual([]);
  });
});
