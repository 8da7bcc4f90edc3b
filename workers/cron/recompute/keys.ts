// R2 keys and shapes of one fanned-out recompute's working objects (issue 17). They live under
// `recompute/<snapshot>/` and are deleted once the snapshot is published or abandoned; the published objects (export,
// snapshot JSON, models.json, changes) keep their usual keys (d1/export.ts).
import type { BoardJson, ChangeJson } from "../../../shared/ratings/leaderboard";

export const jobPrefix = (snapshot: string) => `recompute/${snapshot}/`;
/** The frozen input every part reads: the parsed export as one binary table (shared/ratings/table-file.ts). */
export const tableKey = (snapshot: string) => `${jobPrefix(snapshot)}table.bin`;
/** One part's result (a board's JSON and style fit, or the changes). */
export const partKey = (snapshot: string, part: string) =>
  `${jobPrefix(snapshot)}parts/${encodeURIComponent(part)}.json`;

/** A board part's stored result: its JSON (null when the board has no models) and its style fit at full precision. */
export interface BoardPart {
  board: BoardJson | null;
  styleFit: { mean: number[]; std: number[]; gamma: number[] } | null;
}

/** The change-over-time part's stored result. */
export interface ChangesPart {
  changes: Record<string, ChangeJson> | null;
}
