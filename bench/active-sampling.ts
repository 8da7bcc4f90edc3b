// npm run bench:active-sampling — votes needed to reach a target interval width under uniform pair sampling and
// under shared/battle/active-sampling.ts (the Chatbot Arena paper's rule with a floor; DESIGN section 14).
// Known truth: M models with Bradley–Terry ratings ~ N(1000, 120²) points (no ties). Votes arrive in batches of
// BATCH; the policy's pair probabilities are recomputed from the current counts before each batch (as the cron
// would republish them), pairs are drawn from them, outcomes from the truth. After each batch the board is fitted
// (Bradley–Terry MLE) and every model's 95% half-width is read from the Fisher information at the fit
// (1.96·sqrt of the diagonal of the Laplacian's pseudo-inverse, in points: the normal interval the bootstrap
// approximates, cheap enough to evaluate after every batch). Stop when every model is within ±TARGET.
// Scenarios: "cold" — all M models start with no votes; "new models" — 12 established models with 40,000 votes
// between them (uniform), then 4 new models join with none; votes are counted from the moment they join.
// Usage: npm run bench:active-sampling [-- --seeds 5] [--target 15] [--floor 0.2] [--batch 250]
//        [--scale logit|win-rate]
import { activePairWeights, drawIndex, type PairCount, type VarianceScale } from "../shared/battle/active-sampling";
import { DEFAULT_RIDGE, fitBT, identifiability, POINTS_PER_LOGIT } from "../shared/ratings/bt";
import { spdInverse } from "../shared/ratings/linalg";
import type { PairStats } from "../shared/ratings/pairs";
import { Rng } from "../shared/ratings/rng";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SEEDS = Number(opt("--seeds", "5"));
const TARGET = Number(opt("--target", "15"));
const FLOOR = Number(opt("--floor", "0.2"));
const BATCH = Number(opt("--batch", "250"));
const SCALE = opt("--scale", "logit") as VarianceScale;
const MAX_VOTES = 400_000;

type Policy = "uniform" | "active";

interface World {
  M: number;
  theta: Float64Array; // natural logits
  n: Float64Array; // M×M, i<j used
  w: Float64Array; // wins of i over j, i<j
}

function world(seed: number, M: number): World {
  const rng = Rng.fromKey(`active-bench|truth|${seed}`);
  const theta = Float64Array.from({ length: M }, () => (120 * rng.normal()) / POINTS_PER_LOGIT);
  return { M, theta, n: new Float64Array(M * M), w: new Float64Array(M * M) };
}

function vote(wd: World, i: number, j: number, rng: Rng): void {
  const p = 1 / (1 + Math.exp((wd.theta[j] as number) - (wd.theta[i] as number)));
  wd.n[i * wd.M + j]! += 1;
  if (rng.next() < p) wd.w[i * wd.M + j]! += 1;
}

/** Max 95% half-width (points) over models `among`, or Infinity when the MLE does not exist yet. */
function maxHalfWidth(wd: World, active: number): number {
  const M = active;
  const pi: number[] = [];
  const pj: number[] = [];
  const wins: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < M; i++)
    for (let j = i + 1; j < M; j++) {
      const t = wd.n[i * wd.M + j] as number;
      if (t > 0) {
        pi.push(i);
        pj.push(j);
        wins.push(wd.w[i * wd.M + j] as number);
        total.push(t);
      }
    }
  const pairs: PairStats = {
    nModels: M,
    length: pi.length,
    i: Int32Array.from(pi),
    j: Int32Array.from(pj),
    wins: Float64Array.from(wins),
    total: Float64Array.from(total),
  };
  if (!identifiability(pairs).exists) return Infinity;
  const fit = fitBT(pairs, { ridge: 0 });
  // Fisher information (Laplacian) + 11ᵀ/M; pseudo-inverse = inverse − 11ᵀ/M.
  const H = new Float64Array(M * M);
  for (let p = 0; p < pairs.length; p++) {
    const i = pairs.i[p] as number;
    const j = pairs.j[p] as number;
    const pr = 1 / (1 + Math.exp((fit.theta[j] as number) - (fit.theta[i] as number)));
    const h = (pairs.total[p] as number) * pr * (1 - pr);
    H[i * M + i]! += h;
    H[j * M + j]! += h;
    H[i * M + j]! -= h;
    H[j * M + i]! -= h;
  }
  for (let k = 0; k < M * M; k++) H[k]! += 1 / M;
  const inv = spdInverse(H, M);
  if (!inv) return Infinity;
  let worst = 0;
  for (let m = 0; m < M; m++) {
    const v = (inv[m * M + m] as number) - 1 / M;
    worst = Math.max(worst, 1.959964 * Math.sqrt(Math.max(0, v)) * POINTS_PER_LOGIT);
  }
  return worst;
}

