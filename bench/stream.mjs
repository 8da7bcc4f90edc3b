#!/usr/bin/env node
// npm run bench:stream — what our streaming path (edge → BattleRoom DO → client) adds on top of a provider, and how
// many votes per second the local stack ingests with no loss. Everything runs on loopback:
//   - a fake OpenAI-compatible provider with fixed pacing (first token after FIRST_MS, then one every GAP_MS);
//   - the arena itself, started exactly as `npm start` does (scripts/arena-process.mjs), rate limits off.
// Added time to first token = TTFT through the arena − TTFT calling the fake provider directly (median).
// Per-token overhead = (arena's first→last token span − the direct span) / (tokens − 1).
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startArena } from "../scripts/arena-process.mjs";
import { startFakeOpenAI } from "./fake-openai.mjs";

const TOKENS = 40;
const FIRST_MS = 50;
const GAP_MS = 20;
const SEQUENTIAL_BATTLES = 30;
const CONCURRENT = 20;
const CONCURRENT_ROUNDS = 3;
const VOTES = 300;
const VOTE_CONCURRENCY = 20;
/** Concurrent battles start at random moments within this window, as real users do (not in lockstep). */
const ARRIVAL_WINDOW_MS = 100;
const staggered = (fn) => sleep(Math.random() * ARRIVAL_WINDOW_MS).then(fn);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- SSE reading with arrival times

async function readEvents(res, onEvent) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const blocks = buffer.split("\n\n");
    buffer = blocks.pop();
    const now = performance.now();
    for (const block of blocks) {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data !== undefined) onEvent(event, data, now);
    }
  }
}

