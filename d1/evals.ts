// D1 access of the LLM-judge evaluation service (DESIGN section 13, docs/judge.md "Service"): jobs, their stored
// answers and judgments (one row each, keyed by job, kind, question and slot, so every write is idempotent), and the
// pointer to each suite's published result.
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "./queries";
import * as schema from "./schema";

export type EvalJobRow = typeof schema.evalJobs.$inferSelect;
export type EvalItemRow = typeof schema.evalItems.$inferSelect;
export type EvalItemInsert = typeof schema.evalItems.$inferInsert;
export type EvalPublishedRow = typeof schema.evalPublished.$inferSelect;

export async function insertEvalJob(d: Db, row: typeof schema.evalJobs.$inferInsert): Promise<void> {
  await d.insert(schema.evalJobs).values(row);
}

export async function getEvalJob(d: Db, id: string): Promise<EvalJobRow | undefined> {
  return d.select().from(schema.evalJobs).where(eq(schema.evalJobs.id, id)).get();
}

/** The job if `owner` may see it: a provider id sees its own, null (the operator) sees the operator's. */
export async function ownedEvalJob(d: Db, owner: string | null, id: string): Promise<EvalJobRow | undefined> {
  const who = owner === null ? isNull(schema.evalJobs.owner) : eq(schema.evalJobs.owner, owner);
  return d
    .select()
    .from(schema.evalJobs)
    .where(and(eq(schema.evalJobs.id, id), who))
    .get();
}

/** queued → running, once (no-op otherwise). */
export async function markEvalRunning(d: Db, id: string, now: number): Promise<void> {
  await d
    .update(schema.evalJobs)
    .set({ status: "running", updatedAt: now })
    .where(and(eq(schema.evalJobs.id, id), eq(schema.evalJobs.status, "queued")));
}

/** Ends a job that has not ended yet; false when it already had (a duplicate finalize). */
export async function finishEvalJob(
  d: Db,
  id: string,
  end: { status: "done" | "failed"; reason: string | null; result: string | null },
  now: number,
): Promise<boolean> {
  const r = await d
    .update(schema.evalJobs)
    .set({ ...end, updatedAt: now, finishedAt: now })
    .where(and(eq(schema.evalJobs.id, id), inArray(schema.evalJobs.status, ["queued", "running"])));
  return changes(r) > 0;
}

/** Inserts the rows that do not exist yet; returns how many were new (per row, in order). */
export async function insertEvalItems(d: Db, rows: readonly EvalItemInsert[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const stmts = rows.map((row) => d.insert(schema.evalItems).values(row).onConflictDoNothing());
  const results = await d.batch(stmts as [(typeof stmts)[number], ...typeof stmts]);
  return results.map(changes);
}

export async function getEvalItem(
  d: Db,
  jobId: string,
  kind: "answer" | "judgment",
  questionId: string,
  slot: number,
): Promise<EvalItemRow | undefined> {
  const t = schema.evalItems;
  return d
    .select()
    .from(t)
    .where(and(eq(t.jobId, jobId), eq(t.kind, kind), eq(t.questionId, questionId), eq(t.slot, slot)))
    .get();
}

/** The judgment slots already stored for a question. */
export async function storedJudgmentSlots(d: Db, jobId: string, questionId: string): Promise<Set<number>> {
  const t = schema.evalItems;
  const rows = await d
    .select({ slot: t.slot })
    .from(t)
    .where(and(eq(t.jobId, jobId), eq(t.kind, "judgment"), eq(t.questionId, questionId)));
  return new Set(rows.map((r) => r.slot));
}

export async function evalItemsOf(d: Db, jobId: string): Promise<EvalItemRow[]> {
  return d.select().from(schema.evalItems).where(eq(schema.evalItems.jobId, jobId));
}

export interface EvalProgress {
  done: number;
  failed: number;
  stored: number;
}

/** Rows stored so far, by outcome: progress counts rows, so it can never count an item twice. */
export async function evalProgress(d: Db, jobId: string): Promise<EvalProgress> {
  const t = schema.evalItems;
  const rows = await d
    .select({ status: t.status, n: sql<number>`count(*)` })
    .from(t)
    .where(eq(t.jobId, jobId))
    .groupBy(t.status);
  const done = rows.find((r) => r.status === "done")?.n ?? 0;
  const failed = rows.find((r) => r.status === "failed")?.n ?? 0;
  return { done, failed, stored: done + failed };
}

/** The latest finished operator job per model for a suite and judge (what `/evals/<suite>.json` is built from). */
export async function latestOperatorJobs(d: Db, suite: string, judge: string): Promise<EvalJobRow[]> {
  const t = schema.evalJobs;
  const rows = await d
    .select()
    .from(t)
    .where(and(isNull(t.owner), eq(t.suite, suite), eq(t.judge, judge), eq(t.status, "done")))
    .orderBy(desc(t.finishedAt), desc(t.id));
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.model) ? false : (seen.add(r.model), true)));
}

export async function getEvalPublished(d: Db, suite: string): Promise<EvalPublishedRow | undefined> {
  return d.select().from(schema.evalPublished).where(eq(schema.evalPublished.suite, suite)).get();
}

export async function listEvalPublished(d: Db): Promise<EvalPublishedRow[]> {
  return d.select().from(schema.evalPublished).orderBy(schema.evalPublished.suite);
}

export async function upsertEvalPublished(d: Db, row: EvalPublishedRow): Promise<void> {
  await d
    .insert(schema.evalPublished)
    .values(row)
    .onConflictDoUpdate({
      target: schema.evalPublished.suite,
      set: { etag: row.etag, key: row.key, judge: row.judge, models: row.models, publishedAt: row.publishedAt },
    });
}

function changes(result: unknown): number {
  const meta = (result as { meta?: { changes?: number } } | undefined)?.meta;
  return typeof meta?.changes === "number" ? meta.changes : 0;
}

/** A job's answers by outcome (the early stop of a job whose model answers nothing). */
export async function answerCounts(d: Db, jobId: string): Promise<{ done: number; failed: number }> {
  const t = schema.evalItems;
  const rows = await d
    .select({ status: t.status, n: sql<number>`count(*)` })
    .from(t)
    .where(and(eq(t.jobId, jobId), eq(t.kind, "answer")))
    .groupBy(t.status);
  return {
    done: rows.find((r) => r.status === "done")?.n ?? 0,
    failed: rows.find((r) => r.status === "failed")?.n ?? 0,
  };
}

/** The hard-prompt criteria the labeller found met, by battle (its `battle_labels.detail` list), where stored. */
export async function hardPromptCriteria(d: Db, battleIds: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  const l = schema.battleLabels;
  for (let i = 0; i < battleIds.length; i += 90) {
    const rows = await d
      .select({ id: l.battleId, detail: l.detail })
      .from(l)
      .where(and(eq(l.label, "hard_prompts"), inArray(l.battleId, battleIds.slice(i, i + 90))));
    for (const r of rows) {
      try {
        const met = JSON.parse(r.detail ?? "null") as unknown;
        if (Array.isArray(met) && met.every((n) => typeof n === "number")) out.set(r.id, met as number[]);
      } catch {
        // Not a criteria list (e.g. "carried"): the battle counts as labelled hard without a score.
      }
    }
  }
  return out;
}
