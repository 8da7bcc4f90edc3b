// Background data maintenance (DESIGN sections 8 and 9), one bounded pass per call. The scheduled handler calls
// runMaintenance(env) before it rates (the cron worker lives in workers/cron and is wired there); tests and
// bench/votes.mjs call it directly. Every step is idempotent and resumable, so a pass cut short is finished by the next.
//
// 1. relabel: battles whose heuristic labels predate HEURISTICS_REVISION are re-labelled from their text (retained
//    transcript, or the DO while it lives); without text the derivable labels are recomputed from the row and the
//    others are carried forward at the new version, marked "carried".
// 2. judge: battles without current LLM-judge labels (missing, stale prompt versions or another labeller) are queued
//    on arena-labels, again after JUDGE_REQUEUE_MS if the first job was lost.
// 3. dedup: FastChat's dedup tags over the rated battles (at most every DEDUP_INTERVAL_MS).
// 4. anomaly: new anonymous votes, in recording order, feed the per-voter sequential test; a flagged voter's
//    battles are excluded with `anomalous_voter` (published in data.excluded), and later ones at insert time.
// 5. prune: vote-cap counters older than two days.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import {
  db,
  getBattleRow,
  markJudgeRequested,
  refreshBattleLabels,
  upsertLabels,
  type Db,
  type LabelRow,
} from "../../d1/queries";
import { insertChunks, paramChunks, selectInChunks } from "../../d1/chunks";
import * as schema from "../../d1/schema";
import { LabelJob, sendLabelJobs } from "../../queues/labels";
import {
  classifyConversation,
  HEURISTIC_VERSIONS,
  HEURISTICS_REVISION,
  LONG_QUERY_TOKENS,
  SHORT_QUERY_TOKENS,
} from "../../shared/data/categories";
import {
  addVote,
  fitStrengths,
  newVoterState,
  uniformOf,
  voteP,
  type NullModel,
  type Outcome,
  type PairCount,
  type VoterState,
} from "../../shared/data/cleaning/anomaly";
import { DEDUP_PERCENTILE, quantileFromHistogram, sampleBattles } from "../../shared/data/cleaning/dedup";
import { utcDay } from "../../shared/core/time";
import { readConfig } from "../../shared/core/config";
import { judgeRevision } from "../../shared/data/labels/judge";
import { loadConversation } from "../../shared/battle/transcript";

export const RELABEL_BATCH = 100;
export const JUDGE_BATCH = 500;
export const ANOMALY_BATCH = 5_000;
export const JUDGE_REQUEUE_MS = 15 * 60_000;
export const DEDUP_INTERVAL_MS = 30 * 60_000;
/** Votes younger than this are left for the next pass: a concurrent consumer may still write older timestamps. */
export const ANOMALY_SETTLE_MS = 60_000;
const HIGH_FREQ_PROMPTS = 1_000;
/**
 * D1 answers at most 1,000 queries per invocation and the snapshot after this needs up to ~500: a dedup pass spends
 * at most this many on per-prompt work, then continues from a cursor on the next run (every prompt is visited in
 * hash order; the pass counts as done, and waits DEDUP_INTERVAL_MS, only when the cursor reaches the end).
 */
export const DEDUP_QUERIES_PER_RUN = 200;

export interface MaintenanceOptions {
  now?: number;
  /** Run dedup even if it ran less than DEDUP_INTERVAL_MS ago. */
  forceDedup?: boolean;
  relabelBatch?: number;
  anomalyBatch?: number;
  /** Settle window for the anomaly cursor (tests use 0). */
  settleMs?: number;
}

export interface MaintenanceReport {
  relabelled: number;
  judgeQueued: number;
  dedup: { ran: boolean; cutoff: number; highFreqPrompts: number; changed: number; complete: boolean } | null;
  anomaly: { votes: number; voters: number; flagged: number; excluded: number };
  pruned: number;
  ms: Record<string, number>;
}

const log = (msg: string, fields: Record<string, unknown>) => console.log(JSON.stringify({ msg, ...fields }));

export async function runMaintenance(env: Env, opts: MaintenanceOptions = {}): Promise<MaintenanceReport> {
  const d = db(env.DB);
  const now = opts.now ?? Date.now();
  const ms: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      ms[name] = Date.now() - t0;
    }
  };
  const relabelled = await timed("relabel", () => relabelStale(env, d, now, opts.relabelBatch ?? RELABEL_BATCH));
  const judgeQueued = await timed("judge", () => requeueJudge(env, d, now));
  const dedup = await timed("dedup", () => runDedup(d, now, opts.forceDedup ?? false));
  const anomaly = await timed("anomaly", () =>
    runAnomaly(env, d, now, opts.anomalyBatch ?? ANOMALY_BATCH, opts.settleMs ?? ANOMALY_SETTLE_MS),
  );
  const pruned = await timed("prune", () => pruneVoteCounters(d, now));
  const report = { relabelled, judgeQueued, dedup, anomaly, pruned, ms };
  log("maintenance.done", { ...report });
  return report;
}