async function directRun(providerUrl) {
  const t0 = performance.now();
  const res = await fetch(`${providerUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "paced", stream: true, messages: [{ role: "user", content: "hi" }] }),
  });
  const times = [];
  await readEvents(res, (_e, data, now) => {
    if (data !== "[DONE]" && JSON.parse(data).choices?.[0]?.delta?.content) times.push(now - t0);
  });
  return { first: times[0], span: times.at(-1) - times[0] };
}

async function arenaBattle(base, models) {
  const created = await fetch(`${base}/api/battles`, {
    method: "POST",
    body: JSON.stringify({ mode: "side-by-side", models }),
  }).then((r) => r.json());
  const t0 = performance.now();
  const res = await fetch(`${base}/api/battles/${created.id}/messages`, {
    method: "POST",
    body: JSON.stringify({ content: "Count for me." }),
  });
  const times = { a: [], b: [] };
  await readEvents(res, (event, data, now) => {
    if (event === "token") times[JSON.parse(data).side].push(now - t0);
  });
  return ["a", "b"].map((s) => ({ first: times[s][0], span: times[s].at(-1) - times[s][0], tokens: times[s].length }));
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const fmt = (ms) => `${ms.toFixed(2)} ms`;

async function pool(items, concurrency, fn) {
  const out = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

// ---------------------------------------------------------------- main

const provider = await startFakeOpenAI({ tokens: TOKENS, firstMs: FIRST_MS, gapMs: GAP_MS });
const providerUrl = provider.url;
console.error("bench: starting the arena (npm start) …");
const arena = await startArena({ vars: { RATE_LIMITS: "off" } });
try {
  const token = arena.adminToken;
  const register = async (id, model) => {
    const res = await fetch(`${arena.url}/api/admin/models/${id}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: id, organization: "Bench", modes: ["side-by-side"], ...model }),
    });
    if (!res.ok) throw new Error(`registering ${id}: ${res.status} ${await res.text()}`);
  };
  const openai = (upstreamModel) => ({ provider: "openai", baseUrl: `${providerUrl}/v1`, upstreamModel });
  // The in-runtime paced provider: a demo model with fixed pacing (no jitter), GAP_MS per token, TOKENS tokens.
  const paced = {
    provider: "demo",
    upstreamModel: "verbose",
    params: { tokensPerSecond: 1000 / GAP_MS, jitter: 0, maxTokens: TOKENS },
  };
  await register("bench-a", openai("paced"));
  await register("bench-b", openai("paced"));
  await register("bench-fast-a", openai("fast"));
  await register("bench-fast-b", openai("fast"));
  await register("bench-demo-a", paced);
  await register("bench-demo-b", paced);
  const OVER_HTTP = ["bench-a", "bench-b"];
  const IN_RUNTIME = ["bench-demo-a", "bench-demo-b"];

  // Warm-up (first requests compile the Worker, load the tokenizer and open DOs).
  for (let i = 0; i < 3; i++) await arenaBattle(arena.url, OVER_HTTP);
  for (let i = 0; i < 3; i++) await arenaBattle(arena.url, IN_RUNTIME);

  // Baselines for the loopback provider: called directly at the same number of concurrent streams, so the bench's
  // own client and fake server (one Node process on the same 2 cores) are not counted as the arena's overhead.
  const baseline = async (streams) => {
    const runs = [];
    for (let r = 0; r < 3; r++)
      runs.push(...(await Promise.all(Array.from({ length: streams }, () => staggered(() => directRun(providerUrl))))));
    return {
      first: pct(
        runs.map((d) => d.first),
        50,
      ),
      span: pct(
        runs.map((d) => d.span),
        50,
      ),
    };
  };
  const report = (label, sides, base) => {
    const added = sides.map((s) => s.first - base.first);
    const perToken = sides.map((s) => (s.span - base.span) / (TOKENS - 1));
    const lost = sides.filter((s) => s.tokens !== TOKENS).length;
    console.log(
      `  ${label.padEnd(24)} added TTFT p50 ${fmt(pct(added, 50))}  p95 ${fmt(pct(added, 95))}   ` +
        `per-token overhead p50 ${fmt(pct(perToken, 50))}  p95 ${fmt(pct(perToken, 95))}   (${sides.length} streams, ${lost} incomplete)`,
    );
  };
  const measure = async (models, base1, base20) => {
    const one = [];
    for (let i = 0; i < SEQUENTIAL_BATTLES; i++) one.push(...(await arenaBattle(arena.url, models)));
    report("1 battle at a time", one, base1);
    const twenty = [];
    for (let r = 0; r < CONCURRENT_ROUNDS; r++) {
      const round = await Promise.all(
        Array.from({ length: CONCURRENT }, () => staggered(() => arenaBattle(arena.url, models))),
      );
      twenty.push(...round.flat());
    }
    report(`${CONCURRENT} concurrent battles`, twenty, base20);
  };

  console.log(
    `pacing: ${TOKENS} tokens, one every ${GAP_MS} ms; concurrent battles arrive within ${ARRIVAL_WINDOW_MS} ms`,
  );
  // The path itself: provider inside the DO, so every extra millisecond is edge → DO → client.
  const schedule = { first: GAP_MS, span: (TOKENS - 1) * GAP_MS };
  console.log("in-runtime paced provider (edge → DO → client only):");
  await measure(IN_RUNTIME, schedule, schedule);
  // The same with a real HTTP provider on loopback. Under `wrangler dev` the Worker's outbound fetches pass through
  // wrangler's Node process, which costs CPU on this 2-core machine that production does not have.
  const base1 = await baseline(2);
  const base20 = await baseline(2 * CONCURRENT);
  console.log(
    `OpenAI-compatible server on loopback (first token after ${FIRST_MS} ms; direct TTFT p50 ${fmt(base1.first)} at 2 streams, ${fmt(base20.first)} at ${2 * CONCURRENT}):`,
  );
  await measure(OVER_HTTP, base1, base20);

  // Votes: battles with a finished turn, then votes as fast as the stack takes them, then wait for D1.
  const ids = await pool(Array.from({ length: VOTES }), VOTE_CONCURRENCY, async () => {
    const { id } = await fetch(`${arena.url}/api/battles`, {
      method: "POST",
      body: JSON.stringify({ mode: "side-by-side", models: ["bench-fast-a", "bench-fast-b"] }),
    }).then((r) => r.json());
    await (await fetch(`${arena.url}/api/battles/${id}/messages`, { method: "POST", body: '{"content":"go"}' })).text();
    return id;
  });
  const v0 = performance.now();
  const statuses = await pool(ids, VOTE_CONCURRENCY, async (id) => {
    const res = await fetch(`${arena.url}/api/battles/${id}/vote`, { method: "POST", body: '{"winner":"tie"}' });
    await res.text();
    return res.status;
  });
  const voteSeconds = (performance.now() - v0) / 1000;
  const accepted = statuses.filter((s) => s === 200).length;
  let recorded = 0;
  let pending = [...ids];
  const deadline = performance.now() + 120_000;
  while (pending.length && performance.now() < deadline) {
    const still = await pool(pending, VOTE_CONCURRENCY, async (id) => {
      const b = await fetch(`${arena.url}/api/battles/${id}`).then((r) => r.json());
      return b.recorded ? null : id;
    });
    pending = still.filter(Boolean);
    recorded = ids.length - pending.length;
    if (pending.length) await sleep(250);
  }
  const ingestSeconds = (performance.now() - v0) / 1000;
  console.log(
    `votes: ${accepted}/${VOTES} accepted in ${voteSeconds.toFixed(2)} s (${(accepted / voteSeconds).toFixed(1)} votes/s at ${VOTE_CONCURRENCY} concurrent); ` +
      `${recorded} recorded in D1 after ${ingestSeconds.toFixed(2)} s (${(recorded / ingestSeconds).toFixed(1)} votes/s end to end); lost: ${VOTES - recorded}`,
  );
  if (recorded !== VOTES) process.exitCode = 1;
} finally {
  await arena.stop();
  await provider.close();
}
