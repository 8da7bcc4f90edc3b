// npm run bench:router-cron [-- --battles 100000] [--state DIR] [--max-battles M] — issue 14's cron and prompt-board
// figures on the real local stack (wrangler dev, workerd, local D1/R2), modelled on bench/cron.mjs:
//
// - N synthetic battles with prompts (bench/router-synthetic.ts, seeded: the topic decides who wins) are loaded into
//   local D1 with `wrangler d1 execute --local` multi-row INSERTs, anonymous, consented, with a transcript key and
//   a prompt hash. The prompt cache (`prompt_embeddings`) is PRE-FILLED for every prompt, computed here with the
//   Worker's own functions (hashedEmbedding, encodeVector, promptCategory), so the measured runs are the steady
//   state: training reads no R2 and embeds nothing (a cron embeds at most ROUTER_EMBED_PER_RUN new prompts a run).
// - Three /__scheduled runs, CPU of this arena's workerd (all threads) read from /proc around each:
//   A: leaderboard publishes + routers train (pair atlas-large/forge-coder);
//   B: pair changed (atlas-large/pico-small, then chirp-mini), leaderboard unchanged → only the routers retrain
//      (maintenance's dedup pass can take two runs after a fresh load: B is retried until the board is unchanged);
//   C: nothing changed → both skip (the fixed cost: maintenance, the battle query, the cache lookups).
//   B − C ≈ the training step's own CPU.
// - GET /api/leaderboard/prompt?q=… latency (first call: artifact load; then 50 varied prompts) and a sanity line:
//   the coder model should rank higher on a coding prompt's board than on a greeting's.
//
// `--state DIR` keeps the loaded local state and reuses it (loading 1M battles takes minutes). The labeller is off
// (LABELLER=off) so the judge queue does not run in the background during the measurement; the heuristic labels are
// marked current (labels_rev) so maintenance does not relabel N battles whose transcripts the bench never wrote.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HEURISTICS_REVISION } from "../shared/data/categories/index";
import { hashedEmbedding } from "../shared/routing/embedding";
import { promptCategory } from "../shared/routing/routers";
import { encodeVector } from "../shared/routing/vector";
import {
  SYNTH_CHATTY,
  SYNTH_CODER,
  SYNTH_MODELS,
  SYNTH_STRONG,
  SYNTH_WEAK,
  syntheticConversations,
} from "./router-synthetic";

// Run through scripts/run-ts.mjs (bundled into a temp file): arena-process.mjs is imported at run time from the
// checkout so its own paths (node_modules/wrangler, scripts/start.mjs) resolve.
const root = process.cwd();
const { localD1, startArena } = await import(pathToFileURL(path.join(root, "scripts/arena-process.mjs")).href);

const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const N = Number(opt("--battles") ?? 100_000) || 100_000;
const stateDir = opt("--state") ? path.resolve(opt("--state")!) : undefined;
const maxBattles = opt("--max-battles"); // ROUTER_MAX_BATTLES override (default: wrangler.toml's 20000)
const CHUNK = 50_000; // synthetic conversations generated at once (seed = chunk index + 1)
const ROWS_PER_INSERT = 120; // ~480 bytes a row: under D1's 100 KB statement limit
const EMB_ROWS_PER_INSERT = 150; // ~430 bytes a row: well under D1's 100 KB statement limit
const ROWS_PER_FILE = 250_000;
const EMBEDDER = "hashed-ngram-v1-256";
const T0 = 1_750_000_000_000;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

const columns =
  "id,mode,anony,model_a,model_b,winner,voter_hash,created_at,voted_at,turns,user_tokens,tokens_a,tokens_b," +
  "header_count_a,header_count_b,list_count_a,list_count_b,bold_count_a,bold_count_b,language,categories," +
  "excluded_reason,sampling_probability,consent,transcript_key,recorded_at,prompt_hash,labels_rev";