function probabilities(wd: World, M: number, policy: Policy): { i: number; j: number; probability: number }[] {
  const allowed: { a: string; b: string }[] = [];
  const idx: [number, number][] = [];
  const counts: PairCount[] = [];
  for (let i = 0; i < M; i++)
    for (let j = i + 1; j < M; j++) {
      allowed.push({ a: String(i), b: String(j) });
      idx.push([i, j]);
      counts.push({ a: String(i), b: String(j), n: wd.n[i * wd.M + j] as number, wins: wd.w[i * wd.M + j] as number });
    }
  if (policy === "uniform") return idx.map(([i, j]) => ({ i, j, probability: 1 / idx.length }));
  return activePairWeights(allowed, counts, { floor: FLOOR, scale: SCALE }).map((w, k) => ({
    i: idx[k]![0],
    j: idx[k]![1],
    probability: w.probability,
  }));
}

/** Votes until every one of the first `M` models is within ±TARGET (after `warm` established votes). */
function run(seed: number, policy: Policy, scenario: "cold" | "new"): number {
  const M = 16;
  const wd = world(seed, M);
  const rng = Rng.fromKey(`active-bench|votes|${seed}|${policy}|${scenario}`);
  if (scenario === "new") {
    const old = 12;
    const warm = Rng.fromKey(`active-bench|warm|${seed}`);
    for (let v = 0; v < 40_000; v++) {
      const i = Math.floor(warm.next() * old);
      let j = Math.floor(warm.next() * (old - 1));
      if (j >= i) j++;
      vote(wd, Math.min(i, j), Math.max(i, j), warm);
    }
  }
  let votes = 0;
  while (votes < MAX_VOTES) {
    const probs = probabilities(wd, M, policy);
    for (let b = 0; b < BATCH; b++) {
      const p = probs[drawIndex(probs, () => rng.next())]!;
      vote(wd, p.i, p.j, rng);
    }
    votes += BATCH;
    if (maxHalfWidth(wd, M) <= TARGET) return votes;
  }
  return Infinity;
}

const t0 = performance.now();
console.log(
  `16 models, ratings ~ N(1000, 120²), target: every model's 95% half-width ≤ ±${TARGET} points, ` +
    `batches of ${BATCH}, floor ε = ${FLOOR}, variance scale ${SCALE}`,
);
for (const scenario of ["cold", "new"] as const) {
  console.log(
    `\n${scenario === "cold" ? "cold start (all 16 new)" : "4 new models join 12 with 40,000 votes (votes after they join)"}`,
  );
  console.log("  seed   uniform   active   saved");
  let su = 0;
  let sa = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const u = run(seed, "uniform", scenario);
    const a = run(seed, "active", scenario);
    su += u;
    sa += a;
    console.log(
      `  ${String(seed).padStart(4)}  ${String(u).padStart(8)} ${String(a).padStart(8)}  ${(100 * (1 - a / u)).toFixed(1).padStart(5)}%`,
    );
  }
  console.log(
    `  mean  ${(su / SEEDS).toFixed(0).padStart(8)} ${(sa / SEEDS).toFixed(0).padStart(8)}  ${(100 * (1 - sa / su)).toFixed(1).padStart(5)}%`,
  );
}
console.log(`\n${((performance.now() - t0) / 1000).toFixed(1)} s`);
