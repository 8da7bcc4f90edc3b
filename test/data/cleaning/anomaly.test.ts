// Anomalous-voter detection (shared/data/cleaning/anomaly.ts) in a simulation: thousands of honest voters whose votes
// follow a true Bradley–Terry model with ties, and a few scripted voters (always for one weak model; always against
// the stronger side). The runner is simulated as maintenance runs it: votes arrive in chunks, and before each chunk
// the null model is refitted on the votes not yet excluded. Asserts detection and false-positive rates, and that
// excluding the flagged voters' votes leaves the ratings exactly as if those voters had never voted.
import { describe, expect, it } from "vitest";
import {
  addVote,
  checkpointAt,
  checkpointLevel,
  chiSquareSurvivalEven,
  fitStrengths,
  newVoterState,
  uniformOf,
  voteP,
  type Outcome,
  type PairCount,
  type VoterState,
} from "../../../shared/data/cleaning/anomaly";
import { mulberry32 } from "../../../shared/core/random";
import { computeBoard } from "../../../shared/ratings";
import { createValueParser } from "../../../shared/ratings/parse";

const ALPHA = 0.01;
const LN10_400 = Math.log(10) / 400;

interface Vote {
  voter: string;
  a: string;
  b: string;
  winner: Outcome;
}

function simulate(seed: number) {
  const rand = mulberry32(seed);
  const models = Array.from({ length: 12 }, (_, i) => `m${String(i).padStart(2, "0")}`);
  // True ratings 800..1240, 40 points apart.
  const truth = new Map(models.map((m, i) => [m, 800 + 40 * i] as const));
  const weak = "m02"; // the model the first group of scripted voters boosts
  const tie = 0.18;
  const bothbad = 0.07;
  const pair = (): [string, string] => {
    const i = Math.floor(rand() * models.length);
    let j = Math.floor(rand() * (models.length - 1));
    if (j >= i) j++;
    return [models[i]!, models[j]!];
  };
  const honestOutcome = (a: string, b: string): Outcome => {
    const u = rand();
    if (u < tie) return "tie";
    if (u < tie + bothbad) return "tie (bothbad)";
    const q = 1 / (1 + Math.exp(-(truth.get(a)! - truth.get(b)!) * LN10_400));
    return rand() < q ? "model_a" : "model_b";
  };
  const votes: Vote[] = [];
  const honest: string[] = [];
  for (let v = 0; v < 3000; v++) {
    const voter = `honest-${v}`;
    honest.push(voter);
    const n = 5 + Math.floor(rand() * 56); // 5..60 votes
    for (let k = 0; k < n; k++) {
      const [a, b] = pair();
      votes.push({ voter, a, b, winner: honestOutcome(a, b) });
    }
  }
  const scripted = { boost: [] as string[], contrarian: [] as string[] };
  for (let v = 0; v < 5; v++) {
    const voter = `boost-${v}`;
    scripted.boost.push(voter);
    for (let k = 0; k < 150; k++) {
      // Only battles that show the boosted model (it is recognisable by its style), always voted for it.
      const other = models.filter((m) => m !== weak)[Math.floor(rand() * (models.length - 1))]!;
      const aIsWeak = rand() < 0.5;
      votes.push({
        voter,
        a: aIsWeak ? weak : other,
        b: aIsWeak ? other : weak,
        winner: aIsWeak ? "model_a" : "model_b",
      });
    }
  }
  for (let v = 0; v < 5; v++) {
    const voter = `contrarian-${v}`;
    scripted.contrarian.push(voter);
    for (let k = 0; k < 150; k++) {
      const [a, b] = pair();
      // Against the stronger side (by the public leaderboard, here the truth).
      votes.push({ voter, a, b, winner: truth.get(a)! > truth.get(b)! ? "model_b" : "model_a" });
    }
  }
  // Votes arrive interleaved in time.
  for (let i = votes.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [votes[i], votes[j]] = [votes[j]!, votes[i]!];
  }
  return { votes, honest, scripted, weak, models };
}

/** The incremental runner, as workers/cron/maintenance/anomaly.ts runs it: chunks of new votes, the model refitted on clean votes. */
function runDetector(votes: readonly Vote[], chunks: number) {
  const states = new Map<string, VoterState>();
  const flagged = new Set<string>();
  const size = Math.ceil(votes.length / chunks);
  for (let c = 0; c < chunks; c++) {
    const upTo = Math.min(votes.length, (c + 1) * size);
    // Null model from every vote recorded so far whose voter is not flagged.
    const cells = new Map<string, PairCount>();
    let ties = 0;
    let clean = 0;
    for (let i = 0; i < upTo; i++) {
      const v = votes[i]!;
      if (flagged.has(v.voter)) continue;
      clean++;
      const key = `${v.a}|${v.b}`;
      const cell = cells.get(key) ?? { a: v.a, b: v.b, winsA: 0, total: 0 };
      cell.total++;
      cell.winsA += v.winner === "model_a" ? 1 : v.winner === "model_b" ? 0 : 0.5;
      if (v.winner === "tie" || v.winner === "tie (bothbad)") ties++;
      cells.set(key, cell);
    }
    const model = { theta: fitStrengths([...cells.values()]), tieRate: ties / clean };
    for (let i = c * size; i < upTo; i++) {
      const v = votes[i]!;
      const p = voteP(model, v.a, v.b, v.winner, uniformOf(`${v.voter}:${i}`));
      if (p === null) continue;
      const state = addVote(states.get(v.voter) ?? newVoterState(v.voter), v.voter, p, ALPHA, i);
      states.set(v.voter, state);
      if (state.flaggedAt !== null) flagged.add(v.voter);
    }
  }
  return flagged;
}

