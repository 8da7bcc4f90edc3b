// Pair sampling for anonymous battles (DESIGN section 5 and invariant 4). The first model is drawn in proportion to
// its weight, the second in proportion to weight among the models allowed to face the first (never two private
// models together). The probability of the unordered pair actually shown is recorded with every vote so the
// ratings engine can re-weight by inverse probability (`--ipw`). Sides A/B are then a fair coin.
import type { ModelRecord } from "../models";

export interface SamplingOptions {
  now: number;
  /** Weight multiplier for models added recently. */
  newModelBoost: number;
  newModelBoostDays: number;
  /** Uniform [0, 1) source; injectable for tests. */
  random?: () => number;
}

export interface SampledPair {
  a: ModelRecord;
  b: ModelRecord;
  /** P(this unordered pair is the one shown), under the weights at sampling time. */
  probability: number;
}

const DAY_MS = 86_400_000;

export function effectiveWeight(m: ModelRecord, o: SamplingOptions): number {
  const isNew = o.now - m.createdAt < o.newModelBoostDays * DAY_MS;
  return Math.max(0, m.samplingWeight) * (isNew ? o.newModelBoost : 1);
}

const canPair = (x: ModelRecord, y: ModelRecord) =>
  x.id !== y.id && !(x.visibility === "private" && y.visibility === "private");

/** P(first = x, second = y) for a given list of weighted candidates. */
function orderedProbability(x: number, y: number, w: number[], pool: ModelRecord[], total: number): number {
  const partners = pool.reduce((s, m, k) => s + (canPair(pool[x]!, m) ? w[k]! : 0), 0);
  if (total <= 0 || partners <= 0) return 0;
  return (w[x]! / total) * (w[y]! / partners);
}

function draw(weights: number[], random: () => number): number {
  const total = weights.reduce((s, w) => s + w, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0 && weights[i]! > 0) return i;
  }
  // Floating-point leftovers: the last candidate with a positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
  return -1;
}

/** Returns null when no valid pair exists (fewer than two usable models). */
export function samplePair(candidates: readonly ModelRecord[], o: SamplingOptions): SampledPair | null {
  const random = o.random ?? Math.random;
  // A model with no possible partner can never be shown; leave it out so it does not distort the first draw.
  const pool = candidates.filter((m) => effectiveWeight(m, o) > 0);
  const usable = pool.filter((m) => pool.some((p) => canPair(m, p)));
  const w = usable.map((m) => effectiveWeight(m, o));
  const total = w.reduce((s, x) => s + x, 0);
  const i = draw(w, random);
  if (i < 0) return null;
  const partnerWeights = usable.map((m, k) => (canPair(usable[i]!, m) ? w[k]! : 0));
  const j = draw(partnerWeights, random);
  if (j < 0) return null;
  // Clamped: floating-point sums can land a hair above 1 when only two models are usable.
  const probability = Math.min(
    1,
    orderedProbability(i, j, w, usable, total) + orderedProbability(j, i, w, usable, total),
  );
  const flip = random() < 0.5;
  const [a, b] = flip ? [usable[j]!, usable[i]!] : [usable[i]!, usable[j]!];
  return { a, b, probability };
}

/**
 * Every unordered pair the next anonymous battle can show, with its probability under `samplePair`'s rules (the
 * transparency report's "current sampling weights"). The probabilities sum to 1 when a pair exists.
 */
export function pairProbabilities(
  candidates: readonly ModelRecord[],
  o: SamplingOptions,
): { a: string; b: string; probability: number }[] {
  const pool = candidates.filter((m) => effectiveWeight(m, o) > 0);
  const usable = pool.filter((m) => pool.some((p) => canPair(m, p)));
  const w = usable.map((m) => effectiveWeight(m, o));
  const total = w.reduce((s, x) => s + x, 0);
  const out: { a: string; b: string; probability: number }[] = [];
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      if (!canPair(usable[i]!, usable[j]!)) continue;
      const probability = orderedProbability(i, j, w, usable, total) + orderedProbability(j, i, w, usable, total);
      if (probability > 0) out.push({ a: usable[i]!.id, b: usable[j]!.id, probability });
    }
  }
  return out;
}
