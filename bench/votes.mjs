// Load test of the vote pipeline (npm run bench:votes): at least 20,000 anonymous battles voted through the local
// arena (scripts/arena-process.mjs: `npm start` with RATE_LIMITS=off) while the vote consumer fails on purpose
// (QUEUE_FAULT_RATE: a share of batches throw before their D1 write, or after it, so the batch is delivered again
// and every vote in it arrives twice). Asserts that the battles stored in D1 equal the votes accepted, exactly, and
// prints the rates, the duplicate deliveries seen by the consumer, and the classification and cleaning throughput
// (bench/cleaning.ts, over the stored battles).
//   npm run bench:votes [-- --votes N] [--concurrency C] [--fault-rate R]
// Sustained mode (issue 17): `--rate R --minutes M` starts R battles a second on a fixed schedule (open loop: a
// battle starts at its time whether or not earlier ones finished, at most --concurrency in flight) for M minutes,
// samples every 15 s how many votes were accepted and how many are in D1 (the queue backlog is the difference),
// then checks that D1 holds exactly the accepted battles, by id (none lost, none twice).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { localD1, startArena } from "../scripts/arena-process.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONCURRENCY_DEFAULT = process.argv.includes("--rate") ? 200 : 24;
const CONCURRENCY = arg("concurrency", CONCURRENCY_DEFAULT);
const FAULT_RATE = arg("fault-rate", 0.1);
const RATE = arg("rate", 0);
const MINUTES = arg("minutes", 5);
const VOTES = RATE > 0 ? Math.round(RATE * 60 * MINUTES) : arg("votes", 20_000);
const INGEST_TIMEOUT_MS = 600_000;

const PROMPTS = [
  "hi",
  "Write a Python function that checks whether a string is a palindrome.",
  "Explain how photosynthesis works in simple terms.",
  "请帮我解释一下量子纠缠是什么意思。",
  "Solve for x: 3x + 7 = 2x - 5.",
  "Write a short poem about autumn leaves.",
  "¿Cuáles son las principales diferencias entre el clima mediterráneo y el tropical?",
  "Wie funktioniert das deutsche Wahlsystem?",
  "What is the capital of Australia?",
  "How do I squash my last three commits with git rebase -i?",
];
const WINNERS = ["a", "b", "tie", "bothbad"];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function pool(count, concurrency, fn) {
  let next = 0;
  const results = new Array(count);
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await fn(i);
      }
    }),
  );
  return results;
}

let startedCount = 0;

/** Starts fn(i) at t0 + i/rate seconds (open loop), never more than `limit` at once; resolves with every result. */
async function steady(count, rate, limit, fn, t0) {
  const results = new Array(count);
  const running = new Set();
  for (let i = 0; i < count; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    while (running.size >= limit) await Promise.race(running);
    startedCount++;
    const p = fn(i).then(
      (r) => ((results[i] = r), running.delete(p)),
      () => ((results[i] = false), running.delete(p)),
    );
    running.add(p);
  }
  await Promise.all(running);
  return results;
}

async function post(url, body, ip) {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": ip },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, text };
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(200 * (attempt + 1));
    }
  }
}

/** A query through `wrangler d1 execute --local`, retried: while the arena writes, the file can be locked (SQLITE_BUSY). */
async function query(state, sql) {
  for (let attempt = 0; ; attempt++) {
    try {
      return JSON.parse(await localD1(state, ["--json", "--command", sql]))[0].results;
    } catch (err) {
      if (attempt >= 8 || !/SQLITE_BUSY|database is locked/.test(String(err.message))) throw err;
      await sleep(500 * (attempt + 1));
    }
  }
}
const count = async (state, sql) => (await query(state, sql))[0].n;

