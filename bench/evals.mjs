// Benchmark of the evaluation service (npm run bench:evals): one operator job of the 500-question pairwise suite
// arena-hard-v0.1 through the local arena (scripts/arena-process.mjs: `npm start`), the evaluated model an
// OpenAI-compatible fake on loopback (bench/fake-openai.mjs), the judge either a loopback fake judge that answers
// every game with a verdict derived from a hash of the request (default, `--judge fake`: the whole HTTP path) or
// the built-in demo judge (`--judge demo`). Prints wall time, items stored, queue messages delivered (from the
// consumer's `eval.batch` log lines), retries, and `uptime` load before and after.
//   npm run bench:evals [-- --limit N] [--judge fake|demo] [--tokens T]
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { startFakeOpenAI } from "./fake-openai.mjs";
import { startArena } from "../scripts/arena-process.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const LIMIT = Number(arg("limit", "500"));
const JUDGE = arg("judge", "fake");
const TOKENS = Number(arg("tokens", "60"));
const TIMEOUT_MS = 1_800_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const uptime = () => execFileSync("uptime", { encoding: "utf8" }).trim();

/** A loopback OpenAI-compatible judge: one SSE answer ending in a verdict, fixed per request. */
async function startFakeJudge() {
  let calls = 0;
  const labels = ["A>>B", "A>B", "A=B", "B>A", "B>>A"];
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    calls++;
    let h = 2166136261;
    for (let i = 0; i < raw.length; i += 7) h = Math.imul(h ^ raw.charCodeAt(i), 16777619) >>> 0;
    const text = `Both replies considered.\n\nMy final verdict is: [[${labels[h % labels.length]}]]`;
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: "j", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.end(
      chunk({ role: "assistant", content: "" }) + chunk({ content: text }) + chunk({}, "stop") + "data: [DONE]\n\n",
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    calls: () => calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const loadBefore = uptime();
const model = await startFakeOpenAI({
  tokens: TOKENS,
  firstMs: 20,
  gapMs: 2,
  text: (i) => (i % 12 === 0 ? "\n- item" : ` word${i}`),
});
const judge = await startFakeJudge();
const arena = await startArena({ vars: { RATE_LIMITS: "off" } });
try {
  const admin = { authorization: `Bearer ${arena.adminToken}`, "content-type": "application/json" };
  const put = async (id, body) => {
    const res = await fetch(`${arena.url}/api/admin/models/${id}`, {
      method: "PUT",
      headers: admin,
      body: JSON.stringify(body),
    });
    if (res.status !== 200) throw new Error(`PUT ${id}: ${res.status} ${await res.text()}`);
  };
  await put("bench-evalee", {
    name: "Bench Evalee",
    organization: "Loopback Lab",
    provider: "openai",
    baseUrl: `${model.url}/v1`,
    upstreamModel: "paced",
    modes: ["chat"],
  });
  if (JUDGE === "fake")
    await put("bench-judge", {
      name: "Bench Judge",
      organization: "Loopback Lab",
      provider: "openai",
      baseUrl: `${judge.url}/v1`,
      upstreamModel: "judge",
      modes: ["chat"],
    });
  const started = Date.now();
  const created = await fetch(`${arena.url}/api/admin/evals`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({
      model: "bench-evalee",
      suite: "arena-hard-v0.1",
      judge: JUDGE === "fake" ? "bench-judge" : "demo",
      limit: LIMIT,
    }),
  });
  if (created.status !== 202) throw new Error(`POST /api/admin/evals: ${created.status} ${await created.text()}`);
  const { id } = await created.json();
  let job;
  let resets = 0;
  let peakLoad = "";
  for (;;) {
    try {
      job = await (await fetch(`${arena.url}/api/admin/evals/${id}`, { headers: admin })).json();
    } catch (err) {
      // wrangler dev under load sometimes resets a connection: count it, and ask again.
      resets++;
      if (resets > 20) throw err;
      await sleep(1000);
      continue;
    }
    if (job.status === "done" || job.status === "failed") break;
    if (Date.now() - started > TIMEOUT_MS) throw new Error(`timed out: ${JSON.stringify(job.progress)}`);
    if (!peakLoad || Math.random() < 0.1) peakLoad = uptime();
    await sleep(1000);
  }
  const wall = (Date.now() - started) / 1000;
  await sleep(2500); // the publication of this operator job runs after the status flips
  const out = arena.output();
  const batches = [...out.matchAll(/"msg":"eval\.batch","messages":(\d+)/g)].map((m) => Number(m[1]));
  const messages = batches.reduce((a, b) => a + b, 0);
  const retries = (out.match(/"msg":"eval\.retry"/g) ?? []).length;
  const published = await fetch(`${arena.url}/evals/arena-hard-v0.1.json`);
  const me = job.result?.models?.find((m) => m.model === "bench-evalee");
  console.log(
    JSON.stringify(
      {
        suite: "arena-hard-v0.1",
        questions: LIMIT,
        judge: JUDGE,
        status: job.status,
        reason: job.reason,
        wallSeconds: Number(wall.toFixed(1)),
        items: job.progress,
        itemsPerSecond: Number(((job.progress.done + job.progress.failed) / wall).toFixed(1)),
        queue: {
          messages,
          batches: batches.length,
          meanBatch: Number((messages / Math.max(1, batches.length)).toFixed(2)),
          retries,
        },
        calls: { model: model.requests.length, judge: judge.calls() },
        score: me ? { score: me.score, ci: me.ci, styleControlled: me.styleControlled } : null,
        publishedStatus: published.status,
        pollResets: resets,
        load: { before: loadBefore, during: peakLoad, after: uptime() },
      },
      null,
      2,
    ),
  );
} catch (err) {
  console.error(arena.output().slice(-6000));
  throw err;
} finally {
  await arena.stop();
  await model.close();
  await judge.close();
}
