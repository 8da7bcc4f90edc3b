// Builders for maintenance tests: vote messages written straight to D1 through the batch worker's own insert.
import { env } from "cloudflare:workers";
import { db, insertBattle, insertNewLabels } from "../../../d1/queries";
import { voteLabelRows, voteToRow } from "../../../workers/batch/vote-row";
import type { VoteMessage } from "../../../queues/votes";
import { HEURISTICS_REVISION } from "../../../shared/data/categories";

const side = {
  tokens: 50,
  header: { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
  list: { ordered: 0, unordered: 0 },
  bold: { "**": 0, __: 0 },
};

export function vote(overrides: Partial<VoteMessage> = {}): VoteMessage {
  const now = Date.now();
  return {
    v: 1,
    battleId: crypto.randomUUID(),
    mode: "anonymous",
    modelA: "m-a",
    modelB: "m-b",
    winner: "a",
    voterHash: "ab".repeat(32),
    createdAt: now - 60_000,
    votedAt: now,
    turns: 1,
    userTokens: 12,
    style: { a: side, b: side },
    language: "en",
    excludedReason: null,
    samplingProbability: null,
    consent: false,
    classification: {
      rev: HEURISTICS_REVISION,
      labels: { coding: false, multi_turn: false, long_query: false, short_query: false },
      promptHash: "00".repeat(32),
    },
    ...overrides,
  };
}

/** Writes votes as the batch worker does (battle row + heuristic labels), `recordedAt` per vote. */
export async function writeVotes(votes: readonly { vote: VoteMessage; recordedAt: number; transcriptKey?: string }[]) {
  const d = db(env.DB);
  for (let i = 0; i < votes.length; i += 40) {
    const statements = votes.slice(i, i + 40).flatMap(({ vote: v, recordedAt, transcriptKey }) => {
      const labels = insertNewLabels(d, voteLabelRows(v, recordedAt));
      const battle = insertBattle(d, voteToRow(v, recordedAt, transcriptKey ?? null));
      return labels ? [battle, labels] : [battle];
    });
    await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  }
}

export const hex64 = (n: number) => n.toString(16).padStart(64, "0");
