// The winner's curse of a released model (DESIGN section 14, issue 16): a provider that tested k private variants of
// a line and released the best-looking one published a rating that choosing the best of k inflated. For each
// released model whose line had k ≥ 2 variants with private results, the estimate of shared/ratings/winners-curse.ts
// from the variants' last private-results placements (overall board: rating and interval). Published at
// /api/transparency and next to the model on /leaderboard. The variants' own estimates stay private (they are
// their providers' private results): only k, the inflation and its standard error are shown.
import { z } from "@hono/zod-openapi";
import type { ModelRecord } from "../models";
import { winnersCurse } from "../ratings/winners-curse";

export const WinnersCurseEntry = z
  .object({
    model: z.string().openapi({ description: "The released model" }),
    family: z.string(),
    k: z
      .number()
      .int()
      .openapi({ description: "Variants of the line with private results, the released one included" }),
    inflation: z.number().openapi({ description: "Estimated points the best-of-k choice added to its rating" }),
    se: z.number().nullable(),
    releasedWasBest: z.boolean().openapi({ description: "The released variant had the best private estimate" }),
    method: z.string(),
  })
  .openapi("WinnersCurse");
export type WinnersCurseEntry = z.infer<typeof WinnersCurseEntry>;

/** A variant's last private-results placement on the overall board. */
export interface PrivateEstimate {
  rating: number;
  ci: [number, number] | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function winnersCurses(
  models: readonly ModelRecord[],
  estimates: ReadonlyMap<string, PrivateEstimate>,
): WinnersCurseEntry[] {
  // Variants: models tested privately (a test period), grouped by owner and line.
  const lines = new Map<string, ModelRecord[]>();
  for (const m of models) {
    if (!m.family || !m.testingStartedAt || !estimates.has(m.id)) continue;
    const key = `${m.ownerId ?? m.organization}\u0000${m.family}`;
    lines.set(key, [...(lines.get(key) ?? []), m]);
  }
  const out: WinnersCurseEntry[] = [];
  for (const variants of lines.values()) {
    if (variants.length < 2) continue;
    for (const released of variants.filter((m) => m.visibility === "public" && m.releasedAt)) {
      const result = winnersCurse(
        variants.map((v) => ({ id: v.id, estimate: estimates.get(v.id)!.rating, ci: estimates.get(v.id)!.ci })),
        released.id,
        { seed: released.id, rounds: 2000, bootstrapRounds: 200 },
      );
      out.push({
        model: released.id,
        family: released.family!,
        k: result.k,
        inflation: round2(result.inflation),
        se: result.se === null ? null : round2(result.se),
        releasedWasBest: result.releasedIsBest,
        method: result.method,
      });
    }
  }
  return out.sort((a, b) => (a.model < b.model ? -1 : 1));
}