// ---------------------------------------------------------------- 1. heuristic labels

async function relabelStale(env: Env, d: Db, now: number, limit: number): Promise<number> {
  const b = schema.battles;
  const stale = await d
    .select({ id: b.id })
    .from(b)
    .where(
      and(
        eq(b.anony, true),
        or(isNull(b.labelsRev), lt(b.labelsRev, HEURISTICS_REVISION), gt(b.labelsRev, HEURISTICS_REVISION)),
      ),
    )
    .limit(limit);
  for (const { id } of stale) await relabelBattle(env, d, id, now);
  return stale.length;
}

/** Re-labels one battle with the current heuristic versions. Exported for tests. */
export async function relabelBattle(env: Env, d: Db, id: string, now: number): Promise<"text" | "carried" | "missing"> {
  const battle = await getBattleRow(d, id);
  if (!battle) return "missing";
  const conversation = await loadConversation(env, battle).catch(() => null);
  const row = (label: keyof typeof HEURISTIC_VERSIONS, value: boolean | null, detail: string | null): LabelRow => ({
    battleId: id,
    label,
    version: HEURISTIC_VERSIONS[label],
    value,
    detail,
    source: "heuristic",
    labelledAt: now,
  });
  if (conversation && conversation.userTurns.length > 0) {
    const r = await classifyConversation(conversation);
    const rows = [
      ...Object.entries(r.labels).map(([label, value]) => row(label as keyof typeof HEURISTIC_VERSIONS, value, null)),
      row("language", r.language !== null, r.language),
    ];
    await d.batch([
      upsertLabels(d, rows),
      refreshBattleLabels(d, id, now, { labelsRev: HEURISTICS_REVISION, promptHash: r.promptHash }),
    ]);
    return "text";
  }
  // No text: what the row itself says is recomputed; the rest keeps its old value at the new version.
  const old = new Map(
    (await d.select().from(schema.battleLabels).where(eq(schema.battleLabels.battleId, id))).map(
      (l) => [l.label, l] as const,
    ),
  );
  const carried = (label: "coding" | "language") =>
    row(label, old.get(label)?.value ?? null, label === "language" ? (battle.language ?? null) : "carried");
  const rows = [
    row("multi_turn", battle.turns >= 2, null),
    row("long_query", battle.userTokens >= LONG_QUERY_TOKENS, null),
    row("short_query", battle.userTokens < SHORT_QUERY_TOKENS, null),
    carried("coding"),
    { ...carried("language"), value: battle.language !== null },
  ];
  await d.batch([upsertLabels(d, rows), refreshBattleLabels(d, id, now, { labelsRev: HEURISTICS_REVISION })]);
  return "carried";
}

// ---------------------------------------------------------------- 2. judge jobs

async function requeueJudge(env: Env, d: Db, now: number): Promise<number> {
  const labeller = readConfig(env).labeller;
  if (labeller === "off") return 0;
  const rev = judgeRevision(labeller);
  const b = schema.battles;
  const due = or(isNull(b.judgeRequestedAt), lt(b.judgeRequestedAt, now - JUDGE_REQUEUE_MS));
  const rows = await d
    .select({ id: b.id })
    .from(b)
    .where(
      and(
        or(isNull(b.judgeRev), lt(b.judgeRev, rev), gt(b.judgeRev, rev)),
        due,
        eq(b.anony, true),
        isNull(b.excludedReason),
      ),
    )
    .limit(JUDGE_BATCH);
  if (rows.length === 0) return 0;
  const ids = rows.map((r) => r.id);
  // Battle ids are UUIDs (the DO makes them); a row imported with another id cannot become a job: skip it, marked
  // as requested like the rest, instead of failing every run on it.
  const valid = ids.filter((id) => LabelJob.shape.battleId.safeParse(id).success);
  if (valid.length < ids.length) log("maintenance.judge_skipped", { battles: ids.length - valid.length });
  await sendLabelJobs(
    env.LABELS,
    valid.map((battleId) => ({ kind: "judge", battleId, rev })),
  );
  await markJudgeRequested(d, ids, now);
  return valid.length;
}

// ---------------------------------------------------------------- 3. dedup

