// npm run bench:redteam — the Red Team Arena ratings (shared/ratings/redteam.ts, DESIGN section 11) on synthetic
// games with known truth at 100k and 1M games: time of the joint penalised fit (with the online `live` score and
// the JSON assembly, i.e. buildRedteamJson with 0 rounds), time of the 100 bootstrap rounds (the default build
// minus that), memory (live heap of the input rows and of the build, peak RSS), and the Spearman correlation
// between true and published orders.
// Usage: npm run bench:redteam [-- --sizes 100000,1000000] [--rounds 100]
import { buildRedteamJson, redteamJsonText, type RedteamRow } from "../shared/ratings/redteam";
import { Rng } from "../shared/ratings/rng";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = opt("--sizes", "100000,1000000").split(",").map(Number);
const ROUNDS = Number(opt("--rounds", "100"));
const KINDS = ["bad-words", "secret", "system-prompt"];

/** Arena-like shape: 50 games per player on average, players' activity skewed (a few play a lot). */
function shape(games: number) {
  return {
    players: Math.max(10, Math.round(games / 50)),
    models: games >= 1_000_000 ? 50 : 30,
    targets: games >= 1_000_000 ? 300 : 150,
  };
}

function generate(games: number, seed: number) {
  const { players, models, targets } = shape(games);
  const rng = new Rng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const skill = Array.from({ length: players }, () => 1.0 * normal());
  const resist = Array.from({ length: models }, () => 0.8 * normal());
  const diff = Array.from({ length: targets }, () => 0.5 * normal());
  const rows: RedteamRow[] = new Array(games);
  for (let g = 0; g < games; g++) {
    // Activity ∝ 1/(rank+10): a long tail of occasional players.
    const p = Math.min(players - 1, Math.floor(players * rng.next() ** 2));
    const m = Math.floor(rng.next() * models);
    const t = Math.floor(rng.next() * targets);
    const prob = 1 / (1 + Math.exp(-(skill[p]! - resist[m]! - diff[t]!)));
    rows[g] = {
      id: `g${g}`,
      tstamp: 1_760_000_000 + g,
      player: `p${p}`,
      model: `m${m}`,
      kind: KINDS[t % 3]!,
      target: `t${t}`,
      outcome: rng.next() < prob ? "win" : rng.next() < 0.1 ? "forfeit" : "loss",
      turns: 3,
      seconds: 42,
    };
  }
  return { rows, truth: { skill, resist }, players, models, targets };
}

function spearman(truth: number[], published: { id: string; score: number }[]): number {
  const rank = (v: number[]) => {
    const r = new Array<number>(v.length);
    v.map((x, i) => [x, i] as const)
      .sort((a, b) => a[0] - b[0])
      .forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const a = rank(published.map((e) => truth[Number(e.id.slice(1))]!));
  const b = rank(published.map((e) => e.score));
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (a[i]! - b[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMiB = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};
const seconds = (t0: number) => (performance.now() - t0) / 1000;
/** CPU seconds of this process (user + system): steadier than wall time when other work shares the cores. */
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const meta = { snapshot: "bench", generatedAt: "2026-12-03T00:00:00.000Z", sha256: "0".repeat(64) };

console.log(`redteam bench: ${ROUNDS} bootstrap rounds, Node ${process.version}`);
for (const n of SIZES) {
  const base = heapMiB();
  const { rows, truth, players, models, targets } = generate(n, 7);
  const rowsHeap = heapMiB() - base;
  let t0 = performance.now();
  let c0 = cpu();
  const fitOnly = buildRedteamJson(rows, meta, { bootstrap: 0 });
  const fitTime = seconds(t0);
  const fitCpu = cpu() - c0;
  t0 = performance.now();
  c0 = cpu();
  const full = buildRedteamJson(rows, meta, { bootstrap: ROUNDS });
  const fullTime = seconds(t0);
  const fullCpu = cpu() - c0;
  const bytes = redteamJsonText(full).length;
  console.log(
    `${n.toLocaleString("en")} games (${players} players, ${models} models, ${targets} targets): ` +
      `fit ${fitTime.toFixed(2)} s wall / ${fitCpu.toFixed(2)} s CPU (${fitOnly.method.iterations} Newton iterations), ` +
      `bootstrap ${ROUNDS} rounds ${(fullTime - fitTime).toFixed(2)} s wall / ${(fullCpu - fitCpu).toFixed(2)} s CPU, ` +
      `total ${fullTime.toFixed(2)} s wall / ${fullCpu.toFixed(2)} s CPU; ` +
      `rows ${rowsHeap.toFixed(0)} MiB heap, JSON ${(bytes / 2 ** 20).toFixed(1)} MiB, ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; ` +
      `Spearman players ${spearman(truth.skill, full.players).toFixed(3)}, models ${spearman(truth.resist, full.models).toFixed(3)}; ` +
      `intervals widened ${(full.method.ci as { widened: number }).widened}`,
  );
}
