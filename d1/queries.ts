// All D1 access, as small functions over a drizzle client. Callers build the client per invocation: db(env.DB).
import { and, asc, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { LifecycleState } from "../shared/models/lifecycle";
import { mergeMetadata, type ModelInput, type ModelRecord } from "../shared/models";
import { CATEGORY_LABELS } from "../shared/data/categories";
import { paramChunks } from "./chunks";
import * as schema from "./schema";

export type Db = ReturnType<typeof db>;
export const db = (d1: D1Database) => drizzle(d1, { schema });

export async function listModels(d: Db): Promise<ModelRecord[]> {
  return d.select().from(schema.models).orderBy(schema.models.id);
}

/** Models that may currently be put in front of users (not paused, not deprecated). */
export async function listServingModels(d: Db): Promise<ModelRecord[]> {
  return d
    .select()
    .from(schema.models)
    .where(inArray(schema.models.status, ["active", "testing"]))
    .orderBy(schema.models.id);
}

export async function getModel(d: Db, id: string): Promise<ModelRecord | undefined> {
  return d.select().from(schema.models).where(eq(schema.models.id, id)).get();
}

/**
 * Creates or updates a model. Fields left out of `input` keep their stored value (or the schema default).
 * `existing` is the stored model (null: none); `lifecycle` is its visibility, status and lifecycle timestamps after
 * this write, which the caller decides (shared/models/lifecycle.ts).
 */
export async function upsertModel(
  d: Db,
  id: string,
  input: ModelInput,
  now: number,
  existing: ModelRecord | null,
  lifecycle: LifecycleState,
): Promise<ModelRecord> {
  const row: ModelRecord = {
    id,
    name: input.name,
    organization: input.organization,
    license: input.license ?? existing?.license ?? "proprietary",
    aliases: input.aliases ?? existing?.aliases ?? [],
    provider: input.provider,
    baseUrl: input.baseUrl !== undefined ? input.baseUrl : (existing?.baseUrl ?? null),
    upstreamModel: input.upstreamModel,
    apiKeySecret: input.apiKeySecret !== undefined ? input.apiKeySecret : (existing?.apiKeySecret ?? null),
    samplingWeight: input.samplingWeight ?? existing?.samplingWeight ?? 1,
    codename: input.codename !== undefined ? input.codename : (existing?.codename ?? null),
    modes: input.modes ?? existing?.modes ?? ["battle", "side-by-side", "chat"],
    params: input.params ?? existing?.params ?? {},
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    ownerId: existing?.ownerId ?? null,
    family: input.family !== undefined ? input.family : (existing?.family ?? null),
    ...mergeMetadata(input, existing),
    ...lifecycle,
  };
  const { id: _id, createdAt: _c, ...changes } = row;
  await d.insert(schema.models).values(row).onConflictDoUpdate({ target: schema.models.id, set: changes });
  return row;
}

export type BattleInsert = typeof schema.battles.$inferInsert;

/**
 * The insert for one battle row (workers/batch/vote-row.ts maps a vote to it); a redelivered vote hits the primary
 * key and changes nothing. An anonymous battle of a voter already flagged as anomalous is stored excluded straight
 * away (maintenance also sweeps the ones in between).
 */
export function insertBattle(d: Db, row: BattleInsert) {
  const flagged = sql`(SELECT 'anomalous_voter' FROM ${schema.voterAnomaly} WHERE ${schema.voterAnomaly.voterHash} = ${row.voterHash} AND ${schema.voterAnomaly.flaggedAt} IS NOT NULL)`;
  return d
    .insert(schema.battles)
    .values({ ...row, excludedReason: row.excludedReason ?? (row.anony ? flagged : null) })
    .onConflictDoNothing({ target: schema.battles.id });
}

/** Inserts label rows a battle does not have yet (a redelivered vote changes nothing); null when there are none. */
export function insertNewLabels(d: Db, rows: LabelRow[]) {
  if (rows.length === 0) return null;
  return d.insert(schema.battleLabels).values(rows).onConflictDoNothing();
}

/** Counts one vote toward a voter's day; returns the day's total including this one (one atomic statement). */
export async function countVoterVote(d: Db, voterHash: string, day: string): Promise<number> {
  const row = await d
    .insert(schema.voterDailyVotes)
    .values({ voterHash, day, votes: 1 })
    .onConflictDoUpdate({
      target: [schema.voterDailyVotes.voterHash, schema.voterDailyVotes.day],
      set: { votes: sql`${schema.voterDailyVotes.votes} + 1` },
    })
    .returning({ votes: schema.voterDailyVotes.votes })
    .get();
  return row?.votes ?? 1;
}

export async function getBattleRow(d: Db, id: string) {
  return d.select().from(schema.battles).where(eq(schema.battles.id, id)).get();
}

export async function isBattleRecorded(d: Db, id: string): Promise<boolean> {
  const row = await d.select({ id: schema.battles.id }).from(schema.battles).where(eq(schema.battles.id, id)).get();
  return row !== undefined;
}

export function insertDeadLetter(d: Db, row: typeof schema.deadLetters.$inferInsert) {
  return d.insert(schema.deadLetters).values(row).onConflictDoNothing({ target: schema.deadLetters.id });
}

export async function insertReport(d: Db, row: typeof schema.reports.$inferInsert): Promise<void> {
  await d.insert(schema.reports).values(row);
}

export async function insertChatFeedback(d: Db, row: typeof schema.chatFeedback.$inferInsert): Promise<void> {
  await d.insert(schema.chatFeedback).values(row);
}

export async function countReports(d: Db, battleId: string, voterHash: string): Promise<number> {
  const rows = await d
    .select({ id: schema.reports.id })
    .from(schema.reports)
    .where(and(eq(schema.reports.battleId, battleId), eq(schema.reports.voterHash, voterHash)));
  return rows.length;
}

// ---------------------------------------------------------------- circuit breaker

export interface BreakerPolicy {
  /** Consecutive failures that pause the model. */
  failures: number;
  cooldownMs: number;
}

/** Models the breaker has paused right now, with the time each comes back. */
export async function pausedModels(d: Db, now: number): Promise<Map<string, number>> {
  const rows = await d
    .select({ id: schema.modelHealth.modelId, until: schema.modelHealth.pausedUntil })
    .from(schema.modelHealth)
    .where(gt(schema.modelHealth.pausedUntil, now));
  return new Map(rows.map((r) => [r.id, r.until ?? now]));
}

export type ModelHealthRow = typeof schema.modelHealth.$inferSelect;

/** The breaker's row per model (the operator's view); a model that never failed has none. */
export async function modelHealthRows(d: Db, modelId?: string): Promise<Map<string, ModelHealthRow>> {
  const q = d.select().from(schema.modelHealth);
  const rows = await (modelId === undefined ? q : q.where(eq(schema.modelHealth.modelId, modelId)));
  return new Map(rows.map((r) => [r.modelId, r]));
}

/** A side finished normally: the failure streak ends (one cheap no-op write when there was none). */
export async function recordModelSuccess(d: Db, modelId: string, now: number): Promise<void> {
  await d
    .update(schema.modelHealth)
    .set({ consecutiveFailures: 0, pausedUntil: null, updatedAt: now })
    .where(and(eq(schema.modelHealth.modelId, modelId), gt(schema.modelHealth.consecutiveFailures, 0)));
}

/**
 * A side failed. After `policy.failures` in a row the model is paused for the cool-down, or for the provider's
 * Retry-After if longer; a Retry-After alone pauses it for that long. One atomic upsert, so concurrent battles
 * count every failure. After the pause the streak is kept: the next failure pauses it again at once (half-open).
 */
export async function recordModelFailure(
  d: Db,
  modelId: string,
  error: string,
  now: number,
  policy: BreakerPolicy,
  retryAfterMs = 0,
): Promise<void> {
  const pauseAt = (failures: SQL, otherwise: SQL) => sql`CASE
      WHEN ${failures} >= ${policy.failures} THEN ${now} + max(${policy.cooldownMs}, ${retryAfterMs})
      WHEN ${retryAfterMs} > 0 THEN ${now} + ${retryAfterMs}
      ELSE ${otherwise} END`;
  // In an UPDATE every expression sees the old row, so the order of the SET list does not matter.
  await d.run(sql`INSERT INTO model_health (model_id, consecutive_failures, paused_until, last_error, updated_at)
    VALUES (${modelId}, 1, ${pauseAt(sql`1`, sql`NULL`)}, ${error}, ${now})
    ON CONFLICT (model_id) DO UPDATE SET
      paused_until = ${pauseAt(sql`consecutive_failures + 1`, sql`paused_until`)},
      consecutive_failures = consecutive_failures + 1,
      last_error = ${error},
      updated_at = ${now}`);
}

// ---------------------------------------------------------------- leaderboard snapshots

export type SnapshotRow = typeof schema.leaderboardSnapshots.$inferSelect;

export async function latestSnapshot(d: Db): Promise<SnapshotRow | undefined> {
  return d
    .select()
    .from(schema.leaderboardSnapshots)
    .orderBy(desc(schema.leaderboardSnapshots.generatedAt), desc(schema.leaderboardSnapshots.id))
    .limit(1)
    .get();
}

export async function snapshotById(d: Db, id: string): Promise<SnapshotRow | undefined> {
  return d.select().from(schema.leaderboardSnapshots).where(eq(schema.leaderboardSnapshots.id, id)).get();
}

/** One model's rows on one board across snapshots, oldest first. */
export async function modelHistory(d: Db, model: string, category: string, style: boolean) {
  const h = schema.leaderboardHistory;
  return d
    .select({
      generatedAt: h.generatedAt,
      rating: h.rating,
      ciLow: h.ciLow,
      ciHigh: h.ciHigh,
      rank: h.rank,
      votes: h.votes,
      provisional: h.provisional,
    })
    .from(h)
    .where(and(eq(h.model, model), eq(h.category, category), eq(h.style, style)))
    .orderBy(asc(h.generatedAt));
}

/** Anonymous battles left out of the public boards, by reason (the snapshot's `data.excluded`). */
export async function excludedCounts(d: Db, recordedUpTo: number): Promise<Record<string, number>> {
  const b = schema.battles;
  const rows = await d
    .select({ reason: b.excludedReason, n: sql<number>`count(*)` })
    .from(b)
    .where(and(eq(b.anony, true), sql`${b.excludedReason} IS NOT NULL`, sql`${b.recordedAt} <= ${recordedUpTo}`))
    .groupBy(b.excludedReason)
    .orderBy(asc(b.excludedReason));
  return Object.fromEntries(rows.map((r) => [r.reason!, r.n]));
}

export function insertSnapshot(d: Db, row: typeof schema.leaderboardSnapshots.$inferInsert) {
  return d.insert(schema.leaderboardSnapshots).values(row);
}

/**
 * The flag goes in as a literal 0/1, not a bound parameter: the cron packs 10 rows of 10 parameters into each
 * statement (D1 allows 100), and an eleventh would cost a tenth more statements against the per-invocation limit.
 */
export function insertHistory(d: Db, rows: (typeof schema.leaderboardHistory.$inferInsert)[]) {
  return d
    .insert(schema.leaderboardHistory)
    .values(rows.map((r) => ({ ...r, provisional: r.provisional ? sql`1` : sql`0` })))
    .onConflictDoNothing();
}

/**
 * A cheap fingerprint of the battles table: a new vote (or a redelivered write) changes `count`/`lastRecordedAt`; a
 * change of labels, dedup tags or exclusion after recording (maintenance, judge) changes `lastChangedAt`.
 */
export async function battlesWatermark(
  d: Db,
): Promise<{ count: number; lastRecordedAt: number; lastChangedAt: number }> {
  const b = schema.battles;
  const row = await d
    .select({
      count: sql<number>`count(*)`,
      last: sql<number | null>`max(${b.recordedAt})`,
      changed: sql<number | null>`max(${b.changedAt})`,
    })
    .from(b)
    .get();
  return { count: row?.count ?? 0, lastRecordedAt: row?.last ?? 0, lastChangedAt: row?.changed ?? 0 };
}

// ---------------------------------------------------------------- labels (categories per battle, versioned)

export type LabelRow = typeof schema.battleLabels.$inferInsert;

/** Inserts or replaces label rows (a new classifier version overwrites the old value and version). */
export function upsertLabels(d: Db, rows: LabelRow[]) {
  return d
    .insert(schema.battleLabels)
    .values(rows)
    .onConflictDoUpdate({
      target: [schema.battleLabels.battleId, schema.battleLabels.label],
      set: {
        version: sql`excluded.version`,
        value: sql`excluded.value`,
        detail: sql`excluded.detail`,
        source: sql`excluded.source`,
        labelledAt: sql`excluded.labelled_at`,
      },
    });
}

/**
 * Rewrites a battle's `categories` (sorted names of its true category labels) and `language` from its label rows,
 * with any other column changes, and stamps `changed_at` so the next leaderboard run sees the change.
 */
export function refreshBattleLabels(
  d: Db,
  battleId: string,
  now: number,
  extra: Partial<Pick<typeof schema.battles.$inferInsert, "labelsRev" | "judgeRev" | "promptHash">> = {},
) {
  const l = schema.battleLabels;
  const names = sql.join(
    CATEGORY_LABELS.map((c) => sql`${c}`),
    sql`, `,
  );
  return d
    .update(schema.battles)
    .set({
      ...extra,
      categories: sql`(SELECT coalesce(json_group_array(label), '[]') FROM (SELECT ${l.label} AS label FROM ${l}
        WHERE ${l.battleId} = ${battleId} AND ${l.value} = 1 AND ${l.label} IN (${names}) ORDER BY ${l.label}))`,
      // The language label's code when the battle has one, else the column is left as it is.
      language: sql`CASE WHEN EXISTS (SELECT 1 FROM ${l} WHERE ${l.battleId} = ${battleId} AND ${l.label} = 'language')
        THEN (SELECT ${l.detail} FROM ${l} WHERE ${l.battleId} = ${battleId} AND ${l.label} = 'language')
        ELSE ${schema.battles.language} END`,
      changedAt: now,
    })
    .where(eq(schema.battles.id, battleId));
}

export async function cachedVerdicts(d: Db, promptHash: string, labeller: string) {
  return d
    .select()
    .from(schema.labelCache)
    .where(and(eq(schema.labelCache.promptHash, promptHash), eq(schema.labelCache.labeller, labeller)));
}

export function insertVerdict(d: Db, row: typeof schema.labelCache.$inferInsert) {
  return d.insert(schema.labelCache).values(row).onConflictDoNothing();
}

export async function markJudgeRequested(d: Db, ids: string[], now: number): Promise<void> {
  // One bound parameter for the SET, one per id.
  for (const chunk of paramChunks(ids, 1, 1)) {
    await d.update(schema.battles).set({ judgeRequestedAt: now }).where(inArray(schema.battles.id, chunk));
  }
}
