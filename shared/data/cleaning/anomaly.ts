// Anomalous-voter detection, after the Chatbot Arena paper (Chiang et al. 2024, arXiv 2403.04132, "Detecting
// anomalous users"): every vote gets a p-value under the Bradley–Terry model of the arena, a voter's p-values are
// combined with Fisher's method (M = −2 Σ ln p_i ~ χ²(2n) for an honest voter), and the test is looked at only at a
// few random checkpoints, with the error rate split between them, so watching a voter for ever does not inflate it.
//
// Choices (docs/data.md "Anomalous voters"):
// - Null model: P(A wins) = (1 − τ)·σ(θ_A − θ_B), P(B wins) = (1 − τ)·σ(θ_B − θ_A), P(tie or both bad) = τ, with θ the
//   Bradley–Terry strengths fitted to the clean votes and τ their share of ties.
// - Per-vote p-value: one-sided against upsets, randomised. Outcomes are ordered from the most to the least
//   surprising for the model: the weaker side wins, a tie, the stronger side wins; p = P(more surprising) +
//   u·P(observed), with u uniform in [0, 1) drawn from a hash of the battle id (so the result is deterministic).
//   Under the null p is exactly uniform, so Fisher's statistic is exactly χ²(2n) and an honest voter is flagged with
//   probability at most α. Without u the p-values of a three-outcome vote are too coarse to tell a voter who keeps
//   picking the weaker side from an honest one unless the models are far apart (we measured: no detection at all in
//   the simulation of test/data/cleaning/anomaly.test.ts). What the test catches is votes that keep disagreeing with the
//   consensus ordering, which is what moves ratings; a voter who always picks the stronger side is not flagged.
// - Checkpoints: the k-th falls at a position drawn (from a hash of the voter and k) in the window
//   [10·2^(k−1), 10·2^k) votes, and is tested at level α_k = α / 2^k, so Σ α_k ≤ α over an unbounded number of
//   votes (Bonferroni). α defaults to 0.01 (ANOMALY_ALPHA).
// Pure: no I/O; workers/cron/maintenance runs it incrementally over new votes.
import { fnv1a } from "../../core/random";

export type Outcome = "model_a" | "model_b" | "tie" | "tie (bothbad)";

/** Vote count where the first checkpoint window starts. */
export const FIRST_WINDOW = 10;
/** p-values are floored here so one freak vote cannot make M infinite. */
const P_FLOOR = 1e-12;

export interface PairCount {
  a: string;
  b: string;
  /** Wins of a over b, ties counting half. */
  winsA: number;
  /** Battles between a and b. */
  total: number;
}

/**
 * Bradley–Terry strengths (natural logits, mean 0) by minorisation–maximisation (Hunter 2004), with one pseudo-win and
 * one pseudo-loss per model against an average opponent, so models that never lost (or never won) stay finite.
 */
export function fitStrengths(pairs: readonly PairCount[], iterations = 200): Map<string, number> {
  const names = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  const index = new Map(names.map((n, i) => [n, i] as const));
  const n = names.length;
  const wins = new Float64Array(n).fill(1); // the pseudo-win
  for (const p of pairs) {
    if (p.a === p.b) continue;
    wins[index.get(p.a)!]! += p.winsA;
    wins[index.get(p.b)!]! += p.total - p.winsA;
  }
  let gamma = new Float64Array(n).fill(1);
  for (let it = 0; it < iterations; it++) {
    const denom = new Float64Array(n);
    for (let i = 0; i < n; i++) denom[i] = 2 / (gamma[i]! + 1); // pseudo-games against an opponent of strength 1
    for (const p of pairs) {
      if (p.a === p.b || p.total === 0) continue;
      const i = index.get(p.a)!;
      const j = index.get(p.b)!;
      const s = p.total / (gamma[i]! + gamma[j]!);
      denom[i]! += s;
      denom[j]! += s;
    }
    const next = new Float64Array(n);
    let maxChange = 0;
    for (let i = 0; i < n; i++) {
      next[i] = wins[i]! / denom[i]!;
      maxChange = Math.max(maxChange, Math.abs(Math.log(next[i]! / gamma[i]!)));
    }
    gamma = next;
    if (maxChange < 1e-9) break;
  }
  const logs = Array.from(gamma, (g) => Math.log(g));
  const mean = logs.reduce((s, x) => s + x, 0) / Math.max(1, n);
  return new Map(names.map((name, i) => [name, logs[i]! - mean] as const));
}

