// The LLM-judge evaluation service (DESIGN section 13, issue 15 acceptance): jobs end to end through arena-evals with
// a demo model and the demo judge; a judge that fails a third of its calls (a fetch mock of an OpenAI-compatible
// judge) and never gives a verdict on one judgment still completes, each answer and judgment stored exactly once and
// `failed` counting what gave up; a redelivered message changes nothing; a model that fails wholesale ends the job
// `failed` with a reason; a provider sees only its own jobs; bad input is a 4xx JSON error; operator jobs are
// published as /evals/<suite>.json with ETag/304.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { EVALS_QUEUE } from "../../queues/names";
import { loadSuite } from "../../shared/judge/suites";
import worker from "../../workers/index";
import { ADMIN, call, putModel } from "../helpers";
import { asProvider, expectOpenAIError, jsonInit, setupProviders, type TestProvider } from "../accounts/helpers";
import { read, route } from "../responses";
import { EvalResultSchema } from "./eval-schema";

interface JobView {
  id: string;
  status: "queued" | "running" | "done" | "failed";
  model: string;
  suite: string;
  judge: string;
  progress: { done: number; total: number; failed: number };
  reason: string | null;
  result: Record<string, unknown> | null;
}
const R = {
  created: route<{ id: string; status: "queued" }>("post", "/v1/provider/evals"),
  job: route<JobView>("get", "/v1/provider/evals/{id}"),
  adminCreated: route<{ id: string; status: "queued" }>("post", "/api/admin/evals"),
  adminJob: route<JobView>("get", "/api/admin/evals/{id}"),
  suites: route<{ suite: string; published: { url: string } | null }[]>("get", "/api/evals"),
};

const MT = loadSuite("mt-bench")!;
/** The judgment that never gets a verdict: the grade of question 82's second turn. */
const NO_VERDICT_MARK = MT.questions[1]!.turns[1]!;

/** Judge calls by request content, to check the 1/3 failures and that nothing is judged twice. */
const judgeCalls = new Map<string, number>();
let judgeFailures = 0;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function sse(text: string) {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "j", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return new Response(
    [chunk({ role: "assistant", content: "" }), chunk({ content: text }), chunk({}, "stop"), "data: [DONE]\n\n"].join(
      "",
    ),
    {
      headers: { "content-type": "text/event-stream" },
    },
  );
}

let a: TestProvider;
let b: TestProvider;

beforeAll(async () => {
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith("https://model-down.test/")) return new Response("down", { status: 503 });
    if (!url.startsWith("https://judge.test/")) return real(input, init);
    const body = JSON.parse(String(init?.body ?? "{}")) as { messages: { role: string; content: string }[] };
    const user = body.messages.find((m) => m.role === "user")?.content ?? "";
    const n = (judgeCalls.get(user) ?? 0) + 1;
    judgeCalls.set(user, n);
    // A third of the judgments (by content) fail on their first call with a 500.
    if (n === 1 && hash(user) % 3 === 0) {
      judgeFailures++;
      return new Response(JSON.stringify({ error: { message: "judge overloaded" } }), { status: 500 });
    }
    if (user.includes(NO_VERDICT_MARK) && user.includes("[Turn 2]") === false && user.split("<|User|>").length > 2)
      return sse("Both parts considered, I cannot settle on a number here.");
    const grade = 1 + (hash(user) % 10);
    return sse(`The reply is fine.\n\nRating: [[${grade}]]`);
  });
  [a, b] = await setupProviders(
    {
      name: "Evals A",
      models: [
        {
          id: "ev-own",
          name: "ev-own model",
          provider: "demo",
          upstreamModel: "markdown",
          visibility: "private",
          codename: "cn-ev-own",
          params: { tokensPerSecond: 60 },
        },
        {
          id: "ev-down",
          name: "ev-down model",
          provider: "openai",
          baseUrl: "https://model-down.test/v1",
          upstreamModel: "x",
          apiKey: "sk-down",
          visibility: "private",
          codename: "cn-ev-down",
          modes: ["chat"],
        },
      ],
    },
    {
      name: "Evals B",
      models: [
        {
          id: "ev-theirs",
          name: "ev-theirs model",
          provider: "demo",
          upstreamModel: "terse",
          visibility: "private",
          codename: "cn-ev-theirs",
        },
      ],
    },
  );
  const judge = await putModel("judge-flaky", {
    name: "Flaky Judge",
    organization: "Judges Inc",
    provider: "openai",
    baseUrl: "https://judge.test/v1",
    upstreamModel: "judge-1",
    apiKeySecret: "VENDOR_TEST_KEY",
    modes: ["chat"],
  });
  expect(judge.status, await judge.clone().text()).toBe(200);
});

