// Private results (issue 7; the contract is docs/provider-results.md): after each public snapshot, one
// `arena-private-results/v1` document per provider-registered model with clean anonymous battles, written to D1
// for `GET /v1/provider/models/:id/results`.
//
// A public model is on the public boards already: its document reads them. A private model never is (invariant 4),
// so it is placed on each public board it has battles on: the board's ratings (and, style-controlled, its style
// coefficients and feature scaling) stay fixed and only the model's rating is fitted to its own battles, with a
// bootstrap interval (shared/ratings/placement.ts). Cost: O(the model's battles) per model, not a leaderboard
// refit per model. Board membership comes from the same parser the public boards use, so a battle counts on
// exactly the boards it would count on if the model were public.
import { modelBattleCounts, ratedBattles, toExportLine } from "../../d1/export";
import type { Db } from "../../d1/queries";
import type { ModelRecord } from "../../shared/models";
import { buildPrivateResults, type BoardEntryLike, type BoardLike } from "../../shared/accounts/results";
import { rowPasses } from "../../shared/ratings/aggregate";
import { roundOutput } from "../../shared/ratings/board";
import { boardFilters, type LeaderboardJson } from "../../shared/ratings/leaderboard";
import { createValueParser, InputError } from "../../shared/ratings/parse";
import { placeModel, type PlacementBattle } from "../../shared/ratings/placement";
import { styleWidth, type BattleTable } from "../../shared/ratings/table";

/** A style-controlled board's full-precision fit: feature scaling and coefficients. */
export interface StyleFitSummary {
  mean: Float64Array;
  std: Float64Array;
  gamma: Float64Array;
}

export interface PublicRun {
  snapshotId: string;
  generatedAt: number;
  recordedUpTo: number;
  json: LeaderboardJson;
  styleFits: ReadonlyMap<string, StyleFitSummary>;
  publicIds: ReadonlySet<string>;
}

export interface PrivateResultsRow {
  modelId: string;
  snapshotId: string;
  generatedAt: number;
  document: Record<string, unknown>;
}

/**
 * The documents of every provider-registered model with clean anonymous battles, as rows for
 * `provider_model_results`: the caller writes them in the same D1 batch as the snapshot's index row, so a snapshot
 * never exists without its private results (a later run would see "unchanged" and never write them).
 */
export async function computePrivateResults(
  d: Db,
  models: readonly ModelRecord[],
  run: PublicRun,
): Promise<PrivateResultsRow[]> {
  const rows: PrivateResultsRow[] = [];
  for (const m of models) {
    if (!m.ownerId) continue;
    const counts = await modelBattleCounts(d, m.id, run.recordedUpTo);
    if (!counts.some((c) => c.excludedReason === null)) continue;
    const boards = run.publicIds.has(m.id) ? run.json.categories : await placedBoards(d, m.id, run);
    const doc = buildPrivateResults({
      model: m.id,
      snapshot: run.snapshotId,
      generatedAt: new Date(run.generatedAt).toISOString(),
      method: run.json.method,
      boards,
      battles: counts,
      publicIds: run.publicIds,
    });
    if (!doc) continue;
    rows.push({
      modelId: m.id,
      snapshotId: run.snapshotId,
      generatedAt: run.generatedAt,
      document: doc,
    });
  }
  return rows;
}

