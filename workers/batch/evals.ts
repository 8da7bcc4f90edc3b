// Consumer of `arena-evals` (DESIGN section 13, docs/judge.md "Service"): the evaluation jobs' work, one answer, one
// judgment or one job's scoring per message.
//
// Idempotency and resume: every result is one D1 row keyed by (job, kind, question, slot), written with ON CONFLICT
// DO NOTHING after its text is put in R2 under a key of its own (a write that lost the race deletes its object). A
// message whose row exists does no model call; it only re-sends what may not have been sent after the row was
// stored (the judgments of an answer, the job's finalize), which are idempotent in turn. So a crash at any point,
// or a redelivery, neither loses nor duplicates a result, and the job resumes from the rows it has.
//
// Failures: a model or judge call that throws is retried with exponential backoff (EVAL_RETRY_SECONDS, doubling)
// up to EVAL_MAX_ATTEMPTS deliveries; then the item is stored `failed` (an answer that gives up also fails its
// judgments, which are never asked). A judgment text without a verdict is asked once more, then stored `failed`
// (settleVerdict). When every item is stored the job is scored; no answer at all, or no verdict at all, ends it
// `failed` with a reason, so a job always ends.
//
// Rate limits: within one invocation at most EVAL_CONCURRENCY calls run at once per model (answers) and per judge;
// wrangler.toml caps a batch at 10 messages and the consumer at 2 concurrent invocations, so a model sees at most
// 2·EVAL_CONCURRENCY calls in flight from the evaluations; a model that fails is slowed further by the backoff, and
// its failures feed the circuit breaker like any call (reportModelHealth).
import { ownedModelApiKey } from "../../d1/providers";
import {
  answerCounts,
  evalItemsOf,
  evalProgress,
  finishEvalJob,
  getEvalItem,
  getEvalJob,
  insertEvalItems,
  latestOperatorJobs,
  markEvalRunning,
  storedJudgmentSlots,
  upsertEvalPublished,
  type EvalItemInsert,
  type EvalItemRow,
  type EvalJobRow,
} from "../../d1/evals";
import { db, getModel, latestSnapshot, type Db } from "../../d1/queries";
import { reportModelHealth } from "../../d1/model-health";
import { EvalMessage, sendEvalMessages } from "../../queues/evals";
import { readConfig } from "../../shared/core/config";
import { sha256Hex } from "../../shared/core/crypto";
import { errorText, log } from "../../shared/core/log";
import { DEMO_JUDGE, demoGradeJudgment, demoPairwiseJudgment } from "../../shared/judge/demo-judge";
import { answerStyle, judgmentSlots, scoreJobs, type JobItem } from "../../shared/judge/job";
import { buildGradeRequest, buildPairwiseGames, type JudgeRequest } from "../../shared/judge/prompts";
import { evalPublishedKey, evalTextKey, type StoredEvalText } from "../../shared/judge/storage";
import { resolveSuite } from "../../shared/judge/live-suites";
import type { Suite, SuiteQuestion } from "../../shared/judge/suites";
import { parseGrade, parsePairwiseVerdict, settleVerdict } from "../../shared/judge/verdict";
import type { HumanRating, StyleVector } from "../../shared/ratings/judge";
import type { ModelRecord } from "../../shared/models";
import { effectiveParams, providerFor, ProviderError, type ChatMessage } from "../../shared/providers";
import { validMessages } from "./poison";

const CALL_TIMEOUT_MS = 120_000;
/** Deliveries beyond EVAL_MAX_ATTEMPTS an item gets for a non-provider error before it is stored failed. */
const INTERNAL_GRACE = 3;
/** Answers that fail, with none answered, before the job is ended at once (a model that is down). */
const EARLY_FAIL_ANSWERS = 5;
const JUDGE_MAX_TOKENS = 2048;

interface EvalSettings {
  maxAttempts: number;
  retrySeconds: number;
  concurrency: number;
}

function settings(env: Env): EvalSettings {
  const num = (v: unknown, dflt: number, min: number) => {
    const n = Number(v);
    return typeof v === "string" && v.trim() !== "" && Number.isFinite(n) && n >= min ? n : dflt;
  };
  const e = env as unknown as Record<string, unknown>;
  return {
    maxAttempts: Math.floor(num(e.EVAL_MAX_ATTEMPTS, 3, 1)),
    retrySeconds: num(e.EVAL_RETRY_SECONDS, 2, 0),
    concurrency: Math.floor(num(e.EVAL_CONCURRENCY, 2, 1)),
  };
}