const h = `'{"h1":0,"h2":0,"h3":0,"h4":0,"h5":0,"h6":0}'`;
const l = `'{"ordered":0,"unordered":0}'`;
const bo = `'{"**":0,"__":0}'`;
// 20,000 synthetic voters (one voter for every battle would be a textbook anomalous voter for maintenance).
const voters = Array.from({ length: 20_000 }, (_, v) => createHash("sha256").update(`bench-voter-${v}`).digest("hex"));
const voter = (i: number) => voters[(i * 7919) % voters.length]!;
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

const loaded = stateDir && existsSync(path.join(stateDir, `loaded-${N}`));
if (stateDir) mkdirSync(stateDir, { recursive: true });
console.log(
  `bench:router-cron: node ${process.version}, load average ${load()}, ${N} battles${loaded ? ` (reusing ${stateDir})` : ""}` +
    `, ROUTER_MAX_BATTLES ${maxBattles ?? "20000 (default)"}`,
);
const arena = await startArena({
  vars: { RATE_LIMITS: "off", LABELLER: "off", ...(maxBattles ? { ROUTER_MAX_BATTLES: maxBattles } : {}) },
  args: ["--refresh-seconds", "0"], // only the runs measured here
  state: stateDir,
});
const sqlFile = path.join(tmpdir(), `bench-router-cron-${process.pid}.sql`);

// This arena's process group: startArena runs scripts/start.mjs detached (its own group) with `--port PORT`. Only
// workerd processes in that group count: the same checkout may be running vitest's workerd at the same time.
const port = new URL(arena.url).port;
const group = readdirSync("/proc").find((p) => {
  try {
    const cmd = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
    return cmd.some((a) => a.endsWith("scripts/start.mjs")) && cmd[cmd.indexOf("--port") + 1] === port;
  } catch {
    return false;
  }
});
if (!group) throw new Error("could not find the arena's start.mjs process");