const arena = await startArena({
  vars: { RATE_LIMITS: "off", DEMO_SPEEDUP: "2000", QUEUE_FAULT_RATE: String(FAULT_RATE), LABELLER: "demo" },
  args: ["--refresh-seconds", "0"],
  timeoutMs: 240_000,
});
let failed = false;
try {
  console.log(
    RATE > 0
      ? `bench:votes — sustained: ${RATE} battles/s for ${MINUTES} min (${VOTES} battles), at most ${CONCURRENCY} in flight, consumer fault rate ${FAULT_RATE}`
      : `bench:votes — ${VOTES} anonymous battles, ${CONCURRENCY} clients, consumer fault rate ${FAULT_RATE}`,
  );
  const t0 = performance.now();
  let errors = 0;
  // Sustained mode: every 15 s, what was accepted, what is in D1, and the backlog between them.
  const samples = [];
  let sampling = RATE > 0;
  const sampler = (async () => {
    while (sampling) {
      await sleep(15_000);
      if (!sampling) break;
      let inD1;
      try {
        inD1 = await count(arena.state, "SELECT COUNT(*) AS n FROM battles");
      } catch (err) {
        console.log(`  (sample skipped: ${String(err.message).split("\n")[0].slice(0, 120)})`);
        continue;
      }
      const s = (performance.now() - t0) / 1000;
      samples.push({ s, started: startedCount, accepted: acceptedIds.size, stored: inD1 });
      console.log(
        `  t=${s.toFixed(0)} s: started ${startedCount}, accepted ${acceptedIds.size}, in D1 ${inD1}, backlog ${acceptedIds.size - inD1}`,
      );
    }
  })();
  const acceptedIds = new Set();
  const run = RATE > 0 ? (fn) => steady(VOTES, RATE, CONCURRENCY, fn, t0) : (fn) => pool(VOTES, CONCURRENCY, fn);
  const accepted = await run(async (i) => {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i % 250}`; // ~80 votes per voter
    const voterIp = `198.18.${Math.floor(i / 80) % 250}.${Math.floor(i / 20000) + 1}`;
    const created = await post(`${arena.url}/api/battles`, { mode: "anonymous", consent: i % 5 === 0 }, ip);
    if (created.status !== 201) return (errors++, false);
    const { id } = JSON.parse(created.text);
    // Three battles in ten ask one of ten popular prompts (dedup's high-frequency prompts), the rest a unique one.
    const prompt = i % 10 < 3 ? PROMPTS[i % PROMPTS.length] : `${PROMPTS[i % PROMPTS.length]} (variant ${i})`;
    const turn = await post(`${arena.url}/api/battles/${id}/messages`, { content: prompt }, ip);
    if (turn.status !== 200) return (errors++, false);
    const vote = await post(`${arena.url}/api/battles/${id}/vote`, { winner: WINNERS[i % 4] }, voterIp);
    if (vote.status !== 200) return (errors++, false);
    acceptedIds.add(id);
    if (RATE === 0 && (i + 1) % 2000 === 0) {
      const s = (performance.now() - t0) / 1000;
      console.log(`  ${i + 1} voted after ${s.toFixed(0)} s (${((i + 1) / s).toFixed(0)} battles/s)`);
    }
    return true;
  });
  sampling = false;
  await sampler;
  const acceptedCount = accepted.filter(Boolean).length;
  const voteSeconds = (performance.now() - t0) / 1000;
  console.log(
    `accepted ${acceptedCount}/${VOTES} votes in ${voteSeconds.toFixed(1)} s (${(acceptedCount / voteSeconds).toFixed(0)} battles/s: create + one streamed turn + vote); HTTP errors ${errors}`,
  );

  // Wait until the queue has drained into D1 (failed batches come back after their backoff).
  let stored = 0;
  const deadline = performance.now() + INGEST_TIMEOUT_MS;
  while (performance.now() < deadline) {
    stored = await count(arena.state, "SELECT COUNT(*) AS n FROM battles");
    if (stored >= acceptedCount) break;
    await sleep(2000);
  }
  await sleep(5000); // anything late (a duplicate) would show now
  stored = await count(arena.state, "SELECT COUNT(*) AS n FROM battles");
  const ingestSeconds = (performance.now() - t0) / 1000;
  const labelled = await count(arena.state, "SELECT COUNT(DISTINCT battle_id) AS n FROM battle_labels");
  const judged = await count(arena.state, "SELECT COUNT(*) AS n FROM battles WHERE judge_rev IS NOT NULL");

  const logs = arena
    .output()
    .replace(/\x1b\[[0-9;]*m/g, "") // wrangler colours error lines
    .split("\n")
    .flatMap((l) => {
      const at = l.indexOf('{"');
      if (at < 0) return [];
      try {
        return [JSON.parse(l.slice(at))];
      } catch {
        return [];
      }
    });
  const written = logs.filter((l) => l.msg === "vote.batch_written");
  const failures = logs.filter((l) => l.msg === "vote.batch_failed");
  const sum = (xs, k) => xs.reduce((n, x) => n + (x[k] ?? 0), 0);
  console.log(
    `consumer: ${written.length} batches written (${sum(written, "inserted")} rows inserted, ${sum(written, "duplicates")} duplicate deliveries ignored), ` +
      `${failures.length} batches failed (${failures.filter((f) => /injected/.test(f.err)).length} injected) and retried`,
  );
  console.log(
    `stored ${stored} battles for ${acceptedCount} accepted votes after ${ingestSeconds.toFixed(1)} s; labelled ${labelled}; judged ${judged}`,
  );
  if (RATE > 0) {
    const held = acceptedCount / voteSeconds;
    const maxBacklog = Math.max(0, ...samples.map((x) => x.accepted - x.stored));
    const ids = (await query(arena.state, "SELECT id FROM battles")).map((r) => r.id);
    const unique = new Set(ids);
    const missing = [...acceptedIds].filter((id) => !unique.has(id)).length;
    const extra = ids.filter((id) => !acceptedIds.has(id)).length;
    console.log(
      `sustained: target ${RATE} battles/s, held ${held.toFixed(2)} battles/s over ${voteSeconds.toFixed(0)} s ` +
        `(${acceptedCount} accepted, ${errors} HTTP errors); largest backlog sampled ${maxBacklog} votes; ` +
        `drained ${(ingestSeconds - voteSeconds).toFixed(0)} s after the last vote`,
    );
    console.log(
      `by id: ${missing} accepted votes missing from D1, ${ids.length - unique.size} stored twice, ${extra} unexpected`,
    );
    if (missing || extra || ids.length !== unique.size) failed = true;
  }
  if (stored !== acceptedCount) {
    console.error(`FAIL: stored ${stored} != accepted ${acceptedCount}`);
    failed = true;
  } else console.log("OK: stored battle count == accepted vote count");
  if (sum(written, "duplicates") === 0 && FAULT_RATE > 0) console.log("note: no duplicate delivery happened this run");
  if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, arena.output());

  // Classification and cleaning throughput over what was stored.
  const rows = JSON.parse(
    await localD1(arena.state, [
      "--json",
      "--command",
      "SELECT id, voter_hash, model_a, model_b, winner, prompt_hash FROM battles WHERE anony = 1",
    ]),
  )[0].results;
  const dir = mkdtempSync(path.join(tmpdir(), "bench-votes-"));
  const file = path.join(dir, "battles.json");
  writeFileSync(file, JSON.stringify(rows));
  const out = await new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(root, "scripts/run-ts.mjs"), "bench/cleaning.ts", file],
      { cwd: root },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(stdout)),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(out);
} finally {
  await arena.stop();
}
if (failed) process.exitCode = 1;