export interface NullModel {
  theta: ReadonlyMap<string, number>;
  /** Share of ties (both kinds) among the clean votes. */
  tieRate: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Outcome probabilities of one battle under the null model; null when a model is unknown to it. */
export function outcomeProbabilities(m: NullModel, a: string, b: string): { a: number; b: number; tie: number } | null {
  const ta = m.theta.get(a);
  const tb = m.theta.get(b);
  if (ta === undefined || tb === undefined) return null;
  const tie = Math.min(0.98, Math.max(0.01, m.tieRate));
  const q = sigmoid(ta - tb);
  return { a: (1 - tie) * q, b: (1 - tie) * (1 - q), tie };
}

/**
 * The vote's randomised one-sided p-value (see the header); `u` in [0, 1) is the vote's own uniform draw
 * (uniformOf(battle id)). Null for a self-battle or a model the null model does not know.
 */
export function voteP(m: NullModel, a: string, b: string, winner: Outcome, u: number): number | null {
  if (a === b) return null; // a self-battle says nothing about the voter
  const probs = outcomeProbabilities(m, a, b);
  if (!probs) return null;
  const aStronger = probs.a >= probs.b;
  const upset = aStronger ? probs.b : probs.a;
  const expected = aStronger ? probs.a : probs.b;
  const isTie = winner === "tie" || winner === "tie (bothbad)";
  const strongerWon = (winner === "model_a") === aStronger;
  const p = isTie ? upset + u * probs.tie : strongerWon ? upset + probs.tie + u * expected : u * upset;
  return Math.max(P_FLOOR, Math.min(1, p));
}

/** A deterministic uniform [0, 1) draw for a vote, from its battle id. */
export const uniformOf = (battleId: string) => fnv1a(`anomaly\u0000${battleId}`) / 4294967296;

/** P(χ²(2n) ≥ x) = e^(−x/2) Σ_{k<n} (x/2)^k / k!, summed in log space (exact for even degrees of freedom). */
export function chiSquareSurvivalEven(x: number, n: number): number {
  if (x <= 0) return 1;
  const h = x / 2;
  let logTerm = -h; // k = 0
  let maxLog = logTerm;
  const logs: number[] = [logTerm];
  for (let k = 1; k < n; k++) {
    logTerm += Math.log(h) - Math.log(k);
    logs.push(logTerm);
    if (logTerm > maxLog) maxLog = logTerm;
  }
  let s = 0;
  for (const l of logs) s += Math.exp(l - maxLog);
  return Math.min(1, Math.exp(maxLog + Math.log(s)));
}

/** The vote count at which the voter's k-th checkpoint (k ≥ 1) falls: a hashed position in its window. */
export function checkpointAt(voter: string, k: number): number {
  const start = FIRST_WINDOW * 2 ** (k - 1);
  return start + (fnv1a(`${voter}\u0000${k}`) % start);
}

/** Level of the k-th checkpoint: α / 2^k, so all of them together spend at most α. */
export const checkpointLevel = (alpha: number, k: number) => alpha / 2 ** k;

export interface VoterState {
  votes: number;
  fisher: number;
  checkpoint: number;
  nextAt: number;
  flaggedAt: number | null;
}

export const newVoterState = (voter: string): VoterState => ({
  votes: 0,
  fisher: 0,
  checkpoint: 1,
  nextAt: checkpointAt(voter, 1),
  flaggedAt: null,
});

/**
 * Adds one vote's p-value to a voter's running test; at a checkpoint, flags the voter (flaggedAt = now) when
 * Fisher's statistic is significant at that checkpoint's level. A flagged voter stays flagged.
 */
export function addVote(state: VoterState, voter: string, p: number, alpha: number, now: number): VoterState {
  if (state.flaggedAt !== null) return { ...state, votes: state.votes + 1 };
  const s: VoterState = { ...state, votes: state.votes + 1, fisher: state.fisher - 2 * Math.log(p) };
  while (s.votes >= s.nextAt && s.flaggedAt === null) {
    if (chiSquareSurvivalEven(s.fisher, s.votes) <= checkpointLevel(alpha, s.checkpoint)) s.flaggedAt = now;
    else {
      s.checkpoint += 1;
      s.nextAt = checkpointAt(voter, s.checkpoint);
    }
  }
  return s;
}