function ratings(rows: readonly Record<string, unknown>[]): Map<string, number> {
  const parser = createValueParser();
  for (const r of rows) parser.push(r);
  const { table } = parser.end();
  const board = computeBoard(table, { name: "overall", bootstrap: 0, elo: false });
  return new Map(board.models.map((m) => [m.model, m.rating] as const));
}

describe("anomalous-voter detection: simulation", () => {
  const sim = simulate(20240307);
  const flagged = runDetector(sim.votes, 8);
  const scriptedVoters = [...sim.scripted.boost, ...sim.scripted.contrarian];

  it("flags the scripted voters", () => {
    const detected = scriptedVoters.filter((v) => flagged.has(v));
    console.log(`scripted flagged: ${detected.length}/${scriptedVoters.length}`);
    expect(detected.length / scriptedVoters.length).toBeGreaterThanOrEqual(0.9);
    for (const group of [sim.scripted.boost, sim.scripted.contrarian]) {
      expect(group.filter((v) => flagged.has(v)).length).toBeGreaterThanOrEqual(4);
    }
  });

  it("rarely flags honest voters (at most α plus a tolerance)", () => {
    const fp = sim.honest.filter((v) => flagged.has(v)).length / sim.honest.length;
    console.log(`honest false-positive rate: ${(100 * fp).toFixed(2)} % of ${sim.honest.length} (α = ${ALPHA})`);
    expect(fp).toBeLessThanOrEqual(ALPHA + 0.01);
  });

  it("excluded flagged votes do not move the ratings; the attack would have", () => {
    const row = (v: Vote, excluded: boolean) => ({
      model_a: v.a,
      model_b: v.b,
      winner: v.winner,
      excluded_reason: excluded ? "anomalous_voter" : null,
    });
    const published = ratings(sim.votes.map((v) => row(v, flagged.has(v.voter))));
    const withoutThem = ratings(sim.votes.filter((v) => !flagged.has(v.voter)).map((v) => row(v, false)));
    expect([...published]).toEqual([...withoutThem]);
    // Undetected, the boosters would have lifted their model well above its clean rating.
    const attacked = ratings(sim.votes.map((v) => row(v, false)));
    expect(attacked.get(sim.weak)! - published.get(sim.weak)!).toBeGreaterThan(20);
  });
});

describe("anomaly building blocks", () => {
  it("χ² survival for even degrees of freedom matches known quantiles", () => {
    expect(chiSquareSurvivalEven(5.991, 1)).toBeCloseTo(0.05, 3); // χ²(2) 95 %
    expect(chiSquareSurvivalEven(18.307, 5)).toBeCloseTo(0.05, 3); // χ²(10) 95 %
    expect(chiSquareSurvivalEven(124.342, 50)).toBeCloseTo(0.05, 3); // χ²(100) 95 %
    expect(chiSquareSurvivalEven(0, 3)).toBe(1);
  });
  it("per-vote p-values are uniform under the null model", () => {
    const model = {
      theta: new Map([
        ["x", 0.5],
        ["y", -0.5],
      ]),
      tieRate: 0.2,
    };
    const rand = mulberry32(7);
    let below = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const u = rand();
      const q = 1 / (1 + Math.exp(-1));
      const w: Outcome = u < 0.2 ? "tie" : rand() < q ? "model_a" : "model_b";
      if (voteP(model, "x", "y", w, rand())! <= 0.3) below++;
    }
    expect(Math.abs(below / n - 0.3)).toBeLessThan(0.015);
  });
  it("checkpoints fall once in each doubling window and spend at most α in total", () => {
    for (let k = 1; k <= 6; k++) {
      const at = checkpointAt("voter", k);
      expect(at).toBeGreaterThanOrEqual(10 * 2 ** (k - 1));
      expect(at).toBeLessThan(10 * 2 ** k);
    }
    let spent = 0;
    for (let k = 1; k <= 60; k++) spent += checkpointLevel(ALPHA, k);
    expect(spent).toBeLessThanOrEqual(ALPHA);
  });
  it("recovers Bradley–Terry strengths", () => {
    const theta = fitStrengths([{ a: "x", b: "y", winsA: 7500, total: 10_000 }]);
    expect(theta.get("x")! - theta.get("y")!).toBeCloseTo(Math.log(3), 2);
  });
});
