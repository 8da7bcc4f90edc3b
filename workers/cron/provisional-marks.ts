// The provider rule of `provisional` (issue 7, shared/accounts/provisional.ts): a public model whose provider tested many
// private variants in parallel is marked provisional on every board until it has enough post-release votes.
// The boards themselves are exactly what the ratings CLI computes from the export; these marks come from data the
// export does not carry (providers, testing periods), so the snapshot lists them in `method.provisionalRule` and a
// reproduction applies them on top (README "Leaderboard and ratings").
import { postReleaseVotes } from "../../d1/providers";
import type { Db } from "../../d1/queries";
import type { ModelRecord } from "../../shared/models";
import {
  isProvisional,
  provisionalInputs,
  testPeriod,
  type ProvisionalPolicy,
  type TestPeriod,
} from "../../shared/accounts/provisional";
import type { LeaderboardJson } from "../../shared/ratings/leaderboard";

/** Public models the rule marks now, sorted. */
export async function provisionalModels(
  d: Db,
  models: readonly ModelRecord[],
  policy: ProvisionalPolicy,
  now: number,
): Promise<string[]> {
  const owned = models.filter((m) => m.ownerId);
  if (!owned.some((m) => m.visibility === "public")) return [];
  const periods = new Map<string, TestPeriod[]>();
  for (const m of owned) {
    const p = testPeriod(m);
    if (p) periods.set(m.ownerId!, [...(periods.get(m.ownerId!) ?? []), p]);
  }
  const votes = await postReleaseVotes(d);
  return owned
    .filter((m) => m.visibility === "public")
    .filter((m) =>
      isProvisional(provisionalInputs(m, periods.get(m.ownerId!) ?? [], votes.get(m.id) ?? 0, policy, now), policy),
    )
    .map((m) => m.id)
    .sort();
}

/** Marks the models on every board (raw and style-controlled) and records the rule and the list in `method`. */
export function applyProvisionalMarks(json: LeaderboardJson, marked: readonly string[], policy: ProvisionalPolicy) {
  if (marked.length === 0) return;
  const set = new Set(marked);
  for (const board of Object.values(json.categories)) {
    for (const m of [...board.models, ...(board.styleControl?.models ?? [])]) {
      if (set.has(m.model)) (m as { provisional?: true }).provisional = true;
    }
  }
  json.method.provisionalRule = { ...policy, models: [...marked] };
}
