// npm run bench:leaderboard-v2 — calibration of the Leaderboard v2 statistics on simulated battles with known
// truth (issue 16), heavier than the tests in test/ratings/v2: coverage of the price-adjusted scores' intervals,
// the change test's false-positive rate with no true change, its power against a planted 30-point drop at
// several vote counts, and the cost of ratingChanges / adjustedView at cron scale.
// Usage: npm run bench:leaderboard-v2 [-- --draws 100] [--null-draws 1000] [--power-draws 50] [--scale 3000000]
import { adjustedView } from "../shared/ratings/adjusted";
import { computeBoard } from "../shared/ratings/board";
import { ratingChanges } from "../shared/ratings/change";
import { Rng } from "../shared/ratings/rng";
import { modelNames, segmentStart, simulateTable } from "../test/ratings/v2/sim";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const DRAWS = opt("--draws", 100);
const NULL_DRAWS = opt("--null-draws", 1000);
const POWER_DRAWS = opt("--power-draws", 50);
const SCALE = opt("--scale", 3_000_000);
const M = 12;
const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(1)}%`;

function olsResiduals(x: number[], y: number[]): number[] {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let k = 0; k < n; k++) {
    sxx += (x[k]! - mx) ** 2;
    sxy += (x[k]! - mx) * (y[k]! - my);
  }
  return y.map((v, k) => v - (my + (sxy / sxx) * (x[k]! - mx)));
}

// 1. Adjusted views: coverage of the true residuals (truth = f(log price) + N(0, 40²)).
for (const battles of [4000, 20_000]) {
  let covered = 0;
  let total = 0;
  let width = 0;
  for (let d = 0; d < DRAWS; d++) {
    const rng = new Rng(31_000 + d);
    const x = Array.from({ length: M }, () => -1 + 2.5 * rng.next());
    const truth = x.map((v) => 1000 + 80 * v + 12 * v * v + 40 * rng.normal());
    const table = simulateTable(M, [{ truth, battles }], rng);
    const board = computeBoard(table, { name: "overall", bootstrap: 100, seed: d, elo: false });
    const xs = new Map(modelNames(M).map((m, k) => [m, x[k]!]));
    const view = adjustedView(board.raw, xs, { covariate: "log10 price" })!;
    const target = olsResiduals(x, truth);
    for (const m of view.models) {
      const k = Number(m.model.slice(6));
      if (m.ci![0] <= target[k]! && target[k]! <= m.ci![1]) covered++;
      width += m.ci![1] - m.ci![0];
      total++;
    }
  }
  console.log(
    `adjusted: ${DRAWS} draws × ${M} models × ${battles} battles: 95% intervals cover the true residual for ` +
      `${covered}/${total} = ${pct(covered, total)} (mean width ${(width / total).toFixed(1)} points)`,
  );
}

// 2. Change test with no true change.
{
  let tests = 0;
  let raw = 0;
  let holm = 0;
  let fw = 0;
  const t0 = performance.now();
  for (let d = 0; d < NULL_DRAWS; d++) {
    const rng = new Rng(41_000 + d);
    const truth = Array.from({ length: M }, () => 1000 + 100 * rng.normal());
    const t = simulateTable(
      M,
      [
        { truth, battles: 10_000 },
        { truth, battles: 10_000 },
      ],
      rng,
      0.2,
    );
    const r = ratingChanges(t, { before: segmentStart(1), rounds: 100, seed: d });
    let any = false;
    for (const m of r.models) {
      tests++;
      if (m.p < 0.05) raw++;
      if (m.significant) {
        holm++;
        any = true;
      }
    }
    if (any) fw++;
  }
  console.log(
    `change, no true change: ${NULL_DRAWS} draws × ${M} models, 10k + 10k battles, 100 rounds: per-model ` +
      `p < 0.05 in ${pct(raw, tests)}, Holm-significant in ${pct(holm, tests)}, familywise (any model flagged) ` +
      `${pct(fw, NULL_DRAWS)} (${((performance.now() - t0) / NULL_DRAWS).toFixed(0)} ms per draw)`,
  );
}

// 3. Power against a planted 30-point drop of one model from the cutoff on (N battles before, N after).
for (const n of [10_000, 20_000, 50_000, 100_000]) {
  let det = 0;
  let delta = 0;
  for (let d = 0; d < POWER_DRAWS; d++) {
    const rng = new Rng(51_000 + d);
    const truth = Array.from({ length: M }, () => 1000 + 100 * rng.normal());
    const after = truth.slice();
    after[0] = after[0]! - 30;
    const t = simulateTable(
      M,
      [
        { truth, battles: n },
        { truth: after, battles: n },
      ],
      rng,
      0.2,
    );
    const m = ratingChanges(t, { before: segmentStart(1), rounds: 100, seed: d }).models.find(
      (x) => x.model === "model-000",
    )!;
    if (m.significant && m.delta < 0) det++;
    delta += m.delta;
  }
  console.log(
    `change, planted −30: ${n} + ${n} battles (~${Math.round(n / 6)} of the model's votes per period): ` +
      `detected (Holm, α = 0.05) in ${pct(det, POWER_DRAWS)}, mean delta ${(delta / POWER_DRAWS).toFixed(1)}`,
  );
}

// 4. Cost at cron scale: 50 models, SCALE battles, cutoff at 90%.
{
  const rng = new Rng(7);
  const models = 50;
  const truth = Array.from({ length: models }, () => 1000 + 100 * rng.normal());
  const t = simulateTable(
    models,
    [
      { truth, battles: Math.round(SCALE * 0.9) },
      { truth, battles: SCALE - Math.round(SCALE * 0.9) },
    ],
    rng,
    0.3,
  );
  const t0 = performance.now();
  const r = ratingChanges(t, { before: segmentStart(1), rounds: 100 });
  const t1 = performance.now();
  const board = computeBoard(t, { name: "overall", bootstrap: 100, elo: false });
  const t2 = performance.now();
  const xs = new Map(modelNames(models).map((m, k) => [m, (k % 7) / 3]));
  adjustedView(board.raw, xs, { covariate: "x" });
  const t3 = performance.now();
  console.log(
    `cost: ${SCALE} battles, ${models} models: ratingChanges (2 aggregations + 100 paired rounds) ` +
      `${(t1 - t0).toFixed(0)} ms (${r.models.length} models); computeBoard with 100 rounds ${(t2 - t1).toFixed(0)} ms; ` +
      `adjustedView ${(t3 - t2).toFixed(1)} ms`,
  );
}
