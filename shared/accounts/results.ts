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

// ---------------------------------------------------------------- assembling the document (for the cron)
// The cron runs the ratings engine on the public battle set plus one model's own clean battles, then calls
// `buildPrivateResults` with the boards it got back: the contract's arithmetic (rank against the public field,
// win rates, opponents, vote counts) lives here once. Board shapes are structural, as in the snapshot JSON.

export interface BoardEntryLike {
  model: string;
  rating: number;
  ci: [number, number] | null;
  votes: number;
}

export interface BoardLike {
  battles: number;
  models: readonly BoardEntryLike[];
  styleControl?: { models: readonly BoardEntryLike[]; coefficients?: Record<string, number> };
  /** Non-tie battles and win fractions per pair (DESIGN section 6). */
  pairwise?: {
    models: readonly string[];
    winFraction: readonly (readonly (number | null)[])[];
    battles: readonly (readonly number[])[];
  };
}

export interface ModelBattle {
  modelA: string;
  modelB: string;
  winner: Winner;
  excludedReason: string | null;
  /** How many such battles this entry stands for (grouped rows); 1 when absent. */
  n?: number;
}

/** DESIGN section 6's rank, counted against `field` only: 1 + models whose lower bound is above our upper bound. */
export function rankAgainst(entry: BoardEntryLike, field: readonly BoardEntryLike[]): number {
  const upper = entry.ci ? entry.ci[1] : entry.rating;
  return 1 + field.filter((p) => (p.ci ? p.ci[0] : p.rating) > upper).length;
}

function placement(models: readonly BoardEntryLike[], modelId: string, publicIds: ReadonlySet<string>) {
  const entry = models.find((m) => m.model === modelId);
  if (!entry) return null;
  const field = models.filter((m) => m.model !== modelId && publicIds.has(m.model));
  return { entry, field, placed: { rating: entry.rating, ci: entry.ci, rank: rankAgainst(entry, field) } };
}

/** Share of the model's non-tie battles on the board that it won, from the board's pairwise matrices. */
function pairwiseWinRate(board: BoardLike, modelId: string): number | null {
  const pw = board.pairwise;
  const i = pw ? pw.models.indexOf(modelId) : -1;
  if (!pw || i < 0) return null;
  let wins = 0;
  let total = 0;
  pw.models.forEach((_, j) => {
    const n = pw.battles[i]?.[j] ?? 0;
    const f = pw.winFraction[i]?.[j];
    if (n > 0 && f != null) {
      wins += f * n;
      total += n;
    }
  });
  return total > 0 ? wins / total : null;
}

/** The model's placement on one board, or null when it is not on it. */
export function boardResult(
  board: BoardLike,
  modelId: string,
  publicIds: ReadonlySet<string>,
): z.infer<typeof BoardResult> | null {
  const main = placement(board.models, modelId, publicIds);
  if (!main) return null;
  const style = board.styleControl ? placement(board.styleControl.models, modelId, publicIds) : null;
  return {
    ...main.placed,
    battles: board.battles,
    publicModels: main.field.length,
    votes: main.entry.votes,
    winRate: pairwiseWinRate(board, modelId),
    ...(style ? { styleControl: style.placed } : {}),
  };
}

/** Clean battles against each opponent (self-battles left out), most battles first. */
export function opponentResults(battles: readonly ModelBattle[], modelId: string): z.infer<typeof OpponentResult>[] {
  const by = new Map<string, { battles: number; wins: number; losses: number; ties: number }>();
  for (const b of battles) {
    if (b.excludedReason !== null || b.modelA === b.modelB) continue;
    const side = b.modelA === modelId ? "a" : b.modelB === modelId ? "b" : null;
    if (!side) continue;
    const opponent = side === "a" ? b.modelB : b.modelA;
    const o = by.get(opponent) ?? { battles: 0, wins: 0, losses: 0, ties: 0 };
    const outcome = outcomeFor(side, b.winner);
    const n = b.n ?? 1;
    o.battles += n;
    if (outcome === "win") o.wins += n;
    else if (outcome === "loss") o.losses += n;
    else o.ties += n;
    by.set(opponent, o);
  }
  return [...by.entries()]
    .map(([model, o]) => ({ model, ...o, winRate: o.wins + o.losses > 0 ? o.wins / (o.wins + o.losses) : null }))
    .sort((a, b) => b.battles - a.battles || a.model.localeCompare(b.model));
}

/**
 * The `arena-private-results/v1` document for `model`, or null when it is not on the overall board (nothing to
 * report). `boards` are the engine's boards for this model's battle set (overall first); `battles` are all of the
 * model's anonymous battles recorded up to the snapshot's watermark, excluded ones included.
 */
export function buildPrivateResults(input: {
  model: string;
  snapshot: string;
  generatedAt: string;
  method?: Record<string, unknown>;
  boards: Readonly<Record<string, BoardLike>>;
  battles: readonly ModelBattle[];
  publicIds: ReadonlySet<string>;
}): PrivateResultsDocument | null {
  const { model, boards, publicIds } = input;
  const overallBoard = boards.overall;
  const overall = overallBoard ? boardResult(overallBoard, model, publicIds) : null;
  if (!overallBoard || !overall) return null;
  const categories: Record<string, z.infer<typeof BoardResult>> = {};
  for (const [name, board] of Object.entries(boards)) {
    if (name === "overall") continue;
    const r = boardResult(board, model, publicIds);
    if (r) categories[name] = r;
  }
  const grouped = new Map<string, { reason: string | null; side: "a" | "b"; winner: Winner; n: number }>();
  for (const b of input.battles) {
    const side = b.modelA === model ? "a" : "b";
    const key = `${b.excludedReason}|${side}|${b.winner}`;
    const g = grouped.get(key) ?? { reason: b.excludedReason, side, winner: b.winner, n: 0 };
    g.n += b.n ?? 1;
    grouped.set(key, g);
  }
  return PrivateResultsDocument.parse({
    schema: PRIVATE_RESULTS_SCHEMA,
    model,
    snapshot: input.snapshot,
    generatedAt: input.generatedAt,
    ...(input.method ? { method: input.method } : {}),
    votes: voteCounts([...grouped.values()]),
    overall,
    categories,
    opponents: opponentResults(input.battles, model),
    styleCoefficients: overallBoard.styleControl?.coefficients ?? null,
  });
}