function workerd() {
  return readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        if (!readFileSync(`/proc/${p}/cmdline`, "utf8").includes("workerd")) return [];
        if (readlinkSync(`/proc/${p}/cwd`) !== root) return [];
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (f[2] !== group) return []; // this arena's workerd only
        return [{ pid: p, cpu: (Number(f[11]) + Number(f[12])) / 100 }];
      } catch {
        return [];
      }
    });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (text += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

async function admin(method: string, p: string, body: unknown) {
  const res = await fetch(`${arena.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${arena.adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
}
const putModel = (id: string) =>
  admin("PUT", `/api/admin/models/${id}`, {
    name: id,
    organization: "Bench",
    provider: "demo",
    upstreamModel: "terse",
  });
const putPair = (strong: string, weak: string) => admin("PUT", "/api/admin/routing", { strong, weak });

async function loadBattles() {
  for (const id of SYNTH_MODELS) await putModel(id);
  const t0 = performance.now();
  const seen = new Set<string>();
  let battleStmts: string[] = [];
  let battleRows = 0;
  let embStmts: string[] = [];
  let embRows = 0;
  let embVals: string[] = [];
  let vals: string[] = [];
  let embedMs = 0;
  const flush = async (stmts: string[]) => {
    writeFileSync(sqlFile, stmts.join("\n"));
    await localD1(arena.state, ["--file", sqlFile, "--yes"]);
  };
  for (let start = 0; start < N; start += CHUNK) {
    const rows = syntheticConversations({ n: Math.min(CHUNK, N - start), seed: start / CHUNK + 1 });
    for (let k = 0; k < rows.length; k++) {
      const i = start + k;
      const r = rows[k]!;
      const prompt = r.conversation_a[0]!.content;
      const hash = createHash("sha256").update(prompt).digest("hex");
      const t = T0 + i * 1000;
      vals.push(
        `('rc-${i}','anonymous',1,'${r.model_a}','${r.model_b}','${r.winner}','${voter(i)}',${t},${t},1,` +
          `${Math.ceil(prompt.length / 4)},100,100,${h},${h},${l},${l},${bo},${bo},'en','[]',NULL,0.001,1,` +
          `'transcripts/bench/rc-${i}.json',${t},'${hash}',${HEURISTICS_REVISION})`,
      );
      if (vals.length === ROWS_PER_INSERT) {
        battleStmts.push(`INSERT INTO battles (${columns}) VALUES ${vals.join(",")};`);
        vals = [];
      }
      battleRows++;
      if (!seen.has(hash)) {
        seen.add(hash);
        const e0 = performance.now();
        const { scale, vector } = encodeVector(hashedEmbedding(prompt, 256));
        const category = promptCategory(prompt);
        embedMs += performance.now() - e0;
        embVals.push(`('${hash}','${EMBEDDER}',${scale},'${vector}',${q(category)},${t})`);
        if (embVals.length === EMB_ROWS_PER_INSERT) {
          embStmts.push(
            `INSERT INTO prompt_embeddings (prompt_hash,embedder,scale,vector,category,created_at) VALUES ${embVals.join(",")};`,
          );
          embVals = [];
          embRows += EMB_ROWS_PER_INSERT;
        }
      }
    }
    const last = start + CHUNK >= N;
    if (last && vals.length) battleStmts.push(`INSERT INTO battles (${columns}) VALUES ${vals.join(",")};`);
    if (last && embVals.length)
      embStmts.push(
        `INSERT INTO prompt_embeddings (prompt_hash,embedder,scale,vector,category,created_at) VALUES ${embVals.join(",")};`,
      );
    if (battleRows >= ROWS_PER_FILE || last) {
      await flush(battleStmts);
      battleStmts = [];
      battleRows = 0;
    }
    if (embStmts.length * EMB_ROWS_PER_INSERT >= ROWS_PER_FILE / 2 || last) {
      await flush(embStmts);
      embStmts = [];
    }
    console.error(`bench:router-cron: ${Math.min(N, start + CHUNK)} battles generated …`);
  }
  console.log(
    `loaded ${N} battles and ${seen.size} distinct prompts (cache pre-filled: ${seen.size} embeddings, ` +
      `${(embedMs / 1000).toFixed(1)} s to embed them in Node) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  void embRows;
  // As bench/cron.mjs: right after an outside process wrote the local D1 file, the first long request was cut off.
  await new Promise((r) => setTimeout(r, 20_000));
  if (stateDir) writeFileSync(path.join(stateDir, `loaded-${N}`), "");
}

interface LogLine {
  msg: string;
  ms?: number;
  battles?: number;
  embedded?: number;
  [k: string]: unknown;
}
function logLines(from: number): LogLine[] {
  return arena
    .output()
    .slice(from)
    .split("\n")
    .flatMap((s: string) => {
      const i = s.indexOf('{"level"');
      if (i < 0) return [];
      try {
        return [JSON.parse(s.slice(i)) as LogLine];
      } catch {
        return [];
      }
    });
}

async function scheduled(label: string) {
  const from = arena.output().length;
  const before = workerd();
  const l0 = load();
  const started = performance.now();
  let answered: { status: number; body: string } | null = null;
  httpGet(`${arena.url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).then(
    (r) => (answered = r),
    (err) => (answered = { status: 0, body: String(err) }),
  );
  // Done when /__scheduled answers; as bench/cron.mjs, also when the run's last log line shows (a long response
  // was seen never to reach the client under wrangler dev), then a short grace for the last R2 writes.
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const a = answered as { status: number; body: string } | null;
    if (a && a.status !== 200) throw new Error(`/__scheduled answered ${a.status}: ${a.body.slice(0, 500)}`);
    if (a) break;
    if (logLines(from).some((x) => x.msg === "routing.trained" || x.msg === "routing.train_failed")) {
      await new Promise((r) => setTimeout(r, 1000));
      break;
    }
  }
  const wall = (performance.now() - started) / 1000;
  const after = workerd();
  const cpu = after.reduce((s, p) => s + p.cpu - (before.find((b) => b.pid === p.pid)?.cpu ?? 0), 0);
  const lines = logLines(from);
  const board = lines.find((x) => x.msg.startsWith("leaderboard."));
  const trained = lines.find((x) => x.msg === "routing.trained");
  const failed = lines.find((x) => x.msg.endsWith("failed"));
  const maint = lines.find((x) => x.msg === "maintenance.done");
  const flagged = lines.find((x) => x.msg === "anomaly.flagged");
  const trainMs = trained && board ? Number(trained.ms) - Number(board.ms) : undefined;
  console.log(
    `${label}: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU in workerd (all threads); ` +
      `${board?.msg ?? "no leaderboard line"} (ms ${board?.ms ?? "?"}), ` +
      (trained
        ? `routing.trained battles ${trained.battles}, embedded ${trained.embedded}, ms ${trained.ms} since the handler ` +
          `started (≈ ${trainMs} ms after the leaderboard line: redteam + routing)`
        : "routers unchanged (no routing.trained line)") +
      (failed ? `; FAILED: ${JSON.stringify(failed)}` : "") +
      (maint ? `; maintenance ${JSON.stringify({ ...maint, level: undefined, msg: undefined })}` : "") +
      (flagged ? `; ${JSON.stringify(flagged)}` : "") +
      `; load ${l0} → ${load()}`,
  );
  return { wall, cpu, trained: !!trained, boardUnchanged: board?.msg === "leaderboard.unchanged" };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function boards() {
  const fixed = {
    coding: "Write a Python function that parses a json array and sorts the linked list by hash map keys",
    greeting: "hi there",
    math: "Prove that the sum of the squares of a polynomial's roots converges for this series",
    long: `Write a short story about a dragon and a castle by the river. ${"Also consider the storm over the village at night and the memory of an old friendship. ".repeat(20)}`,
  };
  const prompts = syntheticConversations({ n: 50, seed: 9999 }).map((r) => r.conversation_a[0]!.content);
  const get = async (text: string) => {
    const t0 = performance.now();
    const res = await fetch(`${arena.url}/api/leaderboard/prompt?q=${encodeURIComponent(text)}`);
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`/api/leaderboard/prompt: ${res.status} ${body.slice(0, 300)}`);
    return { ms, json: JSON.parse(body) };
  };
  // workerd's idle CPU (timers, the dev server), to subtract from the per-call figure.
  const idle0 = workerd();
  await new Promise((r) => setTimeout(r, 10_000));
  const idleMsPerS =
    (workerd().reduce((t, p) => t + p.cpu - (idle0.find((b) => b.pid === p.pid)?.cpu ?? 0), 0) * 1000) / 10;
  const first = await get(fixed.coding);
  const t1 = performance.now();
  const times: number[] = [];
  const cpu0 = workerd();
  const byName: Record<string, { models: { model: string; rating: number; rank: number }[] }> = {};
  for (const [name, text] of Object.entries(fixed)) {
    const r = await get(text);
    times.push(r.ms);
    byName[name] = r.json.categories.prompt;
  }
  for (const p of prompts.slice(0, 46)) times.push((await get(p)).ms);
  const spanS = (performance.now() - t1) / 1000;
  const cpuMs =
    (workerd().reduce((t, p) => t + p.cpu - (cpu0.find((b) => b.pid === p.pid)?.cpu ?? 0), 0) * 1000) / times.length;
  console.log(
    `/api/leaderboard/prompt (artifact: ${first.json.data.battles} battles trained on): first call ${first.ms.toFixed(0)} ms ` +
      `(artifact load from R2 + parse + sha256); then ${times.length} calls (coding, greeting, math, long + 46 synthetic ` +
      `prompts): p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms; ` +
      `workerd CPU ${cpuMs.toFixed(0)} ms a call on average (all threads; idle workerd: ${idleMsPerS.toFixed(0)} ms CPU a second, ` +
      `≈ ${((idleMsPerS * spanS) / times.length).toFixed(0)} ms a call of that; load ${load()})`,
  );
  const order = (b: (typeof byName)[string]) =>
    [...b.models].sort((x, y) => y.rating - x.rating).map((m) => `${m.model} ${Math.round(m.rating)}`);
  for (const name of Object.keys(fixed))
    console.log(`  board for the ${name} prompt: ${order(byName[name]!).join(", ")}`);
  const rating = (b: (typeof byName)[string], m: string) => b.models.find((x) => x.model === m)?.rating ?? NaN;
  const codeLead = (b: (typeof byName)[string]) => rating(b, SYNTH_CODER) - rating(b, SYNTH_CHATTY);
  const ok =
    codeLead(byName.coding!) > codeLead(byName.greeting!) &&
    rating(byName.coding!, SYNTH_STRONG) - rating(byName.coding!, SYNTH_WEAK) >
      rating(byName.greeting!, SYNTH_STRONG) - rating(byName.greeting!, SYNTH_WEAK);
  console.log(
    `  sanity: ${SYNTH_CODER} − ${SYNTH_CHATTY} is ${codeLead(byName.coding!).toFixed(0)} on the coding board vs ` +
      `${codeLead(byName.greeting!).toFixed(0)} on the greeting board; ${SYNTH_STRONG} − ${SYNTH_WEAK} ` +
      `${(rating(byName.coding!, SYNTH_STRONG) - rating(byName.coding!, SYNTH_WEAK)).toFixed(0)} vs ` +
      `${(rating(byName.greeting!, SYNTH_STRONG) - rating(byName.greeting!, SYNTH_WEAK)).toFixed(0)} → ` +
      `${ok ? "OK (the generator's direction)" : "NOT the generator's direction"}`,
  );
}

try {
  if (!loaded) await loadBattles();
  // A model the last snapshot did not know: a reused state publishes anew (as bench/cron.mjs).
  await putModel(`bench-extra-${Date.now()}`);
  await putPair(SYNTH_STRONG, SYNTH_CODER); // never B's pair: a reused state retrains in A too
  const a = await scheduled("A (leaderboard + routers)");
  // B: only the routers retrain. Maintenance can still change rows right after A (then the leaderboard republishes
  // too): retry with the other pair until a run's leaderboard is unchanged (at most three tries).
  let b = { wall: 0, cpu: 0, trained: false, boardUnchanged: false };
  for (let k = 0; k < 3 && !b.boardUnchanged; k++) {
    await putPair(SYNTH_STRONG, k % 2 === 0 ? SYNTH_WEAK : SYNTH_CHATTY);
    b = await scheduled(`B${k + 1} (routers only: pair changed)`);
  }
  const c = await scheduled("C (nothing changed)");
  if (!b.boardUnchanged) console.log("(no B run with an unchanged leaderboard: B − C below includes a republish)");
  console.log(
    `routing step ≈ B − C = ${(b.cpu - c.cpu).toFixed(1)} s CPU, ${(b.wall - c.wall).toFixed(1)} s wall; ` +
      `leaderboard + routers (A) ${a.cpu.toFixed(1)} s CPU of the Worker's limits.cpu_ms = 300000 (300 s)`,
  );
  await boards();
} catch (err) {
  const e = err as Error & { cause?: { message?: string } };
  console.error(
    `bench:router-cron failed: ${e.message} ${e.cause ? `(${e.cause.message ?? e.cause})` : ""}\n--- arena output (tail) ---\n${arena.output().slice(-3000)}`,
  );
  process.exitCode = 1;
} finally {
  rmSync(sqlFile, { force: true });
  await arena.stop();
}
