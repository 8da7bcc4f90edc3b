// npm run bench:cli — the ratings CLI end to end as a user runs it (`npm run --silent ratings -- --category overall
// FILE`: parsing, BT and style control with 100 bootstrap rounds each) on synthetic JSONL files of 1M and 10M
// lines (bench/synthetic-battles.ts: 60 models, FastChat-style conv_metadata), on 1 and 2 threads. Prints wall
// time, CPU and peak memory (from /usr/bin/time when the machine has it, else the CLI's own peak-memory line), and
// with --numpy the same fit by bench/numpy-style-fit.py (a straightforward numpy/scipy implementation) for scale.
// Usage: npm run bench:cli [-- --sizes 1000000,10000000] [--threads 2,1] [--dir DIR] [--numpy] [--numpy-rounds R]
//   --dir keeps the generated files there and reuses them on the next run (10M lines are ~3.4 GB).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { generate, writeBattlesJsonl } from "./synthetic-battles";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const SIZES = opt("--sizes", "1000000,10000000").split(",").map(Number);
const THREADS = opt("--threads", "2,1").split(",").map(Number);
const keep = args.includes("--dir");
const dir = keep ? opt("--dir", "") : mkdtempSync(path.join(tmpdir(), "bench-cli-"));
mkdirSync(dir, { recursive: true });
const timeBin = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(" ");

/** Runs a command, under /usr/bin/time when present: wall s, CPU s (user + system, all threads), peak RSS MiB. */
function measure(command: string[]): { wall: number; cpu: number | null; rssMiB: number | null; stderr: string } {
  const t0 = performance.now();
  const argv = timeBin ? [timeBin, "-f", "TIME %e %U %S %M", ...command] : command;
  const run = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
  const wall = (performance.now() - t0) / 1000;
  const stderr = run.stderr.toString();
  if (run.status !== 0) throw new Error(`${command.join(" ")} failed (${run.status}): ${stderr}`);
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
  return {
    wall,
    cpu: m ? Number(m[2]) + Number(m[3]) : null,
    rssMiB: m ? Math.round(Number(m[4]) / 1024) : null,
    stderr: stderr.replace(/TIME .*\n?/, ""),
  };
}

const fmt = (r: ReturnType<typeof measure>) =>
  `${r.wall.toFixed(1)} s wall` +
  (r.cpu !== null ? `, ${r.cpu.toFixed(1)} s CPU` : "") +
  (r.rssMiB !== null ? `, peak RSS ${r.rssMiB} MiB` : "");

console.log(`bench:cli — ${new Date().toISOString()}, load average ${load()}, files in ${dir}`);
for (const n of SIZES) {
  const file = path.join(dir, `battles-${n}.jsonl`);
  if (!existsSync(file)) {
    const t0 = performance.now();
    await writeBattlesJsonl(file, generate(n, 42, true));
    console.log(
      `  wrote ${n} lines (${(statSync(file).size / 1e9).toFixed(2)} GB) in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
  for (const threads of THREADS) {
    const r = measure([
      process.execPath,
      "scripts/ratings.mjs",
      "--threads",
      String(threads),
      "--category",
      "overall",
      file,
    ]);
    const own = r.stderr.trim().split("\n").at(-1);
    console.log(`${String(n).padStart(9)} lines, ${threads} thread(s): ${fmt(r)} (load ${load()}); CLI: ${own}`);
  }
  if (args.includes("--numpy")) {
    const rounds = opt("--numpy-rounds", "100");
    const r = measure(["python3", "bench/numpy-style-fit.py", "--rounds", rounds, file]);
    console.log(
      `${String(n).padStart(9)} lines, numpy/scipy (${rounds} rounds): ${fmt(r)} (load ${load()}); ${r.stderr.trim()}`,
    );
  }
}
if (!keep) rmSync(dir, { recursive: true, force: true });