/** The public boards with the private model `x` placed on each one it has battles on. */
async function placedBoards(d: Db, x: string, run: PublicRun): Promise<Record<string, BoardLike>> {
  const parser = createValueParser({ samplingProbability: false });
  // Its battles with public opponents: the rated set it would join if it were public.
  const allowed = new Set([...run.publicIds, x]);
  for await (const row of ratedBattles(d, allowed, { recordedUpTo: run.recordedUpTo, model: x }))
    parser.push(toExportLine(row));
  let table: BattleTable;
  try {
    table = parser.end().table;
  } catch (err) {
    if (err instanceof InputError) return {}; // no clean battle with a public opponent
    throw err;
  }
  const ci = run.json.method.ci as { method: string; rounds?: number; seed?: number; level: number };
  const bootstrap = ci.method === "bootstrap" ? (ci.rounds ?? 0) : 0;
  const filters = boardFilters(table);
  const out: Record<string, BoardLike> = {};
  for (const [name, board] of Object.entries(run.json.categories)) {
    const filter = filters.get(name);
    if (!filter) continue;
    const rows: number[] = [];
    for (let i = 0; i < table.length; i++) if (rowPasses(table, i, filter)) rows.push(i);
    const place = (entries: readonly BoardEntryLike[], key: string, gammaZ: ((i: number) => number) | null) => {
      const rating = new Map(entries.map((e) => [e.model, e.rating]));
      const battles: PlacementBattle[] = [];
      for (const i of rows) {
        const xIsA = table.models[table.modelA[i]!] === x;
        const opponent = table.models[(xIsA ? table.modelB : table.modelA)[i]!]!;
        const opponentRating = rating.get(opponent);
        if (opponent === x || opponentRating === undefined) continue;
        const offset = gammaZ ? gammaZ(i) : 0;
        if (Number.isNaN(offset)) continue; // no style counts: not in a style fit either
        const o = table.outcome[i]!;
        const score = o >= 2 ? 0.5 : (o === 0) === xIsA ? 1 : 0;
        battles.push({ opponentRating, score, styleOffset: xIsA ? offset : -offset });
      }
      const centre = entries.reduce((s, e) => s + e.rating, 0) / Math.max(1, entries.length);
      const placed = placeModel(battles, {
        bootstrap,
        key: `${ci.seed ?? 0}|${key}|placement|${x}`,
        level: ci.level,
        centre,
      });
      if (!placed) return null;
      const entry: BoardEntryLike & { provisional?: true } = {
        model: x,
        rating: roundOutput(placed.rating),
        ci: placed.ci ? [roundOutput(placed.ci[0]), roundOutput(placed.ci[1])] : null,
        votes: battles.length,
      };
      if (placed.provisional) entry.provisional = true;
      return { entry, battles };
    };
    const raw = place(board.models, name, null);
    if (!raw) continue;
    const placedBoard: BoardLike = {
      battles: board.battles + raw.battles.length,
      models: [...board.models, raw.entry],
      pairwise: pairwiseOf(x, table, rows),
    };
    const fit = run.styleFits.get(name);
    if (board.styleControl && fit && table.style) {
      const style = table.style;
      const W = styleWidth(table);
      const gammaZ = (i: number) => {
        let s = 0;
        for (let f = 0; f < W; f++) s += (fit.gamma[f]! * (style[i * W + f]! - fit.mean[f]!)) / fit.std[f]!;
        return s;
      };
      const styled = place(board.styleControl.models, `${name}|style`, gammaZ);
      if (styled)
        placedBoard.styleControl = {
          models: [...board.styleControl.models, styled.entry],
          coefficients: board.styleControl.coefficients,
        };
    }
    out[name] = placedBoard;
  }
  return out;
}

/** The model's row of the pairwise matrices on a board (ties excluded, as DESIGN section 6). */
function pairwiseOf(x: string, table: BattleTable, rows: readonly number[]) {
  const tally = new Map<string, { won: number; decisive: number }>();
  for (const i of rows) {
    const o = table.outcome[i]!;
    if (o >= 2) continue;
    const xIsA = table.models[table.modelA[i]!] === x;
    const opponent = table.models[(xIsA ? table.modelB : table.modelA)[i]!]!;
    if (opponent === x) continue;
    const t = tally.get(opponent) ?? { won: 0, decisive: 0 };
    t.decisive++;
    if ((o === 0) === xIsA) t.won++;
    tally.set(opponent, t);
  }
  const opponents = [...tally.keys()].sort();
  return {
    models: [x, ...opponents],
    winFraction: [[null, ...opponents.map((o) => tally.get(o)!.won / tally.get(o)!.decisive)]],
    battles: [[0, ...opponents.map((o) => tally.get(o)!.decisive)]],
  };
}
