// The D1 side of the maintenance passes (workers/cron/maintenance): the queries each pass runs and the runner's
// small key/value state (cursors, last runs) in `maintenance_state`. The passes keep the policy (what is stale, what
// to tag, when to flag); these functions only read and write rows.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { insertChunks, paramChunks, selectInChunks } from "./chunks";
import type { Db } from "./queries";
import * as schema from "./schema";

const b = schema.battles;

// ---------------------------------------------------------------- runner state

export async function getState(d: Db, key: string): Promise<string | null> {
  const row = await d.select().from(schema.maintenanceState).where(eq(schema.maintenanceState.key, key)).get();
  return row?.value ?? null;
}

export function setState(d: Db, key: string, value: string, now: number) {
  return d
    .insert(schema.maintenanceState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: schema.maintenanceState.key, set: { value, updatedAt: now } });
}

// ---------------------------------------------------------------- 1. heuristic labels

/** Anonymous battles whose heuristic labels were computed by another HEURISTICS_REVISION than `revision` (or never). */
export async function staleLabelBattles(d: Db, revision: number, limit: number): Promise<string[]> {
  const rows = await d
    .select({ id: b.id })
    .from(b)
    .where(and(eq(b.anony, true), or(isNull(b.labelsRev), lt(b.labelsRev, revision), gt(b.labelsRev, revision))))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** A battle's label rows, as stored. */
export async function labelsOfBattle(d: Db, battleId: string) {
  return d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, battleId));
}

// ---------------------------------------------------------------- 2. judge jobs

/**
 * Clean anonymous battles without judge labels of revision `rev` (missing, older or another labeller's) whose last
 * judge job, if any, was requested before `requestedBefore`.
 */
