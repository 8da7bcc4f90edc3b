// FastChat's deduplication (fastchat/serve/monitor/deduplication.py), pure parts: the percentile of prompt
// frequencies and the deterministic sample. A prompt (the user turns, see shared/categories dedupKey) asked more
// often than the 99.9th percentile of prompt counts is "high frequency"; only floor(cutoff) of its battles stay in the
// `dedup` view, chosen by a hash of (prompt, battle id) rather than a random draw, so every run picks the same ones.
import { fnv1a } from "../../core/random";

export const DEDUP_PERCENTILE = 0.999;

/**
 * The q-quantile of the prompt counts, with linear interpolation between order statistics (pandas' default), from a
 * histogram: count → number of distinct prompts with that count.
 */
export function quantileFromHistogram(histogram: ReadonlyArray<{ count: number; prompts: number }>, q: number): number {
  const sorted = [...histogram].filter((h) => h.prompts > 0).sort((a, b) => a.count - b.count);
  const n = sorted.reduce((s, h) => s + h.prompts, 0);
  if (n === 0) return 0;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const valueAt = (rank: number) => {
    let seen = 0;
    for (const bin of sorted) {
      seen += bin.prompts;
      if (rank < seen) return bin.count;
    }
    return sorted[sorted.length - 1]!.count;
  };
  const a = valueAt(lo);
  const b = valueAt(Math.min(n - 1, lo + 1));
  return a + (h - lo) * (b - a);
}

/** The battles of one high-frequency prompt that stay in the sample: the floor(cutoff) lowest hashes. */
export function sampleBattles(promptHash: string, battleIds: readonly string[], cutoff: number): Set<string> {
  const keep = Math.max(0, Math.floor(cutoff));
  const ranked = battleIds
    .map((id) => ({ id, h: fnv1a(`${promptHash}\u0000${id}`) }))
    .sort((x, y) => x.h - y.h || (x.id < y.id ? -1 : 1));
  return new Set(ranked.slice(0, keep).map((r) => r.id));
}
