// The pair of an anonymous battle (DESIGN sections 5 and 14) under the operator's policy: `weighted` (the models'
// sampling weights, shared/battle/sampling.ts) or `active` (the Chatbot Arena paper's rule with a floor,
// shared/battle/active-sampling.ts, on the counts the cron published). Either way the shown pair's probability is
// recorded with the vote, so inverse-probability weighting (`--ipw`) stays correct. Also what /api/transparency
// publishes as the current sampling.
import { db } from "../../d1/queries";
import { getSamplingPolicy, type SamplingPolicyRow } from "../../d1/sampling";
import { activePairProbabilities, sampleActivePair } from "../../shared/battle/active-sampling";
import { readPairCounts } from "../../shared/battle/pair-counts";
import { pairProbabilities, samplePair, type SampledPair, type SamplingOptions } from "../../shared/battle/sampling";
import type { ModelRecord } from "../../shared/models";

export interface Sampling {
  policy: SamplingPolicyRow;
  /** The snapshot whose counts active sampling used (null: weighted, or none published yet). */
  snapshot: string | null;
  pairs: { a: string; b: string; probability: number; n?: number }[];
}

async function activeCounts(env: Env) {
  return (await readPairCounts(env.STORE)) ?? { snapshot: null, pairs: [] };
}

export async function sampleAnonymousPair(
  env: Env,
  candidates: readonly ModelRecord[],
  o: SamplingOptions,
): Promise<SampledPair | null> {
  const policy = await getSamplingPolicy(db(env.DB));
  if (policy.policy === "weighted") return samplePair(candidates, o);
  const counts = await activeCounts(env);
  return sampleActivePair(candidates, counts.pairs, o, { floor: policy.floor });
}

/** Every pair the next anonymous battle can show with its probability under the current policy. */
export async function currentSampling(
  env: Env,
  candidates: readonly ModelRecord[],
  o: SamplingOptions,
): Promise<Sampling> {
  const policy = await getSamplingPolicy(db(env.DB));
  if (policy.policy === "weighted") return { policy, snapshot: null, pairs: pairProbabilities(candidates, o) };
  const counts = await activeCounts(env);
  const pairs = activePairProbabilities(candidates, counts.pairs, o, { floor: policy.floor });
  return {
    policy,
    snapshot: counts.snapshot,
    pairs: pairs.map(({ a, b, probability, n }) => ({ a, b, probability, n })),
  };
}
