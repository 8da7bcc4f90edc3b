// What active sampling (./active-sampling.ts, DESIGN section 14) needs to know about the arena, published by the
// cron after each snapshot (R2 `sampling/pairs.json`) and read by the edge when it samples an anonymous battle and
// by /api/transparency: every pair's recorded anonymous battles (either orientation, private models included, so a
// model in testing is not mistaken for one never shown) and its per-vote variance from the snapshot's overall
// ratings (at p = ½ when a side is not on the board).
import { pairVarianceFromRatings, type PairCount } from "./active-sampling";

export const PAIR_COUNTS_KEY = "sampling/pairs.json";

export interface PairCountsFile {
  /** The leaderboard snapshot whose ratings gave the variances. */
  snapshot: string;
  generatedAt: string;
  pairs: PairCount[];
}

export function buildPairCounts(
  battles: readonly { model_a: string; model_b: string; battles: number }[],
  ratings: ReadonlyMap<string, number>,
): PairCount[] {
  const byPair = new Map<string, PairCount>();
  for (const r of battles) {
    const [a, b] = r.model_a < r.model_b ? [r.model_a, r.model_b] : [r.model_b, r.model_a];
    const key = `${a}\u0000${b}`;
    const c = byPair.get(key) ?? { a, b, n: 0 };
    c.n += r.battles;
    byPair.set(key, c);
  }
  for (const c of byPair.values()) {
    const [ra, rb] = [ratings.get(c.a), ratings.get(c.b)];
    if (ra !== undefined && rb !== undefined) c.variance = pairVarianceFromRatings(ra, rb);
  }
  return [...byPair.values()].sort((x, y) => (x.a < y.a ? -1 : x.a > y.a ? 1 : x.b < y.b ? -1 : 1));
}

/** The counts as published, or null when none were (or the object is not this shape: sampled as never shown). */
export async function readPairCounts(store: R2Bucket): Promise<PairCountsFile | null> {
  const object = await store.get(PAIR_COUNTS_KEY);
  if (!object) return null;
  const json = (await object.json()) as Partial<PairCountsFile>;
  return Array.isArray(json?.pairs) && typeof json.snapshot === "string" ? (json as PairCountsFile) : null;
}