export async function judgeDueBattles(d: Db, rev: string, requestedBefore: number, limit: number): Promise<string[]> {
  const rows = await d
    .select({ id: b.id })
    .from(b)
    .where(
      and(
        or(isNull(b.judgeRev), lt(b.judgeRev, rev), gt(b.judgeRev, rev)),
        or(isNull(b.judgeRequestedAt), lt(b.judgeRequestedAt, requestedBefore)),
        eq(b.anony, true),
        isNull(b.excludedReason),
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------- 3. dedup

/** The battles the dedup tags are computed over: rated (anonymous, not excluded) and with a prompt hash. */
const RATED = sql`anony = 1 AND excluded_reason IS NULL AND prompt_hash IS NOT NULL`;

/** How many prompts occur `count` times among the rated battles, for each count. */
export async function promptFrequencyHistogram(d: Db) {
  return d.all<{ count: number; prompts: number }>(
    sql`SELECT c AS count, COUNT(*) AS prompts FROM (SELECT COUNT(*) AS c FROM battles WHERE ${RATED} GROUP BY prompt_hash) GROUP BY c`,
  );
}

/** The prompts of more than `cutoff` rated battles, most frequent first, at most `limit`. */
export async function promptsAbove(d: Db, cutoff: number, limit: number): Promise<string[]> {
  const rows = await d.all<{ prompt_hash: string }>(
    sql`SELECT prompt_hash FROM battles WHERE ${RATED} GROUP BY prompt_hash HAVING COUNT(*) > ${cutoff}
        ORDER BY COUNT(*) DESC LIMIT ${limit}`,
  );
  return rows.map((r) => r.prompt_hash);
}

/** The prompts tagged high-frequency now. */
export async function highFreqTaggedPrompts(d: Db): Promise<string[]> {
  const rows = await d.selectDistinct({ h: b.promptHash }).from(b).where(eq(b.dedupHighFreq, true));
  return rows.map((r) => r.h).filter((h): h is string => h !== null);
}

/** A prompt no longer frequent: its battles lose the tag and are back in the sample. Returns the rows changed. */
export async function untagPrompt(d: Db, promptHash: string, now: number): Promise<number> {
  const r = await d
    .update(b)
    .set({ dedupHighFreq: false, dedupSampled: true, changedAt: now })
    .where(and(eq(b.promptHash, promptHash), eq(b.dedupHighFreq, true)))
    .run();
  return r.meta.changes ?? 0;
}

/** The rated battles of one prompt with their current tags. */
export async function ratedBattlesOfPrompt(d: Db, promptHash: string) {
  return d
    .select({ id: b.id, high: b.dedupHighFreq, sampled: b.dedupSampled })
    .from(b)
    .where(and(eq(b.promptHash, promptHash), sql`${RATED}`));
}

/** Battle ids in slices that fit one `tagHighFreq` statement (three bound parameters for the SET, one per id). */
export const tagChunks = (ids: readonly string[]): string[][] => paramChunks(ids, 1, 3);

/** Tags battles (one chunk from `tagChunks`) as of a high-frequency prompt, in or out of the sample. */
export async function tagHighFreq(d: Db, ids: string[], sampled: boolean, now: number): Promise<number> {
  const r = await d
    .update(b)
    .set({ dedupHighFreq: true, dedupSampled: sampled, changedAt: now })
    .where(inArray(b.id, ids))
    .run();
  return r.meta.changes ?? 0;
}

// ---------------------------------------------------------------- 4. anomalous voters

/** Clean anonymous votes counted by (model_a, model_b, winner): the null model's data. */
export async function cleanVoteCells(d: Db) {
  return d.all<{ a: string; b: string; winner: string; n: number }>(
    sql`SELECT model_a AS a, model_b AS b, winner, COUNT(*) AS n FROM battles
        WHERE anony = 1 AND excluded_reason IS NULL GROUP BY model_a, model_b, winner`,
  );
}

export interface RecordingCursor {
  at: number;
  id: string;
}

/** Anonymous votes after `cursor` in (recorded_at, id) order, recorded before `before`, at most `limit`. */
export async function anonymousVotesAfter(d: Db, cursor: RecordingCursor, before: number, limit: number) {
  return d
    .select({ id: b.id, voter: b.voterHash, a: b.modelA, b: b.modelB, winner: b.winner, at: b.recordedAt })
    .from(b)
    .where(
      and(sql`(${b.recordedAt}, ${b.id}) > (${cursor.at}, ${cursor.id})`, lt(b.recordedAt, before), eq(b.anony, true)),
    )
    .orderBy(asc(b.recordedAt), asc(b.id))
    .limit(limit);
}

export type VoterAnomalyRow = typeof schema.voterAnomaly.$inferSelect;

/** The stored test state of these voters (those that have one). */
export async function voterAnomalyStates(d: Db, voters: readonly string[]): Promise<VoterAnomalyRow[]> {
  return selectInChunks(voters, (chunk) =>
    d.select().from(schema.voterAnomaly).where(inArray(schema.voterAnomaly.voterHash, chunk)),
  );
}

/** The statements that store these voters' test states (insert or replace), in statement-sized chunks. */
export function upsertVoterAnomalyStates(d: Db, rows: (typeof schema.voterAnomaly.$inferInsert)[]) {
  const va = schema.voterAnomaly;
  return insertChunks(va, rows).map((chunk) =>
    d
      .insert(va)
      .values(chunk)
      .onConflictDoUpdate({
        target: va.voterHash,
        set: {
          votes: sql`excluded.votes`,
          fisher: sql`excluded.fisher`,
          checkpoint: sql`excluded.checkpoint`,
          nextAt: sql`excluded.next_at`,
          flaggedAt: sql`excluded.flagged_at`,
          updatedAt: sql`excluded.updated_at`,
        },
      }),
  );
}

/** The statement that excludes a flagged voter's clean anonymous battles as `anomalous_voter`. */
export function excludeVoterBattles(d: Db, voterHash: string, now: number) {
  return d
    .update(b)
    .set({ excludedReason: "anomalous_voter", changedAt: now })
    .where(and(eq(b.voterHash, voterHash), eq(b.anony, true), isNull(b.excludedReason)));
}

// ---------------------------------------------------------------- 5. prune

/** Deletes the vote-cap counters of days before `keepFrom` (a UTC day, YYYY-MM-DD); returns how many. */
export async function pruneVoterDailyVotes(d: Db, keepFrom: string): Promise<number> {
  const r = await d.delete(schema.voterDailyVotes).where(lt(schema.voterDailyVotes.day, keepFrom)).run();
  return r.meta.changes ?? 0;
}