afterAll(() => vi.restoreAllMocks());

const startJob = (key: string, body: unknown) => asProvider(key, "/v1/provider/evals", jsonInit("POST", body));

async function waitJob(key: string, id: string, timeout = 25_000): Promise<JobView> {
  let last: JobView | undefined;
  await expect
    .poll(
      async () => {
        last = await read(asProvider(key, `/v1/provider/evals/${id}`), R.job);
        return last.status === "done" || last.status === "failed";
      },
      { timeout, interval: 200 },
    )
    .toBe(true);
  return last!;
}

async function items(jobId: string) {
  return (
    await env.DB.prepare(
      "SELECT kind, question_id, slot, status, value, text_key, detail FROM eval_items WHERE job_id = ? ORDER BY kind, question_id, slot",
    )
      .bind(jobId)
      .all<{
        kind: string;
        question_id: string;
        slot: number;
        status: string;
        value: string | null;
        text_key: string | null;
        detail: string | null;
      }>()
  ).results;
}

async function r2Keys(jobId: string): Promise<string[]> {
  return (await env.STORE.list({ prefix: `evals/jobs/${jobId}/` })).objects.map((o) => o.key).sort();
}

let seq = 0;
async function deliver(bodies: unknown[]) {
  const batch = createMessageBatch(
    EVALS_QUEUE,
    bodies.map((body) => ({ id: `ev${++seq}`, timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env);
  return getQueueResult(batch, ctx);
}

describe("evaluation jobs", () => {
  it("runs mt-bench on a demo model with the demo judge to a valid result", async () => {
    const created = await read(startJob(a.apiKey, { model: "ev-own", suite: "mt-bench", limit: 3 }), R.created);
    expect(created.status).toBe("queued");
    const job = await waitJob(a.apiKey, created.id);
    expect(job.status, job.reason ?? "").toBe("done");
    expect(job.judge).toBe("demo");
    expect(job.progress).toEqual({ done: 9, total: 9, failed: 0 });
    const result = EvalResultSchema.parse(job.result);
    expect(result.suite).toBe("mt-bench");
    expect(result.models).toHaveLength(1);
    const m = result.models[0]!;
    expect(m).toMatchObject({ model: "ev-own", answers: 3, judgments: 6, failed: 0 });
    expect(m.score).toBeGreaterThanOrEqual(1);
    expect(m.score).toBeLessThanOrEqual(10);
    expect(m.turns).toHaveLength(2);
  });

  it("completes with a judge failing a third of its calls; each item stored once; redelivery changes nothing", async () => {
    const created = await read(
      startJob(a.apiKey, { model: "ev-own", suite: "mt-bench", judge: "judge-flaky", limit: 4 }),
      R.created,
    );
    const job = await waitJob(a.apiKey, created.id);
    expect(job.status, job.reason ?? "").toBe("done");
    expect(judgeFailures).toBeGreaterThan(0);
    // 4 answers and 8 judgments; the one without a verdict (after its retry) gave up.
    expect(job.progress).toEqual({ done: 11, total: 12, failed: 1 });
    const rows = await items(created.id);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.kind === "answer")).toHaveLength(4);
    const failed = rows.filter((r) => r.status === "failed");
    expect(failed).toEqual([
      expect.objectContaining({ kind: "judgment", question_id: "82", slot: 2, detail: "no_verdict" }),
    ]);
    // Every stored text once in R2, no orphan from a retried or duplicate write.
    expect(await r2Keys(created.id)).toEqual(
      rows
        .map((r) => r.text_key)
        .filter((k) => k !== null)
        .sort(),
    );
    // No judgment was asked again once it had a verdict: at most the failed first call plus one (two for no verdict).
    for (const n of judgeCalls.values()) expect(n).toBeLessThanOrEqual(3);
    const result = EvalResultSchema.parse(job.result);
    expect(result.models[0]).toMatchObject({ model: "ev-own", answers: 4, judgments: 7, failed: 1 });

    // Redelivery of every kind of message after the job is done: nothing changes, no judge call is made.
    const callsBefore = [...judgeCalls.values()].reduce((x, y) => x + y, 0);
    const keysBefore = await r2Keys(created.id);
    const outcome = await deliver([
      { v: 1, type: "answer", jobId: created.id, questionId: "81" },
      { v: 1, type: "judgment", jobId: created.id, questionId: "82", slot: 1 },
      { v: 1, type: "finalize", jobId: created.id },
    ]);
    expect(outcome.explicitAcks).toHaveLength(3);
    expect(await items(created.id)).toEqual(rows);
    expect(await r2Keys(created.id)).toEqual(keysBefore);
    expect([...judgeCalls.values()].reduce((x, y) => x + y, 0)).toBe(callsBefore);
    const again = await read(asProvider(a.apiKey, `/v1/provider/evals/${created.id}`), R.job);
    expect(again.result).toEqual(job.result);
    expect(again.progress).toEqual(job.progress);
  });

  it("resumes after a crash: a message redelivered mid-job stores nothing twice", async () => {
    const created = await read(startJob(a.apiKey, { model: "ev-own", suite: "mt-bench", limit: 2 }), R.created);
    // The same answer delivered again at once, as after a crash before the ack (and concurrently with the queue's own).
    await deliver([
      { v: 1, type: "answer", jobId: created.id, questionId: "81" },
      { v: 1, type: "answer", jobId: created.id, questionId: "81" },
    ]);
    const job = await waitJob(a.apiKey, created.id);
    expect(job.status).toBe("done");
    expect(job.progress).toEqual({ done: 6, total: 6, failed: 0 });
    const rows = await items(created.id);
    expect(rows).toHaveLength(6);
    expect(await r2Keys(created.id)).toEqual(
      rows
        .map((r) => r.text_key)
        .filter((k) => k !== null)
        .sort(),
    );
  });

  it("ends a job whose model fails on every question as failed, with a reason", async () => {
    const created = await read(startJob(a.apiKey, { model: "ev-down", suite: "mt-bench", limit: 2 }), R.created);
    const job = await waitJob(a.apiKey, created.id);
    expect(job.status).toBe("failed");
    expect(job.reason).toMatch(/failed to answer all 2 questions/);
    expect(job.progress).toEqual({ done: 0, total: 6, failed: 6 });
    expect(job.result).toBeNull();
    // A longer job stops as soon as 5 answers failed with none answered; its remaining messages do nothing.
    const longer = await read(startJob(a.apiKey, { model: "ev-down", suite: "mt-bench", limit: 12 }), R.created);
    const stopped = await waitJob(a.apiKey, longer.id);
    expect(stopped.status).toBe("failed");
    expect(stopped.reason).toMatch(/failed to answer (its first|all) \d+ questions: model error/);
    expect(stopped.progress.done).toBe(0);
  });
});

describe("items that keep failing for other reasons", () => {
  it("are stored failed before the queue gives up, so the job still ends", async () => {
    const id = crypto.randomUUID();
    const now = Date.now();
    await env.DB.prepare(
      "INSERT INTO eval_jobs (id, owner, model, suite, judge, baseline, questions, total, status, created_at, updated_at) VALUES (?, ?, 'ev-gone', 'mt-bench', 'demo', NULL, 1, 3, 'queued', ?, ?)",
    )
      .bind(id, a.id, now, now)
      .run();
    // A judgment whose answer is not there (it throws) on a late delivery: stored failed with the reason.
    const batch = createMessageBatch(EVALS_QUEUE, [
      {
        id: `ev${++seq}`,
        timestamp: new Date(),
        attempts: 6,
        body: { v: 1, type: "judgment", jobId: id, questionId: "81", slot: 1 },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(1);
    // The answer of a model that no longer exists fails at once; its other judgment follows; the job ends.
    await deliver([{ v: 1, type: "answer", jobId: id, questionId: "81" }]);
    const job = await waitJob(a.apiKey, id);
    expect(job.status).toBe("failed");
    expect(job.reason).toMatch(/the model no longer exists/);
    expect(job.progress).toEqual({ done: 0, total: 3, failed: 3 });
    const rows = await items(id);
    expect(rows.find((r) => r.kind === "judgment" && r.slot === 1)?.detail).toMatch(/^internal: .*before its answer/);
  });
});

describe("access and validation", () => {
  it("lets a provider see and evaluate only its own", async () => {
    const created = await read(startJob(a.apiKey, { model: "ev-own", suite: "mt-bench", limit: 1 }), R.created);
    await expectOpenAIError(await asProvider(b.apiKey, `/v1/provider/evals/${created.id}`), 404, "not_found");
    await expectOpenAIError(await asProvider(b.apiKey, "/v1/provider/evals/not-a-job"), 404, "not_found");
    await expectOpenAIError(await startJob(b.apiKey, { model: "ev-own", suite: "mt-bench" }), 404, "model_not_found");
    await expectOpenAIError(
      await startJob(a.apiKey, { model: "demo-pebble", suite: "mt-bench" }),
      404,
      "model_not_found",
    );
    await expectOpenAIError(
      await asProvider(a.apiKey, `/v1/provider/evals/${created.id}`, { headers: { authorization: "Bearer nope" } }),
      401,
    );
    await waitJob(a.apiKey, created.id);
  });

  it("answers bad input with 4xx JSON and a clear message", async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ model: "ev-own" }, 422, /suite/],
      [{ model: "ev-own", suite: "nope" }, 422, /unknown suite "nope"; one of arena-hard-v0.1, mt-bench/],
      [{ model: "ev-own", suite: "mt-bench", limit: 0 }, 422, /limit/],
      [{ model: "ev-own", suite: "mt-bench", limit: 81 }, 422, /mt-bench has 80 questions/],
      [{ model: "ev-own", suite: "mt-bench", baseline: "gpt-4-0314" }, 422, /no baseline/],
      [{ model: "ev-own", suite: "arena-hard-v0.1", baseline: "demo-pebble" }, 422, /shipped gpt-4-0314 answers only/],
      [{ model: "ev-own", suite: "mt-bench", judge: "ev-theirs" }, 422, /judge/],
      [{ model: "ev-own", suite: "mt-bench", extra: 1 }, 422, /extra/],
    ];
    for (const [body, status, message] of cases) {
      const err = await expectOpenAIError(await startJob(a.apiKey, body), status);
      expect(err.message).toMatch(message);
    }
    const bad = await asProvider(a.apiKey, "/v1/provider/evals", { method: "POST", body: "{not json" });
    await expectOpenAIError(bad, 400, "bad_json");
  });
});

