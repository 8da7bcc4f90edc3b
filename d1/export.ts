// The rated battle set as the ratings CLI's input format (DESIGN section 7, JSONL): one object per battle, FastChat
// field names, sorted by (tstamp, id). The cron worker writes exactly these lines to R2 and rates exactly these
// lines, so `npm run ratings` on the export reproduces the published boards (invariant 5).
import { and, asc, eq, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import type { ModelRecord } from "../shared/models";
import { latestSnapshot, listModels, snapshotById, type Db, type SnapshotRow } from "./queries";
import * as schema from "./schema";

type BattleRow = typeof schema.battles.$inferSelect;

export interface ExportLine {
  id: string;
  tstamp: number;
  model_a: string;
  model_b: string;
  winner: BattleRow["winner"];
  anony: boolean;
  judge: string;
  turn: number;
  language: string | null;
  categories: string[];
  /** FastChat's dedup tag: the ratings parser puts `sampled` rows on the `dedup` board. */
  dedup_tag: { high_freq: boolean; sampled: boolean };
  sampling_probability: number | null;
  conv_metadata: {
    sum_user_tokens: number;
    sum_assistant_a_tokens: number;
    sum_assistant_b_tokens: number;
    header_count_a: Record<string, number>;
    header_count_b: Record<string, number>;
    list_count_a: Record<string, number>;
    list_count_b: Record<string, number>;
    bold_count_a: Record<string, number>;
    bold_count_b: Record<string, number>;
    /** Emoji per side (style control v2, DESIGN section 14): only on rows that have them (voted since 0014). */
    emoji_count_a?: number;
    emoji_count_b?: number;
    turns: number;
  };
  excluded_reason?: string | null;
}

/** tstamp in seconds (FastChat's unit), from the vote time in milliseconds. */
export function toExportLine(row: BattleRow, withExclusion = false): ExportLine {
  const line: ExportLine = {
    id: row.id,
    tstamp: row.votedAt / 1000,
    model_a: row.modelA,
    model_b: row.modelB,
    winner: row.winner,
    anony: row.anony,
    judge: row.voterHash,
    turn: row.turns,
    language: row.language,
    categories: row.categories,
    dedup_tag: { high_freq: row.dedupHighFreq, sampled: row.dedupSampled },
    sampling_probability: row.samplingProbability,
    conv_metadata: {
      sum_user_tokens: row.userTokens,
      sum_assistant_a_tokens: row.tokensA,
      sum_assistant_b_tokens: row.tokensB,
      header_count_a: row.headerCountA,
      header_count_b: row.headerCountB,
      list_count_a: row.listCountA,
      list_count_b: row.listCountB,
      bold_count_a: row.boldCountA,
      bold_count_b: row.boldCountB,
      // Absent (not null) on older rows, so their lines are byte for byte what they were.
      ...(row.emojiCountA !== null && row.emojiCountB !== null
        ? { emoji_count_a: row.emojiCountA, emoji_count_b: row.emojiCountB }
        : {}),
      turns: row.turns,
    },
  };
  if (withExclusion) line.excluded_reason = row.excludedReason;
  return line;
}

/** An upper bound on the rows `ratedBattles` yields (it also drops battles with a non-public model), to size tables. */
export async function ratedBattleCapacity(d: Db, opts: { recordedUpTo?: number } = {}): Promise<number> {
  const conditions: (SQL | undefined)[] = [eq(schema.battles.anony, true), isNull(schema.battles.excludedReason)];
  if (opts.recordedUpTo !== undefined) conditions.push(lte(schema.battles.recordedAt, opts.recordedUpTo));
  const row = await d
    .select({ n: sql<number>`count(*)` })
    .from(schema.battles)
    .where(and(...conditions))
    .get();
  return row?.n ?? 0;
}

/** The ids of the public models among `models`: a public board rates only battles between two of them. */
export function publicIdsOf(models: readonly ModelRecord[]): Set<string> {
  return new Set(models.filter((m) => m.visibility === "public").map((m) => m.id));
}

/** The ids of the public models now. */
export async function publicModelIds(d: Db): Promise<Set<string>> {
  return publicIdsOf(await listModels(d));
}

/** Where a snapshot's frozen model metadata lives in R2, beside its export (`exports/<id>/battles.jsonl`). */
export const modelsFileKey = (snapshot: string) => `exports/${snapshot}/models.json`;

/** A snapshot's change-over-time comparisons (its JSON's `changes`), small enough for the history route to read. */
export const changesKey = (snapshot: string) => `exports/${snapshot}/changes.json`;

/** The snapshot named `id`, or the latest one when no id is given; undefined when there is none. */
export async function snapshotFor(d: Db, id: string | undefined): Promise<SnapshotRow | undefined> {
  return id ? snapshotById(d, id) : latestSnapshot(d);
}

/**
 * Pages through the battles a public board may rate — anonymous, not excluded, both models public — in export
 * order, keyset-paginated on (voted_at, id) so each page is one indexed range read.
 */
export async function* ratedBattles(
  d: Db,
  publicModels: ReadonlySet<string>,
  opts: { includeExcluded?: boolean; pageSize?: number; recordedUpTo?: number; model?: string } = {},
): AsyncGenerator<BattleRow> {
  const pageSize = opts.pageSize ?? 1000;
  let after: { votedAt: number; id: string } | null = null;
  for (;;) {
    const conditions: (SQL | undefined)[] = [eq(schema.battles.anony, true)];
    if (!opts.includeExcluded) conditions.push(isNull(schema.battles.excludedReason));
    // A snapshot rates what was recorded when it started; later rows wait for the next one.
    if (opts.recordedUpTo !== undefined) conditions.push(lte(schema.battles.recordedAt, opts.recordedUpTo));
    // One model's battles only (a private model's, for its private results).
    if (opts.model !== undefined)
      conditions.push(or(eq(schema.battles.modelA, opts.model), eq(schema.battles.modelB, opts.model)));
    // A row-value comparison lets SQLite seek the (voted_at, id) index instead of rescanning it per page.
    if (after)
      conditions.push(sql`(${schema.battles.votedAt}, ${schema.battles.id}) > (${after.votedAt}, ${after.id})`);
    const page = await d
      .select()
      .from(schema.battles)
      .where(and(...conditions))
      .orderBy(asc(schema.battles.votedAt), asc(schema.battles.id))
      .limit(pageSize);
    for (const row of page) {
      if (publicModels.has(row.modelA) && publicModels.has(row.modelB)) yield row;
    }
    if (page.length < pageSize) return;
    const last = page[page.length - 1]!;
    after = { votedAt: last.votedAt, id: last.id };
  }
}

/**
 * One model's anonymous battles recorded up to `recordedUpTo`, excluded ones included, grouped by (model_a,
 * model_b, winner, excluded_reason) with counts: its vote totals and opponents for private results, a few rows
 * however many battles it has (two index lookups, `battles_models_idx` and `battles_model_b_idx`).
 */
export async function modelBattleCounts(d: Db, modelId: string, recordedUpTo: number) {
  const b = schema.battles;
  return d
    .select({
      modelA: b.modelA,
      modelB: b.modelB,
      winner: b.winner,
      excludedReason: b.excludedReason,
      n: sql<number>`count(*)`,
    })
    .from(b)
    .where(and(eq(b.anony, true), lte(b.recordedAt, recordedUpTo), or(eq(b.modelA, modelId), eq(b.modelB, modelId))))
    .groupBy(b.modelA, b.modelB, b.winner, b.excludedReason);
}

/** `ratedBattles` over the models that are public when the first row is asked for (nothing is read before that). */
export async function* publicRatedBattles(
  d: Db,
  opts: Parameters<typeof ratedBattles>[2] = {},
): AsyncGenerator<BattleRow> {
  yield* ratedBattles(d, await publicModelIds(d), opts);
}

/**
 * A JSON Lines response body over `rows`: one line per pull, so one D1 page (and whatever `toLine` reads) is in
 * memory at a time. `toLine` returns null to leave a row out.
 */
export function jsonlStream<T>(
  rows: AsyncIterator<T>,
  toLine: (row: T) => object | null | Promise<object | null>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await rows.next();
        if (next.done) return controller.close();
        const line = await toLine(next.value);
        if (line === null) continue;
        controller.enqueue(encoder.encode(`${JSON.stringify(line)}\n`));
        return;
      }
    },
  });
}
