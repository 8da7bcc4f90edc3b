#!/usr/bin/env node
// npm run bench:cron [-- --battles 1000000] [--state DIR] — one full leaderboard recompute (the scheduled handler)
// over a local D1 holding N synthetic battles with style counts: wall time, the CPU the Worker's runtime (workerd)
// used, and its peak memory. The battles are loaded with `wrangler d1 execute --local` (multi-row
// INSERTs), then the arena runs as `npm start` runs it and /__scheduled is triggered; it returns once the snapshot
// is published. `--state DIR` keeps the loaded local state in DIR and reuses it on the next run (loading 1M battles
// takes minutes).
//
// workerd's RSS includes local D1's SQLite and is no guide to the Worker isolate's memory: `npm run bench:ratings`
// measures the cron's table and fits in Node instead (the "cron path" line). Since issue 17 the boards are fitted
// in queue-consumer invocations of the same workerd (one per board); their times are printed from recompute_parts.
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localD1, startArena } from "../scripts/arena-process.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const N = Number(args[args.indexOf("--battles") + 1] || 1_000_000) || 1_000_000;
const stateDir = args.includes("--state") ? path.resolve(args[args.indexOf("--state") + 1]) : undefined;
const MODELS = 60;
const ROWS_PER_INSERT = 200; // keeps each statement well under D1's 100 KB statement limit
const ROWS_PER_FILE = 250_000;

let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const models = Array.from({ length: MODELS }, (_, i) => `bench-model-${String(i).padStart(2, "0")}`);
const strength = models.map(() => (rand() - 0.5) * 2);
const winners = ["model_a", "model_b", "tie", "tie (bothbad)"];

function row(i) {
  const a = Math.floor(rand() * MODELS);
  const b = (a + 1 + Math.floor(rand() * (MODELS - 1))) % MODELS;
  const p = 1 / (1 + 10 ** (strength[b] - strength[a]));
  const u = rand();
  const w = u < 0.1 ? 2 : u < 0.15 ? 3 : rand() < p ? 0 : 1;
  const h = (x) => `'{"h1":${x},"h2":0,"h3":0,"h4":0,"h5":0,"h6":0}'`;
  const l = (x) => `'{"ordered":${x},"unordered":0}'`;
  const bo = (x) => `'{"**":${x},"__":0}'`;
  const t = 1_700_000_000_000 + i * 1000;
  const r = () => Math.floor(rand() * 5);
  return (
    `('bench-${i}','anonymous',1,'${models[a]}','${models[b]}','${winners[w]}','${"0".repeat(64)}',${t},${t},1,` +
    `${10 + r()},${100 + Math.floor(rand() * 400)},${100 + Math.floor(rand() * 400)},${h(r())},${h(r())},${l(r())},${l(r())},` +
    `${bo(r())},${bo(r())},NULL,'[]',NULL,0.001,0,NULL,${t})`
  );
}

const columns =
  "id,mode,anony,model_a,model_b,winner,voter_hash,created_at,voted_at,turns,user_tokens,tokens_a,tokens_b," +
  "header_count_a,header_count_b,list_count_a,list_count_b,bold_count_a,bold_count_b,language,categories," +
  "excluded_reason,sampling_probability,consent,transcript_key,recorded_at";