const RATED = sql`anony = 1 AND excluded_reason IS NULL AND prompt_hash IS NOT NULL`;

async function getState(d: Db, key: string): Promise<string | null> {
  const row = await d.select().from(schema.maintenanceState).where(eq(schema.maintenanceState.key, key)).get();
  return row?.value ?? null;
}

function setState(d: Db, key: string, value: string, now: number) {
  return d
    .insert(schema.maintenanceState)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: schema.maintenanceState.key, set: { value, updatedAt: now } });
}

export async function runDedup(
  d: Db,
  now: number,
  force: boolean,
  budget = DEDUP_QUERIES_PER_RUN,
): Promise<MaintenanceReport["dedup"]> {
  const last = Number((await getState(d, "dedup_at")) ?? 0);
  const cursor = (await getState(d, "dedup_cursor")) ?? "";
  // A pass in progress (cursor set) goes on at every run; a finished one waits for the interval.
  if (!force && cursor === "" && now - last < DEDUP_INTERVAL_MS) return null;
  const histogram = await d.all<{ count: number; prompts: number }>(
    sql`SELECT c AS count, COUNT(*) AS prompts FROM (SELECT COUNT(*) AS c FROM battles WHERE ${RATED} GROUP BY prompt_hash) GROUP BY c`,
  );
  const cutoff = quantileFromHistogram(histogram, DEDUP_PERCENTILE);
  const high = await d.all<{ prompt_hash: string }>(
    sql`SELECT prompt_hash FROM battles WHERE ${RATED} GROUP BY prompt_hash HAVING COUNT(*) > ${cutoff}
        ORDER BY COUNT(*) DESC LIMIT ${HIGH_FREQ_PROMPTS}`,
  );
  const highSet = new Set(high.map((h) => h.prompt_hash));
  let changed = 0;
  let queries = 0;
  const b = schema.battles;
  const previously = await d.selectDistinct({ h: b.promptHash }).from(b).where(eq(b.dedupHighFreq, true));
  // Every prompt to look at — no longer frequent (back in the sample) or frequent (tag and sample) — in hash order,
  // from where the last run stopped.
  const work = [...new Set([...previously.map((p) => p.h).filter((h): h is string => h !== null), ...highSet])]
    .filter((h) => h > cursor)
    .sort();
  let done = 0;
  for (const promptHash of work) {
    if (queries >= budget) break;
    if (!highSet.has(promptHash)) {
      const r = await d
        .update(b)
        .set({ dedupHighFreq: false, dedupSampled: true, changedAt: now })
        .where(and(eq(b.promptHash, promptHash), eq(b.dedupHighFreq, true)))
        .run();
      queries++;
      changed += r.meta.changes ?? 0;
      done++;
      continue;
    }
    const rows = await d
      .select({ id: b.id, high: b.dedupHighFreq, sampled: b.dedupSampled })
      .from(b)
      .where(and(eq(b.promptHash, promptHash), sql`${RATED}`));
    queries++;
    const keep = sampleBattles(
      promptHash,
      rows.map((r) => r.id),
      cutoff,
    );
    const toSet = (sampled: boolean) =>
      rows
        .filter((r) => !r.high || r.sampled !== sampled)
        .filter((r) => keep.has(r.id) === sampled)
        .map((r) => r.id);
    // A very frequent prompt can need more updates than the budget: what is done stays done (rows already
    // tagged right are skipped above), and the next run picks the same prompt up again.
    let interrupted = false;
    for (const sampled of [true, false]) {
      // Three bound parameters for the SET, one per id.
      for (const chunk of paramChunks(toSet(sampled), 1, 3)) {
        if (queries >= budget) {
          interrupted = true;
          break;
        }
        const r = await d
          .update(b)
          .set({ dedupHighFreq: true, dedupSampled: sampled, changedAt: now })
          .where(inArray(b.id, chunk))
          .run();
        queries++;
        changed += r.meta.changes ?? 0;
      }
    }
    if (interrupted) break;
    done++;
  }
  const complete = done === work.length;
  if (complete) {
    await setState(d, "dedup_at", String(now), now);
    await setState(d, "dedup_cursor", "", now);
  } else {
    await setState(d, "dedup_cursor", work[done - 1] ?? cursor, now);
  }
  return { ran: true, cutoff, highFreqPrompts: highSet.size, changed, complete };
}

// ---------------------------------------------------------------- 4. anomalous voters

