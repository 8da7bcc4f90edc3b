// The leaderboard JSON (DESIGN section 6, schema arena-leaderboard/v1) from a battle table: every board the data
// supports — overall, each category the rows are flagged with (language boards and the dedup / no_short views
// arrive as categories from the parser), and the no_tie view — each with style control when style counts exist.
// The CLI and the cron worker both call this, so the published JSON and `npm run ratings` agree by construction.
import { entryMetadata, type ModelsFile } from "./models-file";
import { adjustedViews, boardFrontier, type AdjustedView, type FrontierPoint } from "./adjusted";
import { ratingChanges, type ChangeResult, type RatingChange } from "./change";
import type { RowFilter } from "./aggregate";
import { computeBoard, roundOutput, type BoardMethod, type BoardModel } from "./board";
import { DEFAULT_RIDGE, MIN_COMPONENT_MODELS } from "./bt";
import { canonicalizeRows } from "./canonical";
import type { Pairwise } from "./pairwise";
import type { Anchor } from "./scale";
import {
  finishStyleBoard,
  prepareStyleBoard,
  runRoundsInline,
  type StyleBoard,
  type StylePrep,
  type StyleRoundRunner,
} from "./style-board";
import { styleFeaturesOf, type BattleTable } from "./table";

export const LEADERBOARD_SCHEMA = "arena-leaderboard/v1";
export const STYLE_L2 = 0.5;

export interface LeaderboardOptions {
  bootstrap: number;
  seed: number;
  level: number;
  anchor: Anchor | null;
  /** Only these boards (by name); null = every board the data supports. */
  categories: string[] | null;
  minVotes: number;
  /** Style-controlled boards: true/false, or null = when the data has style counts. */
  styleControl: boolean | null;
  /** Interval method for the raw boards (style-controlled boards always use the bootstrap). */
  ci: "bootstrap" | "sandwich";
  correction: "none" | "bonferroni";
  /** Inverse-probability weighting by the recorded sampling probability. */
  ipw: boolean;
  /** The snapshot's frozen model metadata (models.json, DESIGN section 14): entries carry it; null = none. */
  models: ModelsFile | null;
}

export const DEFAULT_OPTIONS: LeaderboardOptions = {
  bootstrap: 100,
  seed: 0,
  level: 0.95,
  anchor: null,
  categories: null,
  minVotes: 0,
  styleControl: null,
  ci: "bootstrap",
  correction: "none",
  ipw: false,
  models: null,
};

export interface LeaderboardMeta {
  snapshot: string;
  generatedAt: string;
  sha256: string;
  /** Battles left out of the rated set, by excluded_reason. */
  excluded: Record<string, number>;
}

export interface BoardJson {
  battles: number;
  models: BoardModel[];
  styleControl?: Omit<StyleBoard, "battles"> & { battles: number };
  pairwise: Pairwise;
  adjusted?: { price?: AdjustedView; size?: AdjustedView };
  frontier?: FrontierPoint[];
  method: Omit<BoardMethod, "iterations" | "maxRelScore">;
}

/** One comparison of the overall board (DESIGN section 14), at the published precision. */
export type ChangeJson = Omit<ChangeResult, "models"> & { since: string | null; models: RatingChange[] };

export interface LeaderboardJson {
  schema: typeof LEADERBOARD_SCHEMA;
  snapshot: string;
  generatedAt: string;
  data: { battles: number; sha256: string; excluded: Record<string, number> };
  method: Record<string, unknown>;
  categories: Record<string, BoardJson>;
  /** Change over time of the overall board, by comparison name (`previous`, `7d`, `30d`), when computed. */
  changes?: Record<string, ChangeJson>;
}

/** Board order in the JSON: overall, then DESIGN's category list, then any other category, then the views. */
const KNOWN = [
  "overall",
  "coding",
  "math",
  "hard_prompts",
  "instruction_following",
  "creative_writing",
  "multi_turn",
  "long_query",
  "english",
  "non_english",
];
const VIEWS = ["dedup", "no_tie", "no_short"];