const loaded = stateDir && existsSync(path.join(stateDir, `loaded-${N}`));
if (stateDir) mkdirSync(stateDir, { recursive: true });
console.error(
  `bench:cron: starting the arena${loaded ? ` on ${stateDir}` : ` and loading ${N} battles into local D1`} …`,
);
const arena = await startArena({
  vars: { RATE_LIMITS: "off" },
  args: ["--refresh-seconds", "0"], // only the run measured here
  state: stateDir,
});
const sqlFile = path.join(tmpdir(), `bench-cron-${process.pid}.sql`);
try {
  if (!loaded) await load();
  const workerd = () =>
    readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .flatMap((p) => {
        try {
          if (!readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd")) return [];
          // This arena's workerd only (other checkouts may be running tests on the same machine).
          if (readlinkSync(`/proc/${p}/cwd`) !== root) return [];
          const stat = readFileSync(`/proc/${p}/stat`, "utf8");
          const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
          return [{ pid: p, cpu: (Number(f[11]) + Number(f[12])) / 100, hwmKiB: hwm }];
        } catch {
          return [];
        }
      });
  if (process.env.BENCH_KEEP) {
    console.error(`bench:cron: arena kept at ${arena.url} for ${process.env.BENCH_KEEP} s`);
    await new Promise((r) => setTimeout(r, Number(process.env.BENCH_KEEP) * 1000));
  }
  // A model the last snapshot did not know: a reused state then publishes anew instead of "unchanged".
  await putModel(`bench-extra-${Date.now()}`);
  const snapshotNow = async () => {
    const res = await httpGet(`${arena.url}/leaderboard.json`);
    return res.status === 200 ? JSON.parse(res.body).snapshot : null;
  };
  const previous = await snapshotNow();
  const before = workerd();
  const started = performance.now();
  console.error("bench:cron: triggering the scheduled handler …");
  // Done when /__scheduled answers or a new snapshot is served, whichever comes first: under wrangler dev a
  // response that takes minutes was seen to never reach the client although the run had published.
  let answered = null;
  httpGet(`${arena.url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).then(
    (r) => (answered = r),
    (err) => (answered = { status: 0, body: String(err) }),
  );
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (answered && answered.status !== 200)
      throw new Error(`/__scheduled answered ${answered.status}: ${answered.body.slice(0, 500)}`);
    if (answered || (await snapshotNow()) !== previous) break;
  }
  const wall = (performance.now() - started) / 1000;
  const after = workerd();
  const cpu = after.reduce((s, p) => s + p.cpu - (before.find((b) => b.pid === p.pid)?.cpu ?? 0), 0);
  const board = JSON.parse((await httpGet(`${arena.url}/leaderboard.json`)).body);
  console.log(
    `cron recompute over ${N} battles in local D1: ${wall.toFixed(1)} s wall (to ${answered ? "the response" : "the new snapshot"}), ${cpu.toFixed(1)} s CPU in workerd ` +
      `(all its threads: D1, the Worker, R2, wrangler's inspector), workerd peak RSS ` +
      `${Math.round(Math.max(...after.map((p) => p.hwmKiB)) / 1024)} MiB (includes local D1's SQLite); ` +
      `published ${board.data?.battles ?? "nothing"} battles, ${Object.keys(board.categories ?? {}).length} boards`,
  );
  // The fan-out (issue 17): each part ran in its own queue-consumer invocation; its time is in recompute_parts.
  const rows = JSON.parse(
    await localD1(arena.state, [
      "--json",
      "--command",
      "SELECT p.part, p.ms FROM recompute_parts p JOIN recompute_jobs j ON j.id = p.job_id " +
        "WHERE j.id = (SELECT id FROM recompute_jobs WHERE state = 'published' ORDER BY created_at DESC LIMIT 1) " +
        "ORDER BY p.ms DESC",
    ]),
  )[0]?.results ?? [];
  if (rows.length) {
    console.log(
      `per-part invocations (wall ms inside the consumer: read the frozen table, fit, write): ` +
        rows.map((r) => `${r.part} ${r.ms}`).join(", "),
    );
  }
} catch (err) {
  console.error(
    `bench:cron failed: ${err.message} ${err.cause ? `(${err.cause.message ?? err.cause})` : ""}\n--- arena output (tail) ---\n${arena.output().slice(-3000)}`,
  );
  process.exitCode = 1;
} finally {
  rmSync(sqlFile, { force: true });
  await arena.stop();
}

/** node:http, not fetch: fetch gives up on a response that takes more than 300 s to start. */
function httpGet(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function putModel(id) {
  const token = arena.adminToken;
  const res = await fetch(`${arena.url}/api/admin/models/${id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: id, organization: "Bench", provider: "demo", upstreamModel: "terse" }),
  });
  if (!res.ok) throw new Error(`registering ${id}: ${res.status}`);
}

async function load() {
  for (const id of models) await putModel(id);
  const t0 = performance.now();
  // In files of 250k battles: one SQL string for millions of rows would pass V8's string size limit.
  for (let start = 0; start < N; start += ROWS_PER_FILE) {
    const statements = [];
    for (let i = start; i < Math.min(N, start + ROWS_PER_FILE); i += ROWS_PER_INSERT) {
      const values = [];
      for (let k = i; k < Math.min(N, i + ROWS_PER_INSERT); k++) values.push(row(k));
      statements.push(`INSERT INTO battles (${columns}) VALUES ${values.join(",")};`);
    }
    writeFileSync(sqlFile, statements.join("\n"));
    await localD1(arena.state, ["--file", sqlFile, "--yes"]);
  }
  console.error(`bench:cron: loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Right after an outside process wrote the local D1 file, the first long request was cut off ("other side
  // closed"); after a short pause it runs normally. Local-dev only: in production only the Worker writes D1.
  await new Promise((r) => setTimeout(r, 20_000));
  if (stateDir) writeFileSync(path.join(stateDir, `loaded-${N}`), "");
}
