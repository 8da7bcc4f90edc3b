// npm run bench:ratings — the ratings engine on synthetic battles with known truth (DESIGN section 7; issue 4):
// timings, peak memory and accuracy of BT + 100 bootstrap rounds and of style control + 100 bootstrap rounds at
// 100k, 1M and 3M battles, plus the CLI end to end on a 1M-line JSONL (parsing included).
// Usage: npm run bench:ratings [-- --sizes 100000,1000000,3000000] [--rounds 100] [--no-cli]
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { computeBoard } from "../shared/ratings/board";
import { Rng } from "../shared/ratings/rng";
import { computeStyleBoard } from "../shared/ratings/style-board";
import { emptyTable, OUTCOME_CODE, type BattleTable } from "../shared/ratings/table";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = opt("--sizes", "100000,1000000,3000000").split(",").map(Number);
const ROUNDS = Number(opt("--rounds", "100"));
const MODELS = 60;
const GAMMA = [0.25, 0.03, 0.08, 0.04]; // true style effects per SD (length, header, list, bold)
// Half-win ties are not a generative model, so the truth has none (ties are covered by the tests).
const TIE_SHARE = 0;

/** Known truth: strengths θ (log10-odds, rating = 400θ + 1000) and per-model style habits. */
function truth(seed: number) {
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const theta = Array.from({ length: MODELS }, () => 0.35 * normal());
  const verbosity = Array.from({ length: MODELS }, () => Math.exp(0.6 * normal()));
  return { theta, verbosity, rng };
}

/** n battles with FastChat-style counts; outcomes follow the style-control model with the true γ. */
function generate(n: number, seed: number): { table: BattleTable; theta: number[] } {
  const { theta, verbosity, rng } = truth(seed);
  const t = emptyTable(
    n,
    theta.map((_, i) => `model-${String(i).padStart(2, "0")}`),
    { style: true },
  );
  const d = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rng.next() * MODELS);
    let b = Math.floor(rng.next() * (MODELS - 1));
    if (b >= a) b++;
    t.modelA[i] = a;
    t.modelB[i] = b;
    for (const [side, m, arr] of [
      [0, a, t.styleA!],
      [1, b, t.styleB!],
    ] as const) {
      void side;
      const v = verbosity[m]!;
      arr[i * 4] = Math.round(300 * v * (0.5 + rng.next()));
      arr[i * 4 + 1] = Math.floor(rng.next() * 5 * Math.min(2, v));
      arr[i * 4 + 2] = Math.floor(rng.next() * 8 * Math.min(2, v));
      arr[i * 4 + 3] = Math.floor(rng.next() * 6);
    }
    for (let f = 0; f < 4; f++) {
      const x = t.styleA![i * 4 + f]!;
      const y = t.styleB![i * 4 + f]!;
      d[i * 4 + f] = (x - y) / (x + y + 1);
    }
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
  return { table: t, theta };
}

const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const r = f();
  return [r, (performance.now() - t0) / 1000];
};

/** Max |published − true| over models, both centred on their mean (ratings points). */
function error(models: { model: string; rating: number }[], theta: number[]): number {
  const tm = theta.reduce((s, x) => s + x, 0) / theta.length;
  const rm = models.reduce((s, m) => s + m.rating, 0) / models.length;
  return Math.max(...models.map((m) => Math.abs(m.rating - rm - 400 * (theta[Number(m.model.slice(6))]! - tm))));
}

console.log(
  `synthetic: ${MODELS} models, ${TIE_SHARE * 100}% ties, true γ = ${GAMMA.join(", ")}; ${ROUNDS} bootstrap rounds`,
);
for (const n of SIZES) {
  peak = process.memoryUsage().rss;
  const [{ table, theta }, genS] = time(() => generate(n, n));
  const [board, btS] = time(() => computeBoard(table, { name: "overall", bootstrap: ROUNDS, seed: 0, elo: false }));
  const [style, scS] = time(() =>
    computeStyleBoard(table, board.raw, {
      name: "overall",
      filter: {},
      bootstrap: ROUNDS,
      seed: 0,
      level: 0.95,
      l2: 0.5,
      anchor: null,
    }),
  );
  const covered = style.models.filter((m) => {
    const tm = theta.reduce((s, x) => s + x, 0) / theta.length;
    const rm = style.models.reduce((s, x) => s + x.rating, 0) / style.models.length;
    const truthRating = 400 * (theta[Number(m.model.slice(6))]! - tm) + rm;
    return m.ci && m.ci[0] <= truthRating && truthRating <= m.ci[1];
  }).length;
  const gammaErr = Math.max(...Object.values(style.coefficients).map((g, f) => Math.abs(g - GAMMA[f]!)));
  const gammaIn = Object.entries(style.coefficientsCi ?? {}).filter(
    ([, ci], f) => ci[0] <= GAMMA[f]! && GAMMA[f]! <= ci[1],
  ).length;
  console.log(
    `${String(n).padStart(9)} battles  generate ${genS.toFixed(2)} s | BT + ${ROUNDS} rounds ${btS.toFixed(2)} s ` +
      `(raw BT, which ignores style, off the truth by up to ${error(board.models, theta).toFixed(1)} pts) | ` +
      `style control + ${ROUNDS} rounds ${scS.toFixed(2)} s (max error ${error(style.models, theta).toFixed(1)} pts, CIs cover ${covered}/${MODELS}, ` +
      `γ max error ${gammaErr.toFixed(3)}, γ in CI ${gammaIn}/4) | peak RSS ${mib(peak)}`,
  );
}
clearInterval(sample);

if (!args.includes("--no-cli")) {
  // The CLI end to end on a 1M-line JSONL with conv_metadata (parsing included), as a user runs it.
  const n = 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), "bench-ratings-"));
  const file = path.join(dir, "battles.jsonl");
  const { table } = generate(n, 42);
  const out = createWriteStream(file);
  const winners = ["model_a", "model_b", "tie", "tie (bothbad)"];
  const counts = (s: Float64Array, i: number, side: "a" | "b") => ({
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
        ...counts(table.styleA!, i, "a"),
        ...counts(table.styleB!, i, "b"),
        turns: 1,
      },
    });
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ["scripts/ratings.mjs", "--category", "overall", file], {
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`the CLI failed: ${run.stderr}`);
  const stderr = run.stderr.toString();
  console.log(
    `CLI, 1M-line JSONL, --category overall (BT + style control, ${100} rounds each, parsing included): ` +
      `${((performance.now() - t0) / 1000).toFixed(2)} s end to end; ${stderr.trim().split("\n").at(-1)}`,
  );
  rmSync(dir, { recursive: true, force: true });
}
