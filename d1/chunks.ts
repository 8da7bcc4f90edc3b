// D1 refuses a statement that binds more than 100 parameters, so any statement whose parameter count grows with its
// input (an `IN (…)` list, a multi-row INSERT) is split through these helpers. Every such statement in the codebase
// goes through them; statements with a fixed parameter count do not need to.
import { getTableColumns, type Table } from "drizzle-orm";
import { chunk } from "../shared/core/chunk";

/** D1's limit on bound parameters per statement (developers.cloudflare.com/d1/platform/limits). */
export const D1_MAX_BOUND_PARAMS = 100;

/**
 * How many items fit in one statement when each item binds `perItem` parameters and the rest of the statement binds
 * `fixed` (the other conditions of a WHERE, the SET list of an UPDATE).
 */
export function itemsPerStatement(perItem: number, fixed = 0): number {
  const n = Math.floor((D1_MAX_BOUND_PARAMS - fixed) / perItem);
  if (n < 1) throw new Error(`a statement binding ${fixed} + ${perItem} parameters exceeds D1's limit`);
  return n;
}

/** `items` in order, split into slices of at most `itemsPerStatement(perItem, fixed)`. */
export function paramChunks<T>(items: readonly T[], perItem = 1, fixed = 0): T[][] {
  return chunk(items, itemsPerStatement(perItem, fixed));
}

/**
 * Runs one query per chunk of `ids` (one bound parameter each, plus `fixed` others) and concatenates the rows:
 * `WHERE id IN (…)` for any number of ids. The queries run one after another (D1 runs them serially anyway).
 */
export async function selectInChunks<K, R>(
  ids: readonly K[],
  query: (chunk: K[]) => PromiseLike<R[]>,
  fixed = 0,
): Promise<R[]> {
  const rows: R[] = [];
  for (const chunk of paramChunks(ids, 1, fixed)) rows.push(...(await query(chunk)));
  return rows;
}

/**
 * Rows of a multi-row INSERT into `table`, in statement-sized slices: drizzle binds (at most) one parameter per
 * column per row, whichever columns a row sets, so the column count of the table is what each row costs.
 */
export function insertChunks<T>(table: Table, rows: readonly T[]): T[][] {
  return paramChunks(rows, Object.keys(getTableColumns(table)).length);
}
