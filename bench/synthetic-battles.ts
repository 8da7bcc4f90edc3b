// Synthetic battles with known truth for the benchmarks (bench:ratings, bench:cli): 60 models with strengths θ and
// per-model verbosity, FastChat-style per-side counts, outcomes drawn from the style-control model with true γ.
// Written as the JSONL a user would feed the ratings CLI (`writeBattlesJsonl`).
import { createWriteStream } from "node:fs";
import { Rng } from "../shared/ratings/rng";
import { emptyTable, OUTCOME_CODE, setStyleCounts, type BattleTable } from "../shared/ratings/table";

export const MODELS = 60;
export const GAMMA = [0.25, 0.03, 0.08, 0.04]; // true style effects per SD (length, header, list, bold)
// Half-win ties are not a generative model, so the truth has none (ties are covered by the tests).
export const TIE_SHARE = 0;

/** Known truth: strengths θ (log10-odds, rating = 400θ + 1000) and per-model style habits. */
export function truth(seed: number) {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const theta = Array.from({ length: MODELS }, () => 0.35 * normal());
  const verbosity = Array.from({ length: MODELS }, () => Math.exp(0.6 * normal()));
  return { theta, verbosity, rng };
}

/** n battles with FastChat-style counts; outcomes follow the style-control model with the true γ. */
export function generate(
  n: number,
  seed: number,
  keepCounts = false,
): { table: BattleTable; theta: number[]; countsA: Uint16Array | null; countsB: Uint16Array | null } {
  const { theta, verbosity, rng } = truth(seed);
  const t = emptyTable(
    n,
    theta.map((_, i) => `model-${String(i).padStart(2, "0")}`),
    { style: true },
  );
  // Per-side counts [length, header, list, bold]: the table holds only d; the counts are kept for the JSONL the CLI
  // benchmark writes (keepCounts), else one row's worth is reused, so the memory figures are the engine's own.
  const countsA = new Uint16Array(keepCounts ? n * 4 : 4);
  const countsB = new Uint16Array(keepCounts ? n * 4 : 4);
  const d = t.style!;
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rng.next() * MODELS);
    let b = Math.floor(rng.next() * (MODELS - 1));
    if (b >= a) b++;
    t.modelA[i] = a;
    t.modelB[i] = b;
    for (const [side, m, arr] of [
      [0, a, countsA],
      [1, b, countsB],
    ] as const) {
      void side;
      const v = verbosity[m]!;
      const o = keepCounts ? i * 4 : 0;
      arr[o] = Math.round(300 * v * (0.5 + rng.next()));
      arr[o + 1] = Math.floor(rng.next() * 5 * Math.min(2, v));
      arr[o + 2] = Math.floor(rng.next() * 8 * Math.min(2, v));
      arr[o + 3] = Math.floor(rng.next() * 6);
    }
    const o = keepCounts ? i * 4 : 0;
    setStyleCounts(d, i, countsA.subarray(o, o + 4), countsB.subarray(o, o + 4));
  }
  // z-score d as the fit does, then draw outcomes.
  const mean = [0, 0, 0, 0];
  const sd = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) for (let f = 0; f < 4; f++) mean[f]! += d[i * 4 + f]! / n;
  for (let i = 0; i < n; i++) for (let f = 0; f < 4; f++) sd[f]! += (d[i * 4 + f]! - mean[f]!) ** 2 / n;
  for (let i = 0; i < n; i++) {
    let logit = Math.LN10 * (theta[t.modelA[i]!]! - theta[t.modelB[i]!]!);
    for (let f = 0; f < 4; f++) logit += (GAMMA[f]! * (d[i * 4 + f]! - mean[f]!)) / Math.sqrt(sd[f]! || 1);
    const p = 1 / (1 + Math.exp(-logit));
    t.outcome[i] =
      rng.next() < TIE_SHARE ? OUTCOME_CODE.tie : rng.next() < p ? OUTCOME_CODE.model_a : OUTCOME_CODE.model_b;
  }
  return keepCounts ? { table: t, theta, countsA, countsB } : { table: t, theta, countsA: null, countsB: null };
}

/** The battles of `generate(n, seed, true)` as JSON Lines (id, tstamp, models, winner, conv_metadata). */
export async function writeBattlesJsonl(file: string, generated: ReturnType<typeof generate>): Promise<void> {
  const { table } = generated;
  const n = table.length;
  const countsA = generated.countsA!;
  const countsB = generated.countsB!;
  const out = createWriteStream(file);
  const winners = ["model_a", "model_b", "tie", "tie (bothbad)"];
  const counts = (s: Uint16Array, i: number, side: "a" | "b") => ({
    [`sum_assistant_${side}_tokens`]: s[i * 4],
    [`header_count_${side}`]: { h1: s[i * 4 + 1], h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
    [`list_count_${side}`]: { ordered: s[i * 4 + 2], unordered: 0 },
    [`bold_count_${side}`]: { "**": s[i * 4 + 3], __: 0 },
  });
  for (let i = 0; i < n; i++) {
    const line = JSON.stringify({
      id: `b${i}`,
      tstamp: 1_700_000_000 + i,
      model_a: table.models[table.modelA[i]!],
      model_b: table.models[table.modelB[i]!],
      winner: winners[table.outcome[i]!],
      conv_metadata: {
        sum_user_tokens: 20,
        ...counts(countsA, i, "a"),
        ...counts(countsB, i, "b"),
        turns: 1,
      },
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}
