// Maintenance pass 4, anomalous voters: new anonymous votes, in recording order, feed the per-voter sequential test
// (shared/data/cleaning/anomaly.ts); a flagged voter's battles are excluded with `anomalous_voter` (published in
// data.excluded), and later ones at insert time (d1/queries.ts insertBattle).
import {
  anonymousVotesAfter,
  cleanVoteCells,
  excludeVoterBattles,
  getState,
  setState,
  upsertVoterAnomalyStates,
  voterAnomalyStates,
  type RecordingCursor,
} from "../../../d1/maintenance";
import type { Db } from "../../../d1/queries";
import { WINNER_TO_FASTCHAT } from "../../../queues/votes";
import { readConfig } from "../../../shared/core/config";
import { log } from "../../../shared/core/log";
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
} from "../../../shared/data/cleaning/anomaly";

export const ANOMALY_BATCH = 5_000;
/** Votes younger than this are left for the next pass: a concurrent consumer may still write older timestamps. */
export const ANOMALY_SETTLE_MS = 60_000;

export interface AnomalyReport {
  votes: number;
  voters: number;
  flagged: number;
  excluded: number;
}

/** The null model: Bradley–Terry strengths and the tie share over the clean anonymous votes. */
export async function fitNullModel(d: Db): Promise<NullModel> {
  const pairs = new Map<string, PairCount>();
  let ties = 0;
  let total = 0;
  for (const c of await cleanVoteCells(d)) {
    total += c.n;
    if (c.winner === WINNER_TO_FASTCHAT.tie || c.winner === WINNER_TO_FASTCHAT.bothbad) ties += c.n;
    const key = `${c.a}\u0000${c.b}`;
    const p = pairs.get(key) ?? { a: c.a, b: c.b, winsA: 0, total: 0 };
    p.total += c.n;
    p.winsA += c.winner === WINNER_TO_FASTCHAT.a ? c.n : c.winner === WINNER_TO_FASTCHAT.b ? 0 : c.n / 2;
    pairs.set(key, p);
  }
  return { theta: fitStrengths([...pairs.values()]), tieRate: total > 0 ? ties / total : 0.3 };
}

export async function runAnomaly(
  env: Env,
  d: Db,
  now: number,
  limit: number,
  settleMs: number,
): Promise<AnomalyReport> {
  const alpha = readConfig(env).anomalyAlpha;
  const cursor = JSON.parse((await getState(d, "anomaly_cursor")) ?? '{"at":0,"id":""}') as RecordingCursor;
  const page = await anonymousVotesAfter(d, cursor, now - settleMs + 1, limit);
  if (page.length === 0) return { votes: 0, voters: 0, flagged: 0, excluded: 0 };
  const model = await fitNullModel(d);
  const voters = [...new Set(page.map((p) => p.voter))];
  const states = new Map<string, VoterState>();
  for (const r of await voterAnomalyStates(d, voters)) states.set(r.voterHash, r);
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
  // One statement batch: the voters' states, then one exclusion per newly flagged voter, then the cursor.
  const last = page[page.length - 1]!;
  const statements = [
    ...upsertVoterAnomalyStates(d, upserts),
    ...[...newlyFlagged].map((voter) => excludeVoterBattles(d, voter, now)),
    setState(d, "anomaly_cursor", JSON.stringify({ at: last.at, id: last.id } satisfies RecordingCursor), now),
  ];
  const results = await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  let excluded = 0;
  for (let i = statements.length - 1 - newlyFlagged.size; i < statements.length - 1; i++) {
    excluded += (results[i] as { meta?: { changes?: number } }).meta?.changes ?? 0;
  }
  if (newlyFlagged.size) log.info("anomaly.flagged", { voters: newlyFlagged.size, excluded });
  return { votes: page.length, voters: touched.size, flagged: newlyFlagged.size, excluded };
}