/** Backoff of a failed item: base, 2·base, 4·base … seconds (at most 5 minutes). */
export const evalRetryDelay = (base: number, attempts: number) =>
  Math.min(300, Math.round(base * 2 ** Math.max(0, attempts - 1)));

/** Thrown to send a message back to the queue with a delay (a failed call with attempts left). */
class RetryLater extends Error {
  constructor(
    readonly delaySeconds: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** A counting semaphore: at most `n` holders per key within one invocation. */
class Limiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  constructor(private readonly n: number) {}
  async run<T>(key: string, f: () => Promise<T>): Promise<T> {
    while ((this.active.get(key) ?? 0) >= this.n) {
      await new Promise<void>((resolve) => this.waiting.set(key, [...(this.waiting.get(key) ?? []), resolve]));
    }
    this.active.set(key, (this.active.get(key) ?? 0) + 1);
    try {
      return await f();
    } finally {
      this.active.set(key, (this.active.get(key) ?? 1) - 1);
      const next = this.waiting.get(key)?.shift();
      next?.();
    }
  }
}

interface Ctx {
  env: Env;
  d: Db;
  settings: EvalSettings;
  limiter: Limiter;
  /** Counters for the bench and tests: model and judge calls made in this invocation. */
  calls: { answer: number; judge: number };
}

export async function handleEvalMessages(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const valid = await validMessages(batch, env, EvalMessage, "eval");
  // One line per delivery: bench/evals.mjs sums `messages` to count what the queue carried.
  log.info("eval.batch", { messages: batch.messages.length, valid: valid.length });
  const s = settings(env);
  const ctx: Ctx = {
    env,
    d: db(env.DB),
    settings: s,
    limiter: new Limiter(s.concurrency),
    calls: { answer: 0, judge: 0 },
  };
  await Promise.all(
    valid.map(async ({ msg, body }) => {
      try {
        await handleEvalMessage(ctx, body, msg.attempts);
        msg.ack();
      } catch (err) {
        // An item that keeps failing for another reason (its stored answer text is gone, a bug) is stored failed,
        // and a scoring that keeps failing ends its job failed, before the queue's own retries run out: a job ends.
        if (!(err instanceof RetryLater) && msg.attempts >= s.maxAttempts + INTERNAL_GRACE) {
          try {
            await giveUp(ctx, body, `internal: ${errorText(err).slice(0, 200)}`);
            msg.ack();
            return;
          } catch (inner) {
            log.error("eval.give_up_failed", { job: body.jobId, err: errorText(inner) });
          }
        }
        const delaySeconds =
          err instanceof RetryLater ? err.delaySeconds : evalRetryDelay(s.retrySeconds, msg.attempts);
        log.error("eval.retry", { type: body.type, job: body.jobId, attempts: msg.attempts, err: errorText(err) });
        msg.retry({ delaySeconds });
      }
    }),
  );
}

/** One message; `attempts` is its delivery count (1 on the first). Exported for tests. */
export async function handleEvalMessage(ctx: Ctx, m: EvalMessage, attempts: number): Promise<void> {
  const job = await getEvalJob(ctx.d, m.jobId);
  if (!job || (m.type !== "finalize" && (job.status === "done" || job.status === "failed"))) return;
  const suite = await resolveSuite(ctx.env.STORE, job.suite);
  if (!suite) throw new Error(`job ${job.id}: unknown suite ${job.suite}`);
  if (m.type === "finalize") return finalize(ctx, job, suite);
  const question = suite.questions.find((q) => q.id === m.questionId);
  if (!question) return; // not a question of this suite: nothing to store
  await markEvalRunning(ctx.d, job.id, Date.now());
  if (m.type === "answer") return answer(ctx, job, suite, question, attempts);
  return judgment(ctx, job, suite, question, m.slot, attempts);
}

/** Puts the text in R2 and inserts the row; a row that already existed keeps its text (ours is deleted). */
async function store(
  ctx: Ctx,
  row: Omit<EvalItemInsert, "textKey" | "createdAt">,
  text: StoredEvalText | null,
): Promise<boolean> {
  let textKey: string | null = null;
  if (text) {
    textKey = evalTextKey(row.jobId, row.kind, row.questionId, row.slot, crypto.randomUUID().slice(0, 8));
    await ctx.env.STORE.put(textKey, JSON.stringify(text), { httpMetadata: { contentType: "application/json" } });
  }
  const [inserted] = await insertEvalItems(ctx.d, [{ ...row, textKey, createdAt: Date.now() }]);
  if (!inserted && textKey) await ctx.env.STORE.delete(textKey);
  return !!inserted;
}

async function readText(env: Env, key: string | null): Promise<StoredEvalText | null> {
  if (!key) return null;
  const object = await env.STORE.get(key);
  return object ? ((await object.json()) as StoredEvalText) : null;
}

/** Every item stored: ask for the scoring (idempotent, so sending it twice is harmless). */
async function maybeFinalize(ctx: Ctx, job: EvalJobRow): Promise<void> {
  const p = await evalProgress(ctx.d, job.id);
  if (p.stored >= job.total) await sendEvalMessages(ctx.env.EVALS, [{ v: 1, type: "finalize", jobId: job.id }]);
}

async function callModel(
  ctx: Ctx,
  model: ModelRecord,
  messages: ChatMessage[],
  params: { temperature: number; topP: number; maxTokens: number },
): Promise<string> {
  const provider = providerFor(model.provider);
  if (!provider) throw new ProviderError("config", `no provider for kind ${model.provider}`);
  let text = "";
  try {
    for await (const ev of provider.generate({
      model,
      messages,
      params,
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      attempt: 0,
      env: ctx.env,
      resolveOwnedKey: () => ownedModelApiKey(ctx.env, model.id),
    })) {
      if (ev.type === "text") text += ev.text;
    }
  } catch (err) {
    await reportModelHealth(ctx.env, model.id, err);
    throw err;
  }
  await reportModelHealth(ctx.env, model.id, undefined);
  return text;
}

async function answer(
  ctx: Ctx,
  job: EvalJobRow,
  suite: Suite,
  question: SuiteQuestion,
  attempts: number,
): Promise<void> {
  const slots = judgmentSlots(suite, question);
  const existing = await getEvalItem(ctx.d, job.id, "answer", question.id, 0);
  if (!existing) {
    let texts: string[] | null = null;
    let failure: string | null = null;
    const model = await getModel(ctx.d, job.model);
    if (!model) failure = "the model no longer exists";
    else {
      try {
        texts = await ctx.limiter.run(`model:${model.id}`, () => generateAnswer(ctx, model, question));
      } catch (err) {
        log.error("eval.answer_failed", { job: job.id, question: question.id, attempts, err: errorText(err) });
        if (attempts < ctx.settings.maxAttempts)
          throw new RetryLater(evalRetryDelay(ctx.settings.retrySeconds, attempts), "answer failed");
        failure = err instanceof ProviderError ? `model error (${err.code})` : "model error";
      }
    }
    if (texts) {
      const style = await answerStyle(texts);
      await store(
        ctx,
        {
          jobId: job.id,
          kind: "answer",
          questionId: question.id,
          slot: 0,
          status: "done",
          value: null,
          style: JSON.stringify(style),
          attempts,
          detail: null,
        },
        { texts },
      );
    } else {
      // Gave up: the answer and the judgments it would have had are stored failed, in one batch.
      const now = Date.now();
      const rows: EvalItemInsert[] = [
        {
          jobId: job.id,
          kind: "answer",
          questionId: question.id,
          slot: 0,
          status: "failed",
          value: null,
          style: null,
          textKey: null,
          attempts,
          detail: failure,
          createdAt: now,
        },
        ...slots.map((slot): EvalItemInsert => ({
          jobId: job.id,
          kind: "judgment",
          questionId: question.id,
          slot,
          status: "failed",
          value: null,
          style: null,
          textKey: null,
          attempts: 0,
          detail: "no_answer",
          createdAt: now,
        })),
      ];
      await insertEvalItems(ctx.d, rows);
      await failEarly(ctx, job, failure);
      return maybeFinalize(ctx, job);
    }
  } else if (existing.status === "failed") return maybeFinalize(ctx, job);
  // The answer is stored: its judgments not stored yet are (re)sent.
  const stored = await storedJudgmentSlots(ctx.d, job.id, question.id);
  const missing = slots.filter((s) => !stored.has(s));
  if (missing.length)
    await sendEvalMessages(
      ctx.env.EVALS,
      missing.map((slot) => ({
        v: 1 as const,
        type: "judgment" as const,
        jobId: job.id,
        questionId: question.id,
        slot,
      })),
    );
  else await maybeFinalize(ctx, job);
}

async function generateAnswer(ctx: Ctx, model: ModelRecord, question: SuiteQuestion): Promise<string[]> {
  ctx.calls.answer++;
  const config = readConfig(ctx.env);
  const params = effectiveParams(model, {
    temperature: config.defaultTemperature,
    topP: config.defaultTopP,
    maxTokens: config.defaultMaxTokens,
  });
  const messages: ChatMessage[] = [];
  const texts: string[] = [];
  for (const turn of question.turns) {
    messages.push({ role: "user", content: turn });
    const text = await callModel(ctx, model, [...messages], params);
    messages.push({ role: "assistant", content: text });
    texts.push(text);
  }
  return texts;
}

async function judgment(
  ctx: Ctx,
  job: EvalJobRow,
  suite: Suite,
  question: SuiteQuestion,
  slot: number,
  attempts: number,
): Promise<void> {
  if (!judgmentSlots(suite, question).includes(slot)) return;
  if (await getEvalItem(ctx.d, job.id, "judgment", question.id, slot)) return maybeFinalize(ctx, job);
  const answerRow = await getEvalItem(ctx.d, job.id, "answer", question.id, 0);
  if (!answerRow) throw new Error(`judgment before its answer (${job.id} ${question.id})`);
  const stored = await readText(ctx.env, answerRow.textKey);
  if (!stored) throw new Error(`answer text missing (${answerRow.textKey})`);
  const answers = stored.texts;

  let request: JudgeRequest;
  let demoText: () => string;
  let parse: (t: string) => string | null;
  if (suite.kind === "pairwise") {
    const baseline = question.baselineAnswers;
    if (!baseline) throw new Error(`question ${question.id} has no baseline answer`);
    request = buildPairwiseGames(question, baseline, answers)[slot - 1]!;
    demoText = () => (slot === 1 ? demoPairwiseJudgment(baseline, answers) : demoPairwiseJudgment(answers, baseline));
    parse = parsePairwiseVerdict;
  } else {
    request = buildGradeRequest(question, answers, slot);
    demoText = () => demoGradeJudgment(answers.slice(0, slot));
    parse = (t) => {
      const g = parseGrade(t);
      return g === null ? null : String(g);
    };
  }

  let judgeModel: ModelRecord | null = null;
  if (job.judge !== DEMO_JUDGE) {
    judgeModel = (await getModel(ctx.d, job.judge)) ?? null;
    if (!judgeModel) {
      await store(
        ctx,
        {
          jobId: job.id,
          kind: "judgment",
          questionId: question.id,
          slot,
          status: "failed",
          value: null,
          style: null,
          attempts,
          detail: "judge_missing",
        },
        null,
      );
      return maybeFinalize(ctx, job);
    }
  }
  const ask = async (): Promise<string> => {
    ctx.calls.judge++;
    if (!judgeModel) return demoText();
    const m = judgeModel;
    return ctx.limiter.run(`judge:${m.id}`, () =>
      callModel(ctx, m, request.messages, { temperature: request.temperature, topP: 1, maxTokens: JUDGE_MAX_TOKENS }),
    );
  };

  const texts: string[] = [];
  let settled: ReturnType<typeof settleVerdict<string>> | null = null;
  try {
    do {
      texts.push(await ask());
      settled = settleVerdict(texts, parse);
    } while (settled.retry);
  } catch (err) {
    log.error("eval.judge_failed", { job: job.id, question: question.id, slot, attempts, err: errorText(err) });
    if (attempts < ctx.settings.maxAttempts)
      throw new RetryLater(evalRetryDelay(ctx.settings.retrySeconds, attempts), "judge failed");
    await store(
      ctx,
      {
        jobId: job.id,
        kind: "judgment",
        questionId: question.id,
        slot,
        status: "failed",
        value: null,
        style: null,
        attempts,
        detail: err instanceof ProviderError ? `judge error (${err.code})` : "judge error",
      },
      texts.length ? { texts, prompt: request.prompt, promptVersion: request.promptVersion } : null,
    );
    return maybeFinalize(ctx, job);
  }
  await store(
    ctx,
    {
      jobId: job.id,
      kind: "judgment",
      questionId: question.id,
      slot,
      status: settled.failed ? "failed" : "done",
      value: settled.value,
      style: null,
      attempts,
      detail: settled.failed ? "no_verdict" : null,
    },
    { texts, prompt: request.prompt, promptVersion: request.promptVersion },
  );
  return maybeFinalize(ctx, job);
}

/**
 * A model that has failed EARLY_FAIL_ANSWERS answers (each after its retries) and answered none is taken as down:
 * the job ends `failed` at once, and its remaining messages find it ended and do nothing.
 */
async function failEarly(ctx: Ctx, job: EvalJobRow, failure: string | null): Promise<void> {
  const c = await answerCounts(ctx.d, job.id);
  if (c.done > 0 || c.failed < Math.min(EARLY_FAIL_ANSWERS, job.questions)) return;
  const reason = `the model failed to answer ${c.failed === job.questions ? "all" : "its first"} ${c.failed} questions: ${failure ?? "no answer"}`;
  if (await finishEvalJob(ctx.d, job.id, { status: "failed", reason, result: null }, Date.now()))
    log.info("eval.finished", { job: job.id, status: "failed", answered: 0, early: true });
}

/** Stores an item as failed without its work (see INTERNAL_GRACE), then checks the job's completion. */
async function giveUp(ctx: Ctx, m: EvalMessage, detail: string): Promise<void> {
  if (m.type === "finalize") {
    // Scoring that keeps failing ends the job with its reason rather than leaving it running.
    await finishEvalJob(
      ctx.d,
      m.jobId,
      { status: "failed", reason: `scoring failed: ${detail}`, result: null },
      Date.now(),
    );
    return;
  }
  const job = await getEvalJob(ctx.d, m.jobId);
  const suite = job ? await resolveSuite(ctx.env.STORE, job.suite) : null;
  const question = suite?.questions.find((q) => q.id === m.questionId);
  if (!job || !suite || !question) return;
  const now = Date.now();
  const failed = (kind: "answer" | "judgment", slot: number, why: string): EvalItemInsert => ({
    jobId: job.id,
    kind,
    questionId: question.id,
    slot,
    status: "failed",
    value: null,
    style: null,
    textKey: null,
    attempts: 0,
    detail: why,
    createdAt: now,
  });
  const rows =
    m.type === "answer"
      ? [
          failed("answer", 0, detail),
          ...judgmentSlots(suite, question).map((slot) => failed("judgment", slot, "no_answer")),
        ]
      : [failed("judgment", m.slot, detail)];
  await insertEvalItems(ctx.d, rows);
  await maybeFinalize(ctx, job);
}

const toJobItem = (r: EvalItemRow): JobItem => ({
  kind: r.kind,
  questionId: r.questionId,
  slot: r.slot,
  status: r.status,
  value: r.value,
  style: r.style ? (JSON.parse(r.style) as StyleVector) : null,
});

/** The live human board's overall ratings, or null before the first snapshot. */
async function humanBoard(ctx: Ctx): Promise<{ ratings: HumanRating[]; against: string } | null> {
  const snap = await latestSnapshot(ctx.d);
  if (!snap) return null;
  const object = await ctx.env.STORE.get(snap.snapshotKey);
  if (!object) return null;
  const board = (await object.json()) as {
    snapshot?: string;
    categories?: { overall?: { models?: { model: string; rating: number; ci?: [number, number] | null }[] } };
  };
  const models = board.categories?.overall?.models ?? [];
  return {
    ratings: models.map((m) => ({ model: m.model, rating: m.rating, ci: m.ci ?? null })),
    against: `arena-leaderboard/v1 overall ${board.snapshot ?? snap.id}`,
  };
}

const baselineStyles = new Map<string, Promise<Map<string, StyleVector>>>();

/** Style counts of a pairwise suite's shipped baseline answers (computed once per isolate). */
function suiteBaselineStyles(suite: Suite): Promise<Map<string, StyleVector>> {
  let p = baselineStyles.get(suite.suite);
  if (!p) {
    p = (async () => {
      const out = new Map<string, StyleVector>();
      for (const q of suite.questions) if (q.baselineAnswers) out.set(q.id, await answerStyle(q.baselineAnswers));
      return out;
    })();
    p.catch(() => baselineStyles.delete(suite.suite));
    baselineStyles.set(suite.suite, p);
  }
  return p;
}

async function scoreOptions(ctx: Ctx, suite: Suite, judge: string, baseline: string | null) {
  const styles = suite.kind === "pairwise" ? await suiteBaselineStyles(suite) : null;
  return {
    suite,
    judge,
    baseline,
    baselineStyle: (q: string) => styles?.get(q) ?? null,
    human: await humanBoard(ctx),
  };
}

async function finalize(ctx: Ctx, job: EvalJobRow, suite: Suite): Promise<void> {
  if (job.status === "done") {
    // A redelivered finalize of a finished operator job publishes again (it may have crashed before publishing).
    if (job.owner === null) await publishSuite(ctx, suite, job.judge);
    return;
  }
  if (job.status === "failed") return;
  const rows = await evalItemsOf(ctx.d, job.id);
  if (rows.length < job.total) return; // not complete: a later item sends another finalize
  const items = rows.map(toJobItem);
  const answers = rows.filter((r) => r.kind === "answer");
  const answered = answers.filter((r) => r.status === "done").length;
  const verdicts = rows.filter((r) => r.kind === "judgment" && r.status === "done").length;
  const now = Date.now();
  let end: { status: "done" | "failed"; reason: string | null; result: string | null };
  if (answered === 0) {
    const why = answers.find((r) => r.detail)?.detail ?? "no answer";
    end = {
      status: "failed",
      reason: `the model failed to answer all ${answers.length} questions: ${why}`,
      result: null,
    };
  } else if (verdicts === 0) {
    end = { status: "failed", reason: `the judge ${job.judge} gave no verdict on any answer`, result: null };
  } else {
    const result = scoreJobs([{ model: job.model, items }], await scoreOptions(ctx, suite, job.judge, job.baseline));
    end = { status: "done", reason: null, result: JSON.stringify(result) };
  }
  const ended = await finishEvalJob(ctx.d, job.id, end, now);
  log.info("eval.finished", { job: job.id, status: end.status, answered, verdicts, ended });
  if (end.status === "done" && job.owner === null) await publishSuite(ctx, suite, job.judge);
}

/** `/evals/<suite>.json`: the latest finished operator job of each model, scored together. */
async function publishSuite(ctx: Ctx, suite: Suite, judge: string): Promise<void> {
  const jobs = await latestOperatorJobs(ctx.d, suite.suite, judge);
  if (jobs.length === 0) return;
  const withItems = await Promise.all(
    jobs.map(async (j) => ({ model: j.model, items: (await evalItemsOf(ctx.d, j.id)).map(toJobItem) })),
  );
  const opts = await scoreOptions(ctx, suite, judge, jobs[0]!.baseline);
  const result = scoreJobs(withItems, opts);
  // The human ratings the quality block used, for the models in both (the /evals plot draws from them).
  const inResult = new Set(result.models.map((m) => m.model));
  const arena = (opts.human?.ratings ?? []).filter((r) => inResult.has(r.model));
  const body = JSON.stringify({ ...result, jobs: jobs.map((j) => ({ id: j.id, model: j.model })), arena });
  const etag = (await sha256Hex(body)).slice(0, 32);
  const key = evalPublishedKey(suite.suite, etag);
  await ctx.env.STORE.put(key, body, { httpMetadata: { contentType: "application/json" } });
  await upsertEvalPublished(ctx.d, {
    suite: suite.suite,
    etag,
    key,
    judge,
    models: jobs.length,
    publishedAt: Date.now(),
  });
  log.info("eval.published", { suite: suite.suite, judge, models: jobs.length, etag });
}