/** The null model: Bradley–Terry strengths and the tie share over the clean anonymous votes. */
export async function fitNullModel(d: Db): Promise<NullModel> {
  const cells = await d.all<{ a: string; b: string; winner: string; n: number }>(
    sql`SELECT model_a AS a, model_b AS b, winner, COUNT(*) AS n FROM battles
        WHERE anony = 1 AND excluded_reason IS NULL GROUP BY model_a, model_b, winner`,
  );
  const pairs = new Map<string, PairCount>();
  let ties = 0;
  let total = 0;
  for (const c of cells) {
    total += c.n;
    if (c.winner === "tie" || c.winner === "tie (bothbad)") ties += c.n;
    const key = `${c.a}\u0000${c.b}`;
    const p = pairs.get(key) ?? { a: c.a, b: c.b, winsA: 0, total: 0 };
    p.total += c.n;
    p.winsA += c.winner === "model_a" ? c.n : c.winner === "model_b" ? 0 : c.n / 2;
    pairs.set(key, p);
  }
  return { theta: fitStrengths([...pairs.values()]), tieRate: total > 0 ? ties / total : 0.3 };
}

async function runAnomaly(
  env: Env,
  d: Db,
  now: number,
  limit: number,
  settleMs: number,
): Promise<MaintenanceReport["anomaly"]> {
  const alpha = readConfig(env).anomalyAlpha;
  const cursor = JSON.parse((await getState(d, "anomaly_cursor")) ?? '{"at":0,"id":""}') as { at: number; id: string };
  const b = schema.battles;
  const page = await d
    .select({ id: b.id, voter: b.voterHash, a: b.modelA, b: b.modelB, winner: b.winner, at: b.recordedAt })
    .from(b)
    .where(
      and(
        sql`(${b.recordedAt}, ${b.id}) > (${cursor.at}, ${cursor.id})`,
        lt(b.recordedAt, now - settleMs + 1),
        eq(b.anony, true),
      ),
    )
    .orderBy(asc(b.recordedAt), asc(b.id))
    .limit(limit);
  if (page.length === 0) return { votes: 0, voters: 0, flagged: 0, excluded: 0 };
  const model = await fitNullModel(d);
  const voters = [...new Set(page.map((p) => p.voter))];
  const states = new Map<string, VoterState>();
  const known = await selectInChunks(voters, (chunk) =>
    d.select().from(schema.voterAnomaly).where(inArray(schema.voterAnomaly.voterHash, chunk)),
  );
  for (const r of known) states.set(r.voterHash, r);
  const newlyFlagged = new Set<string>();
  const touched = new Set<string>();
  for (const v of page) {
    const p = voteP(model, v.a, v.b, v.winner as Outcome, uniformOf(v.id));
    if (p === null) continue;
    const before = states.get(v.voter) ?? newVoterState(v.voter);
    const after = addVote(before, v.voter, p, alpha, now);
    if (before.flaggedAt === null && after.flaggedAt !== null) newlyFlagged.add(v.voter);
    states.set(v.voter, after);
    touched.add(v.voter);
  }
  const statements = [];
  const upserts = [...touched].map((voterHash) => {
    const s = states.get(voterHash)!;
    return {
      voterHash,
      votes: s.votes,
      fisher: s.fisher,
      checkpoint: s.checkpoint,
      nextAt: s.nextAt,
      flaggedAt: s.flaggedAt,
      updatedAt: now,
    };
  });
  const va = schema.voterAnomaly;
  for (const rows of insertChunks(va, upserts)) {
    statements.push(
      d
        .insert(va)
        .values(rows)
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
  for (const voter of newlyFlagged) {
    statements.push(
      d
        .update(b)
        .set({ excludedReason: "anomalous_voter", changedAt: now })
        .where(and(eq(b.voterHash, voter), eq(b.anony, true), isNull(b.excludedReason))),
    );
  }
  const last = page[page.length - 1]!;
  statements.push(setState(d, "anomaly_cursor", JSON.stringify({ at: last.at, id: last.id }), now));
  const results = await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  let excluded = 0;
  for (let i = statements.length - 1 - newlyFlagged.size; i < statements.length - 1; i++) {
    excluded += (results[i] as { meta?: { changes?: number } }).meta?.changes ?? 0;
  }
  if (newlyFlagged.size) log("anomaly.flagged", { voters: newlyFlagged.size, excluded });
  return { votes: page.length, voters: touched.size, flagged: newlyFlagged.size, excluded };
}

// ---------------------------------------------------------------- 5. prune

async function pruneVoteCounters(d: Db, now: number): Promise<number> {
  const keepFrom = utcDay(now - 2 * 86_400_000);
  const r = await d.delete(schema.voterDailyVotes).where(lt(schema.voterDailyVotes.day, keepFrom)).run();
  return r.meta.changes ?? 0;
}