/** Every board the table supports, in JSON order, with the filter selecting its rows. */
export function boardFilters(table: BattleTable): Map<string, RowFilter> {
  const present = new Uint32Array(table.categories.length);
  for (let i = 0; i < table.length; i++) {
    const bits = table.categoryBits[i]!;
    for (let k = 0; bits >>> k && k < 32; k++) if ((bits >>> k) & 1) present[k]!++;
  }
  const boards = new Map<string, RowFilter>([["overall", {}]]);
  table.categories.forEach((name, k) => {
    if (present[k]! > 0 && name !== "overall") boards.set(name, { categoryMask: 1 << k });
  });
  boards.set("no_tie", { noTies: true });
  const rank = (name: string) => {
    const known = KNOWN.indexOf(name);
    if (known >= 0) return known;
    const view = VIEWS.indexOf(name);
    return view >= 0 ? 1000 + view : name.startsWith("lang_") ? 500 : 100;
  };
  return new Map([...boards].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
}

/** The boards this table supports, in JSON order. */
export const availableBoards = (table: BattleTable): string[] => [...boardFilters(table).keys()];

/** The options with their defaults, and whether the boards get style control (the data's style counts decide). */
export function resolveOptions(table: BattleTable, options: Partial<LeaderboardOptions>) {
  const opts = { ...DEFAULT_OPTIONS, ...options };
  const withStyle = opts.styleControl ?? table.style !== null;
  if (withStyle && !table.style) throw new Error("style control needs style counts (conv_metadata) in the input");
  return { opts, withStyle };
}

/** The boards a leaderboard of this table holds (after `categories`), in JSON order, with their row filters. */
export function plannedBoards(table: BattleTable, options: Partial<LeaderboardOptions>): [string, RowFilter][] {
  const { opts } = resolveOptions(table, options);
  const all = boardFilters(table);
  const wanted = opts.categories ? opts.categories.filter((c) => all.has(c)) : [...all.keys()];
  return wanted.map((name) => [name, all.get(name)!]);
}

/** A board's raw (no style control) result: run on the rows in export (time) order, which its online Elo needs. */
export type RawBoard = { name: string; filter: RowFilter; board: ReturnType<typeof computeBoard> };

export function rawBoard(table: BattleTable, name: string, filter: RowFilter, opts: LeaderboardOptions): RawBoard {
  const board = computeBoard(table, {
    name,
    filter,
    bootstrap: opts.bootstrap,
    seed: opts.seed,
    level: opts.level,
    anchor: opts.anchor,
    minVotes: opts.minVotes,
    ci: opts.ci,
    correction: opts.correction,
    ipw: opts.ipw,
  });
  return { name, filter, board };
}

/**
 * A board's JSON from its raw result: the entries with their metadata, the style-controlled board, the adjusted
 * views and the frontier. With style control the table's rows must already be in canonical order
 * (`canonicalizeRows`), so the style bootstrap, which draws rows, does not depend on the input's row order.
 */
export async function finishBoard(
  table: BattleTable,
  { name, filter, board }: RawBoard,
  opts: LeaderboardOptions,
  withStyle: boolean,
  runStyleRounds: StyleRoundRunner = runRoundsInline,
  onStyleBoard?: (name: string, prep: StylePrep) => void,
): Promise<BoardJson> {
  const metadata = new Map((opts.models?.models ?? []).map((m) => [m.id, entryMetadata(m)]));
  const covariates = new Map((opts.models?.models ?? []).map((m) => [m.id, m]));
  const { iterations: _i, maxRelScore: _s, ...method } = board.method;
  // Each entry with its model's known metadata (price, size, …) after the engine's own fields.
  const models = metadata.size ? board.models.map((m) => ({ ...m, ...metadata.get(m.model) })) : board.models;
  let styleControl: BoardJson["styleControl"];
  if (withStyle) {
    const prep = prepareStyleBoard(table, board.raw, {
      name,
      filter,
      bootstrap: opts.bootstrap,
      seed: opts.seed,
      level: opts.level,
      l2: STYLE_L2,
      anchor: opts.anchor,
    });
    onStyleBoard?.(name, prep);
    const rounds = opts.bootstrap > 0 && prep.design.length > 0 ? await runStyleRounds(prep, opts.bootstrap) : null;
    styleControl = finishStyleBoard(prep, board.raw, rounds, opts.level);
  }
  // DESIGN section 14: scores adjusted for price and size, and the price–score frontier, from the frozen metadata.
  const adjusted = covariates.size ? roundedViews(adjustedViews(board.raw, covariates, { level: opts.level })) : {};
  const frontier = covariates.size ? boardFrontier(board.models, covariates) : [];
  // Key order as in DESIGN section 6.
  return {
    battles: board.battles,
    models,
    ...(styleControl ? { styleControl } : {}),
    pairwise: board.pairwise,
    ...(adjusted.price || adjusted.size ? { adjusted } : {}),
    ...(frontier.length ? { frontier } : {}),
    method,
  };
}

/** What the top of the JSON needs from the table, besides its boards. */
export interface TableSummary {
  battles: number;
  styleFeatures: readonly string[];
}

export const tableSummary = (table: BattleTable): TableSummary => ({
  battles: table.length,
  styleFeatures: [...styleFeaturesOf(table)],
});

/** The leaderboard JSON around its boards (in JSON order) and the overall board's changes. */
export function assembleLeaderboard(
  meta: LeaderboardMeta,
  opts: LeaderboardOptions,
  withStyle: boolean,
  summary: TableSummary,
  categories: Record<string, BoardJson>,
  changes: Record<string, ChangeJson> | undefined,
): LeaderboardJson {
  const ridgeUsed = Object.values(categories).some((b) => b.method.ridge !== null);
  return {
    schema: LEADERBOARD_SCHEMA,
    snapshot: meta.snapshot,
    generatedAt: meta.generatedAt,
    data: { battles: summary.battles, sha256: meta.sha256, excluded: meta.excluded },
    method: {
      model: "bradley-terry",
      scale: 400,
      base: 10,
      initial: 1000,
      ties: 0.5,
      anchor: opts.anchor,
      ci: {
        method: opts.ci,
        ...(opts.ci === "bootstrap" ? { rounds: opts.bootstrap, seed: opts.seed } : {}),
        level: opts.level,
        correction: opts.correction,
      },
      ipw: opts.ipw,
      // Exactly the features the fit used, in canonical order: the default four (what the cron publishes), or
      // the table's own set (`--style-features` on the CLI, e.g. with emoji; docs/ratings.md "Style features").
      ...(withStyle ? { styleControl: { features: [...summary.styleFeatures], l2: STYLE_L2 } } : {}),
      // Where the MLE does not exist on a board (a model never lost or never won, or the comparison graph is in
      // pieces), that board is fitted with the ridge (λ/2)·‖θ‖² and the affected models are marked provisional.
      ridge: ridgeUsed ? DEFAULT_RIDGE : null,
      // Which models that is (bt.ts `identifiability`): every model outside the main strongly connected component
      // of the who-beat-whom graph (a tie links both ways): the component with the most models, then the most
      // battles, of at least `minModels` models; when the largest tie, or none is that big, every model.
      identification: { rule: "main-strongly-connected-component", minModels: MIN_COMPONENT_MODELS },
      minVotes: opts.minVotes,
    },
    categories,
    ...(changes ? { changes } : {}),
  };
}

/**
 * The whole leaderboard in one process (the CLI; the cron fans the same steps out per board, workers/cron/
 * recompute). `runStyleRounds` lets a host spread the style-control bootstrap over threads (the CLI does); every
 * round has its own seed key, so the result is the same however the rounds are split. With style control the
 * table's rows are reordered in place (canonical.ts): callers must not rely on its row order afterwards.
 */
export async function buildLeaderboard(
  table: BattleTable,
  options: Partial<LeaderboardOptions>,
  meta: LeaderboardMeta,
  runStyleRounds: StyleRoundRunner = runRoundsInline,
  /** Sees each style-controlled board's full-precision fit (the cron places private models with it). */
  onStyleBoard?: (name: string, prep: StylePrep) => void,
): Promise<LeaderboardJson> {
  const { opts, withStyle } = resolveOptions(table, options);
  // Raw boards first: their online Elo runs in the rows' (time) order.
  const raw = plannedBoards(table, opts)
    .map(([name, filter]) => rawBoard(table, name, filter, opts))
    .filter((r) => r.board.models.length > 0);
  // Change over time (before the rows are reordered): the overall board against each comparison's earlier set.
  const changes = overallChanges(table, opts);
  // Then the style-controlled boards, on rows put in canonical order (the table is reordered in place).
  if (withStyle) canonicalizeRows(table);
  const categories: Record<string, BoardJson> = {};
  for (const r of raw) categories[r.name] = await finishBoard(table, r, opts, withStyle, runStyleRounds, onStyleBoard);
  return assembleLeaderboard(meta, opts, withStyle, tableSummary(table), categories, changes);
}

/** The adjusted views at the published precision (as the boards' ratings: roundOutput). */
function roundedViews(v: { price?: AdjustedView; size?: AdjustedView }): { price?: AdjustedView; size?: AdjustedView } {
  const r = roundOutput;
  const pair = (x: [number, number]): [number, number] => [r(x[0]), r(x[1])];
  const one = (a: AdjustedView): AdjustedView => ({
    covariate: a.covariate,
    fit: {
      intercept: r(a.fit.intercept),
      slope: r(a.fit.slope),
      ci: a.fit.ci ? { intercept: pair(a.fit.ci.intercept), slope: pair(a.fit.ci.slope) } : null,
    },
    models: a.models.map((m) => ({
      model: m.model,
      x: Math.round(m.x * 1e4) / 1e4,
      adjusted: r(m.adjusted),
      ci: m.ci ? pair(m.ci) : null,
    })),
  });
  return { ...(v.price ? { price: one(v.price) } : {}), ...(v.size ? { size: one(v.size) } : {}) };
}

/**
 * The snapshot's comparisons (models.json `comparisons`) on the overall board. Needs per-row tstamps; a comparison
 * whose earlier set is empty or the whole board says nothing and is left out.
 */
export function overallChanges(table: BattleTable, opts: LeaderboardOptions): Record<string, ChangeJson> | undefined {
  const filter = boardFilters(table).get("overall");
  const comparisons = opts.models?.comparisons;
  if (!comparisons?.length || !filter || !table.tstamp) return undefined;
  const out: Record<string, ChangeJson> = {};
  for (const c of comparisons) {
    const r = ratingChanges(table, {
      before: c.before,
      filter,
      board: "overall",
      rounds: opts.bootstrap,
      seed: opts.seed,
      level: opts.level,
    });
    if (r.battlesBefore === 0 || r.battlesBefore === r.battlesAfter || r.models.length === 0) continue;
    const x = roundOutput;
    out[c.name] = {
      ...r,
      since: c.snapshot ?? null,
      models: r.models.map((m) => ({
        ...m,
        before: x(m.before),
        after: x(m.after),
        delta: x(m.delta),
        ci: m.ci ? [x(m.ci[0]), x(m.ci[1])] : null,
        se: Number.isFinite(m.se) ? x(m.se) : m.se,
        p: x(m.p),
        pAdjusted: x(m.pAdjusted),
      })),
    };
  }
  return Object.keys(out).length ? out : undefined;
}
