// A vote message (queues/votes.ts) as the D1 rows it becomes: its `battles` row, in FastChat's terms (winner values,
// per-side style counts), and the heuristic label rows the DO computed when the vote was cast. The consumer's side
// of the mapping, so d1/ knows rows and nothing about the queue's message.
import type { BattleInsert, LabelRow } from "../../d1/queries";
import { WINNER_TO_FASTCHAT, type VoteMessage } from "../../queues/votes";
import { categoriesOf, HEURISTIC_VERSIONS, type HeuristicLabel } from "../../shared/data/categories";

/** The `battles` row of one vote, recorded at `recordedAt`, with its retained transcript's R2 key (or null). */
export function voteToRow(m: VoteMessage, recordedAt: number, transcriptKey: string | null): BattleInsert {
  const c = m.classification;
  return {
    id: m.battleId,
    mode: m.mode,
    anony: m.mode === "anonymous",
    modelA: m.modelA,
    modelB: m.modelB,
    winner: WINNER_TO_FASTCHAT[m.winner],
    voterHash: m.voterHash,
    createdAt: m.createdAt,
    votedAt: m.votedAt,
    turns: m.turns,
    userTokens: m.userTokens,
    tokensA: m.style.a.tokens,
    tokensB: m.style.b.tokens,
    headerCountA: m.style.a.header,
    headerCountB: m.style.b.header,
    listCountA: m.style.a.list,
    listCountB: m.style.b.list,
    boldCountA: m.style.a.bold,
    boldCountB: m.style.b.bold,
    // Optional in the message (version 1 messages from before emoji were counted): null then.
    emojiCountA: m.style.a.emoji !== undefined && m.style.b.emoji !== undefined ? m.style.a.emoji : null,
    emojiCountB: m.style.a.emoji !== undefined && m.style.b.emoji !== undefined ? m.style.b.emoji : null,
    language: m.language,
    categories: c ? categoriesOf(c.labels) : [],
    excludedReason: m.excludedReason,
    samplingProbability: m.samplingProbability,
    consent: m.consent,
    transcriptKey,
    recordedAt,
    promptHash: c?.promptHash ?? null,
    labelsRev: c ? c.rev : null,
  };
}

/** The heuristic label rows of a vote, labelled at `now` (none when the message predates classification). */
export function voteLabelRows(m: VoteMessage, now: number): LabelRow[] {
  const c = m.classification;
  if (!c) return [];
  return [
    ...Object.entries(c.labels).map(([label, value]) => ({
      battleId: m.battleId,
      label,
      version: HEURISTIC_VERSIONS[label as HeuristicLabel],
      value,
      detail: null,
      source: "heuristic",
      labelledAt: now,
    })),
    {
      battleId: m.battleId,
      label: "language",
      version: HEURISTIC_VERSIONS.language,
      value: m.language !== null,
      detail: m.language,
      source: "heuristic",
      labelledAt: now,
    },
  ];
}
