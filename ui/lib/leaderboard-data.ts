// The published leaderboard (DESIGN section 6, schema arena-leaderboard/v1) and helpers to present it.
import type { BoardModel } from "../../shared/ratings/board";
import type { BoardJson, ChangeJson } from "../../shared/ratings/leaderboard";

/** One model's row of a board, as the ratings engine writes it (type-only: esbuild erases it). */
export type ModelRow = BoardModel;

export interface Board {
  battles: number;
  models: ModelRow[];
  styleControl?: { models: ModelRow[]; coefficients: Record<string, number> };
  pairwise: { models: string[]; winFraction: (number | null)[][]; battles: (number | null)[][] };
  /** `provisional`: the models of this (raw) board whose rating the data could not pin down. */
  method?: { provisional?: string[]; [key: string]: unknown };
  /** DESIGN section 14: scores adjusted for output price and for parameter count (residuals of a log-linear fit). */
  adjusted?: BoardJson["adjusted"];
  /** The price–score Pareto frontier, by price ascending. */
  frontier?: BoardJson["frontier"];
}

export type AdjustedView = NonNullable<NonNullable<BoardJson["adjusted"]>["price"]>;
export type FrontierPoint = NonNullable<BoardJson["frontier"]>[number];
export type Change = ChangeJson;
export type ModelChange = ChangeJson["models"][number];

/** A model's change in one comparison as the history API carries it on its latest point. */
export interface PointChange {
  since: string | null;
  before: number;
  delta: number;
  ci: [number, number] | null;
  pAdjusted: number;
  significant: boolean;
}

/** `winnersCurse` of GET /api/transparency (shared/accounts/winners-curse.ts). */
export interface WinnersCurse {
  model: string;
  family: string;
  k: number;
  inflation: number;
  se: number | null;
  releasedWasBest: boolean;
  method: string;
}

/** The comparisons' names in display order, with their labels. */
export const CHANGE_LABELS: [string, string][] = [
  ["previous", "since the previous snapshot"],
  ["7d", "in 7 days"],
  ["30d", "in 30 days"],
];

/** A signed number with a real minus sign: "+3.2", "−4.0". */
export const signed = (x: number, digits = 1) => `${x < 0 ? "−" : "+"}${Math.abs(x).toFixed(digits)}`;

/** "+3.2 (95% CI −1.0 to +7.5)". */
export function changeText(c: { delta: number; ci: [number, number] | null }, level = 0.95): string {
  const ci = c.ci ? ` (${Math.round(level * 100)}% CI ${signed(c.ci[0])} to ${signed(c.ci[1])})` : "";
  return `${signed(c.delta)}${ci}`;
}

export interface Leaderboard {
  schema: "arena-leaderboard/v1";
  snapshot: string;
  generatedAt: string;
  data: { battles: number; sha256: string; excluded: Record<string, number> };
  method: {
    ci: { method: string; rounds?: number; level: number };
    styleControl?: { features: string[]; l2: number };
    [key: string]: unknown;
  };
  categories: Record<string, Board>;
  /** Change over time of the overall board (raw), by comparison name: previous, 7d, 30d. */
  changes?: Record<string, Change>;
}

const NAMES: Record<string, string> = {
  overall: "Overall",
  coding: "Coding",
  math: "Math",
  hard_prompts: "Hard prompts",
  instruction_following: "Instruction following",
  creative_writing: "Creative writing",
  multi_turn: "Multi-turn",
  long_query: "Long queries",
  english: "English",
  non_english: "Non-English",
  dedup: "Deduplicated prompts",
  no_tie: "Without ties",
  no_short: "Without short prompts",
};
const ORDER = Object.keys(NAMES);

let languageNames: Intl.DisplayNames | null = null;
try {
  languageNames = new Intl.DisplayNames(["en"], { type: "language" });
} catch {
  languageNames = null;
}

/** A board's human name: "Hard prompts", "Language: Chinese", or the raw name for unknown ones. */
export function categoryLabel(name: string): string {
  if (NAMES[name]) return NAMES[name]!;
  const lang = /^lang_([a-z]{2})$/.exec(name);
  if (lang) return `Language: ${languageNames?.of(lang[1]!) ?? lang[1]}`;
  return name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Boards in a stable, meaningful order: overall, the categories, the views, then languages alphabetically. */
export function orderedCategories(names: string[]): string[] {
  const rank = (n: string) => {
    const i = ORDER.indexOf(n);
    if (i >= 0) return [n.startsWith("lang_") ? 2 : 0, i, n] as const;
    return [n.startsWith("lang_") ? 2 : 1, 0, categoryLabel(n)] as const;
  };
  return [...names].sort((x, y) => {
    const [a1, a2, a3] = rank(x);
    const [b1, b2, b3] = rank(y);
    return a1 - b1 || a2 - b2 || String(a3).localeCompare(String(b3));
  });
}

/** "+5.8/−4.1": the interval's distance to the rating, as LMArena prints it. */
export function ciText(row: ModelRow): string {
  if (!row.ci) return "—";
  const up = row.ci[1] - row.rating;
  const down = row.rating - row.ci[0];
  return `+${up.toFixed(1)}/−${down.toFixed(1)}`;
}

export const ratingText = (r: number) => r.toFixed(1);

/**
 * The value range a plot's axis should cover: every value that means something (ratings and interval ends of
 * non-provisional entries), padded and rounded to tens. Provisional values (held finite only by the ridge, at
 * numbers like 0 or 2700 on a board of a few battles) never stretch it; null when there is nothing to scale to.
 */
export function axisRange(values: readonly number[]): { min: number; max: number } | null {
  const v = values.filter((x) => Number.isFinite(x));
  if (v.length === 0) return null;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = Math.max((hi - lo) * 0.08, 10);
  return { min: Math.floor((lo - pad) / 10) * 10, max: Math.ceil((hi + pad) / 10) * 10 };
}

/** A value drawn on an axis of that range: inside it as it is, outside it pinned to the nearer edge. */
export function clampTo(range: { min: number; max: number } | null, y: number): { y: number; off: -1 | 0 | 1 } {
  if (!range) return { y, off: 0 };
  if (y < range.min) return { y: range.min, off: -1 };
  if (y > range.max) return { y: range.max, off: 1 };
  return { y, off: 0 };
}
