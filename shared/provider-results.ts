// Private results of a provider's model (DESIGN section 4b, issue 7): the JSON document the cron writes to D1
// `provider_model_results` (contract: docs/provider-results.md) and the response of
// GET /v1/provider/models/:id/results. One zod schema serves the route, its tests and the cron's own check.
import { z } from "@hono/zod-openapi";

export const PRIVATE_RESULTS_SCHEMA = "arena-private-results/v1";

const count = z.number().int().min(0);
const Interval = z
  .tuple([z.number(), z.number()])
  .nullable()
  .openapi({ description: "Percentile bootstrap interval (null without bootstrap)" });

const Placement = z.object({
  rating: z.number(),
  ci: Interval,
  rank: z.number().int().min(1).openapi({
    description: "1 + public models whose lower bound is above this model's upper bound (DESIGN section 6)",
  }),
});

export const BoardResult = Placement.extend({
  battles: count.openapi({ description: "Battles on the board: the public field's plus this model's" }),
  publicModels: count.openapi({ description: "Size of the public field ranked against" }),
  votes: count.openapi({ description: "This model's battles on the board" }),
  winRate: z.number().min(0).max(1).nullable().openapi({ description: "Share of its non-tie battles it won" }),
  styleControl: Placement.optional().openapi({ description: "The same placement on the style-controlled board" }),
}).openapi("PrivateBoardResult");

export const OpponentResult = z
  .object({
    model: z.string().openapi({ description: "A public model's id" }),
    battles: count,
    wins: count,
    losses: count,
    ties: count.openapi({ description: "Both tie kinds" }),
    winRate: z.number().min(0).max(1).nullable().openapi({ description: "wins / (wins + losses)" }),
  })
  .openapi("OpponentResult");

export const VoteCounts = z
  .object({
    total: count.openapi({ description: "Anonymous battles recorded with this model" }),
    counted: count.openapi({ description: "Clean ones (no excluded_reason): the ones rated" }),
    excluded: z.record(z.string(), count).openapi({ description: "Excluded battles by reason" }),
    wins: count,
    losses: count,
    ties: count,
    bothBad: count,
  })
  .openapi("PrivateVoteCounts");

export const PrivateResultsDocument = z
  .object({
    schema: z.literal(PRIVATE_RESULTS_SCHEMA),
    model: z.string(),
    snapshot: z.string(),
    generatedAt: z.string().openapi({ description: "ISO 8601" }),
    method: z.record(z.string(), z.unknown()).optional().openapi({ description: "As the public snapshot's `method`" }),
    votes: VoteCounts,
    overall: BoardResult,
    categories: z.record(z.string(), BoardResult).openapi({ description: "Every other board the model appears on" }),
    opponents: z.array(OpponentResult).openapi({ description: "Clean battles against each public model" }),
    styleCoefficients: z
      .record(z.string(), z.number())
      .nullable()
      .openapi({ description: "The overall style-controlled board's coefficients (length, header, list, bold)" }),
  })
  .openapi("PrivateResultsDocument");
export type PrivateResultsDocument = z.infer<typeof PrivateResultsDocument>;

export const SampleTurn = z.object({
  user: z.string(),
  model: z.string().openapi({ description: "Your model's answer" }),
  opponent: z.string().openapi({ description: "The anonymous opponent's answer" }),
});

export const SampleBattle = z
  .object({
    id: z.string(),
    votedAt: z.number(),
    side: z.enum(["a", "b"]).openapi({ description: "Where your model was shown" }),
    outcome: z.enum(["win", "loss", "tie", "bothbad"]),
    excludedReason: z.string().nullable(),
    opponent: z.literal("anonymous"),
    turns: z.array(SampleTurn),
  })
  .openapi("SampleBattle");

export const PrivateResults = z
  .object({
    model: z.object({
      id: z.string(),
      codename: z.string().nullable(),
      visibility: z.enum(["public", "private"]),
      status: z.string(),
    }),
    results: PrivateResultsDocument.nullable().openapi({
      description: "The latest (or requested) cron computation; null until the first one",
    }),
    live: VoteCounts.openapi({ description: "Counted straight from the recorded battles, up to the second" }),
    sample: z.object({
      retention: z.enum(["consented", "all", "off"]),
      battles: z.array(SampleBattle),
    }),
  })
  .openapi("PrivateResults");
export type PrivateResults = z.infer<typeof PrivateResults>;

type Winner = "model_a" | "model_b" | "tie" | "tie (bothbad)";

/** A battle's outcome from the point of view of the model shown on `side`. */
export function outcomeFor(side: "a" | "b", winner: Winner): "win" | "loss" | "tie" | "bothbad" {
  if (winner === "tie") return "tie";
  if (winner === "tie (bothbad)") return "bothbad";
  return (winner === "model_a") === (side === "a") ? "win" : "loss";
}

/** Vote counts from grouped battle rows (excluded reason, the model's side, winner, count). */
export function voteCounts(rows: readonly { reason: string | null; side: "a" | "b"; winner: Winner; n: number }[]) {
  const out: z.infer<typeof VoteCounts> = {
    total: 0,
    counted: 0,
    excluded: {},
    wins: 0,
    losses: 0,
    ties: 0,
    bothBad: 0,
  };
  for (const r of rows) {
    out.total += r.n;
    if (r.reason !== null) {
      out.excluded[r.reason] = (out.excluded[r.reason] ?? 0) + r.n;
      continue;
    }
    out.counted += r.n;
    const o = outcomeFor(r.side, r.winner);
    if (o === "win") out.wins += r.n;
    else if (o === "loss") out.losses += r.n;
    else if (o === "tie") out.ties += r.n;
    else out.bothBad += r.n;
  }
  return out;
}
