// npm run bench:ratings — the ratings engine on synthetic battles with known truth (DESIGN section 7; issue 4):
// timings, peak memory and accuracy of BT + 100 bootstrap rounds and of style control + 100 bootstrap rounds at
// 100k, 1M and 3M battles, plus the CLI end to end on a 1M-line JSONL (parsing included).
// Usage: npm run bench:ratings [-- --sizes 100000,1000000,3000000] [--rounds 100] [--cron-size 3000000] [--no-cron]
//        [--no-cli]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { computeBoard } from "../shared/ratings/board";
import { GAMMA, generate, MODELS, TIE_SHARE, writeBattlesJsonl } from "./synthetic-battles";
import { Rng } from "../shared/ratings/rng";
import { buildLeaderboard } from "../shared/ratings/leaderboard";
import { computeStyleBoard, runRoundsInline } from "../shared/ratings/style-board";
import type { BattleTable } from "../shared/ratings/table";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = opt("--sizes", "100000,1000000,3000000").split(",").map(Number);
const ROUNDS = Number(opt("--rounds", "100"));
const mib = (bytes: number) => `${Math.round(bytes / 1048576)} MiB`;
const tableBytes = (t: BattleTable) =>
  t.modelA.byteLength +
  t.modelB.byteLength +
  t.outcome.byteLength +
  t.categoryBits.byteLength +
  (t.style?.byteLength ?? 0);
// Peak RSS of the whole Node process (the kernel's high-water mark, so sizes run smallest first), and the JS heap +
// buffers in use at the end of each phase (what a Worker isolate's 128 MB limit counts; the fits run
// synchronously, so this is sampled between phases, while the table and results are still alive).
let peakEngine = 0;
const sampleMemory = () => {
  (globalThis as { gc?: () => void }).gc?.(); // live memory only (npm run bench:ratings passes --expose-gc)
  const m = process.memoryUsage();
  peakEngine = Math.max(peakEngine, m.heapUsed + m.external);
};
const maxRss = () => process.resourceUsage().maxRSS * 1024;
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
// One function per size, so nothing of a finished size stays reachable when the next one measures memory.
for (const n of SIZES) benchSize(n);

function benchSize(n: number) {
  peakEngine = 0;
  const [{ table, theta }, genS] = time(() => generate(n, n));
  sampleMemory();
  const [board, btS] = time(() => computeBoard(table, { name: "overall", bootstrap: ROUNDS, seed: 0, elo: false }));
  sampleMemory();
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
  sampleMemory();
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
      `γ max error ${gammaErr.toFixed(3)}, γ in CI ${gammaIn}/4) | peak RSS ${mib(maxRss())}, ` +
      `JS heap + buffers ${mib(peakEngine)} (table ${mib(tableBytes(table))})`,
  );
}

if (!args.includes("--no-cron")) await benchCron();

async function benchCron() {
  // The cron worker's engine work at arena scale: every board (overall, categories with LMArena-like shares, the
  // no_tie view), each raw and style-controlled with 100 rounds, on the compact table the cron builds. CPU time is
  // what counts against the Worker's limits.cpu_ms; JS heap + buffers against its 128 MB.
  const n = Number(opt("--cron-size", "3000000"));
  const { table } = generate(n, 7);
  const shares: [string, number][] = [
    ["coding", 0.2],
    ["math", 0.05],
    ["hard_prompts", 0.3],
    ["instruction_following", 0.25],
    ["creative_writing", 0.1],
    ["multi_turn", 0.15],
    ["long_query", 0.05],
    ["english", 0.6],
    ["dedup", 0.95],
    ["no_short", 0.9],
  ];
  table.categories = [...shares.map(([c]) => c), "non_english"];
  const rng = new Rng(99);
  for (let i = 0; i < n; i++) {
    let bits = 0;
    shares.forEach(([, p], k) => {
      if (rng.next() < p) bits |= 1 << k;
    });
    if (!(bits & (1 << 7))) bits |= 1 << shares.length; // not english → non_english
    table.categoryBits[i] = bits >>> 0;
  }
  peakEngine = 0;
  sampleMemory();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let boards = 0;
  const json = await buildLeaderboard(
    table,
    { bootstrap: ROUNDS },
    { snapshot: "bench", generatedAt: new Date(0).toISOString(), sha256: "", excluded: {} },
    async (prep, rounds) => {
      sampleMemory(); // the board's design (row list) is alive here
      boards++;
      return runRoundsInline(prep, rounds);
    },
  );
  sampleMemory();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    `cron path: ${n} battles, ${Object.keys(json.categories).length} boards (${boards} style-controlled), ` +
      `${ROUNDS} rounds each: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, ` +
      `${((performance.now() - t0) / 1000).toFixed(1)} s wall; table ${mib(tableBytes(table))}, ` +
      `JS heap + buffers at most ${mib(peakEngine)} between phases; peak RSS ${mib(maxRss())}`,
  );
}

if (!args.includes("--no-cli")) {
  // The CLI end to end on a 1M-line JSONL with conv_metadata (parsing included), as a user runs it.
  const n = 1_000_000;
  const dir = mkdtempSync(path.join(tmpdir(), "bench-ratings-"));
  const file = path.join(dir, "battles.jsonl");
  const generated = generate(n, 42, true);
  await writeBattlesJsonl(file, generated);
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