describe("operator jobs and /evals/<suite>.json", () => {
  it("is 503 before the first, then publishes with ETag/304", async () => {
    const before = await call("/evals/arena-hard-v0.1.json");
    expect(before.status).toBe(503);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe("not_ready");
    expect((await call("/evals/nope.json")).status).toBe(404);

    const notPublic = await call("/api/admin/evals", {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ model: "ev-own", suite: "mt-bench" }),
    });
    expect(notPublic.status).toBe(404);

    const created = await read(
      call("/api/admin/evals", {
        method: "POST",
        headers: ADMIN,
        body: JSON.stringify({ model: "demo-pebble", suite: "arena-hard-v0.1", limit: 3 }),
      }),
      R.adminCreated,
    );
    let job: JobView | undefined;
    await expect
      .poll(
        async () => (job = await read(call(`/api/admin/evals/${created.id}`, { headers: ADMIN }), R.adminJob)).status,
        {
          timeout: 25_000,
          interval: 200,
        },
      )
      .toBe("done");
    expect(job!.progress).toEqual({ done: 9, total: 9, failed: 0 });
    const own = EvalResultSchema.parse(job!.result);
    expect(own.baseline).toBe("gpt-4-0314");
    expect(own.models.map((m) => m.model).sort()).toEqual(["demo-pebble", "gpt-4-0314"]);
    expect(own.models.find((m) => m.model === "demo-pebble")).toMatchObject({ answers: 3, judgments: 6, failed: 0 });

    let published: Response | undefined;
    await expect
      .poll(async () => (published = await call("/evals/arena-hard-v0.1.json")).status, { timeout: 10_000 })
      .toBe(200);
    const etag = published!.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]+"$/);
    const body = EvalResultSchema.parse(await published!.json());
    expect(body.models.map((m) => m.model).sort()).toEqual(["demo-pebble", "gpt-4-0314"]);
    const cached = await call("/evals/arena-hard-v0.1.json", { headers: { "if-none-match": etag! } });
    expect(cached.status).toBe(304);
    const suites = await read(call("/api/evals"), R.suites);
    expect(suites.find((s) => s.suite === "arena-hard-v0.1")?.published?.url).toBe("/evals/arena-hard-v0.1.json");
    expect(suites.find((s) => s.suite === "mt-bench")?.published).toBeNull();
    // A provider's job is never published.
    expect((await call("/evals/mt-bench.json")).status).toBe(503);
  });
});
