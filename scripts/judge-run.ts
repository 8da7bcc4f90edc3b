// `judge run` (DESIGN section 13, docs/judge.md "CLI"): runs a suite against OpenAI-compatible endpoints from the
// command line, the model answering and a judge model judging, and prints the same arena-eval/v1 result as the
// evaluation service for the same answers and judgments: the prompts, verdict parsers, retry-once rule
// (settleVerdict), items and scoring (scoreJobs) are the service's own pure modules.
//
// Files (Arena-Hard-Auto layout, in --out): model_answer/<model>.jsonl, model_judgment/<judge>/<model>.jsonl (one
// line per question, `games:[{user_prompt, judgment, score}]`, what `judge score` reads; MT-Bench: one line per
// graded turn) and, for pairwise suites, model_judgment/<judge>/<model>.jsonl.partial (each settled game as soon as
// it is settled, so a crash between a question's two games loses neither). Every result is appended the moment it
// arrives, and a run starts from what the files hold: nothing in them is requested again. A call that gave up
// (HTTP errors after the retries) is written with an `error` and asked again by the next run; a judge text without
// a verdict after its one retry is a settled, failed judgment (score null), as in the service.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { answerStyle, jobQuestions, judgmentSlots, scoreJobs, type JobItem } from "../shared/judge/job";
import { buildGradeRequest, buildPairwiseGames, type ChatMessage, type JudgeRequest } from "../shared/judge/prompts";
import { loadSuite, SUITE_NAMES, type Suite, type SuiteQuestion } from "../shared/judge/suites";
import { parseGrade, parsePairwiseVerdict, settleVerdict } from "../shared/judge/verdict";
import type { EvalResult, StyleVector } from "../shared/ratings/judge";

export const RUN_USAGE = `usage: npm run --silent judge -- run --suite SUITE --model-url URL --model NAME --judge-url URL --judge NAME [options]
  --suite NAME            ${SUITE_NAMES.join(" | ")}
  --model-url URL         the evaluated model's OpenAI-compatible base URL, up to and including /v1
  --model NAME            its model name (sent as "model"; names the answer file)
  --model-key-env VAR     environment variable holding its API key (keys are never taken on the command line)
  --judge-url URL         the judge's OpenAI-compatible base URL (may be the same as --model-url)
  --judge NAME            the judge's model name (called at temperature 0)
  --judge-key-env VAR     environment variable holding the judge's API key
  --limit N               only the first N questions of the suite
  --concurrency C         calls in flight at once, model and judge together (default 4)
  --out DIR               output folder (default ./judge-run/); a run resumes from the files already there
  --seed S                bootstrap seed (default 0)`;

export class RunUsageError extends Error {}
export class RunError extends Error {}

export interface RunArgs {
  suite: Suite;
  modelUrl: string;
  model: string;
  modelKey: string | null;
  judgeUrl: string;
  judge: string;
  judgeKey: string | null;
  limit: number | null;
  concurrency: number;
  out: string;
  seed: number | string;
}

/** Call attempts per request (the first and 4 retries) on 429, 5xx, timeouts and network errors. */
export const CALL_ATTEMPTS = 5;
const BACKOFF_MS = 1000;
const MAX_DELAY_MS = 60_000;
const CALL_TIMEOUT_MS = 120_000;
const JUDGE_MAX_TOKENS = 2048; // as workers/batch/evals.ts
/** The evaluated model's sampling: the service's (the arena's default parameters, shared/core/config.ts). */
const ANSWER_PARAMS = { temperature: 0.7, top_p: 1, max_tokens: 2000 };

export function parseRunArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RunArgs {
  const v: Record<string, string> = {};
  const known = [
    "--suite",
    "--model-url",
    "--model",
    "--model-key-env",
    "--judge-url",
    "--judge",
    "--judge-key-env",
    "--limit",
    "--concurrency",
    "--out",
    "--seed",
  ];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--model-key" || arg === "--judge-key" || arg === "--api-key")
      throw new RunUsageError(`${arg}: keys are not taken on the command line; use ${arg}-env VAR`);
    if (!known.includes(arg))
      throw new RunUsageError(arg.startsWith("--") ? `unknown option ${arg}` : `unexpected argument "${arg}"`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new RunUsageError(`${arg} needs a value`);
    v[arg] = value;
  }
  if (!v["--suite"]) throw new RunUsageError("--suite is required");
  const suite = loadSuite(v["--suite"]);
  if (!suite) throw new RunUsageError(`unknown suite "${v["--suite"]}" (one of ${SUITE_NAMES.join(", ")})`);
  for (const req of ["--suite", "--model-url", "--model", "--judge-url", "--judge"])
    if (!v[req]) throw new RunUsageError(`${req} is required`);
  const url = (flag: string) => {
    const s = v[flag]!;
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      throw new RunUsageError(`${flag} must be an http(s) URL (got "${s}")`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new RunUsageError(`${flag} must be an http(s) URL`);
    return s.replace(/\/+$/, "");
  };
  const key = (flag: string) => {
    const name = v[flag];
    if (name === undefined) return null;
    const k = env[name];
    if (!k) throw new RunUsageError(`${flag}: environment variable ${name} is not set`);
    return k;
  };
  const int = (flag: string, dflt: number | null, min: number, max: number) => {
    const s = v[flag];
    if (s === undefined) return dflt;
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < min || n > max)
      throw new RunUsageError(`${flag} must be an integer from ${min} to ${max} (got "${s}")`);
    return n;
  };
  const seed = v["--seed"] ?? "0";
  return {
    suite,
    modelUrl: url("--model-url"),
    model: v["--model"]!,
    modelKey: key("--model-key-env"),
    judgeUrl: url("--judge-url"),
    judge: v["--judge"]!,
    judgeKey: key("--judge-key-env"),
    limit: int("--limit", null, 1, suite.questions.length),
    concurrency: int("--concurrency", 4, 1, 64)!,
    out: v["--out"] ?? "judge-run",
    seed: /^-?\d+$/.test(seed) ? Number(seed) : seed,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

class CallError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After (seconds or an HTTP date) in ms, or null. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : Math.max(0, t - now);
}

interface Endpoint {
  url: string;
  model: string;
  key: string | null;
}

/** One non-streamed chat completion; retried with backoff on 429, 5xx and network errors, at most CALL_ATTEMPTS. */
async function chat(ep: Endpoint, messages: ChatMessage[], extra: Record<string, unknown>): Promise<string> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (ep.key) headers.authorization = `Bearer ${ep.key}`;
  const body = JSON.stringify({ model: ep.model, messages, stream: false, ...extra });
  let last = "";
  for (let attempt = 1; attempt <= CALL_ATTEMPTS; attempt++) {
    let delay = Math.min(MAX_DELAY_MS, BACKOFF_MS * 2 ** (attempt - 1));
    try {
      const res = await fetch(`${ep.url}/chat/completions`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.ok) {
        let content: unknown;
        try {
          content = (JSON.parse(text) as { choices?: { message?: { content?: unknown } }[] }).choices?.[0]?.message
            ?.content;
        } catch {
          throw new CallError(`${ep.model}: the response is not JSON`);
        }
        if (typeof content !== "string") throw new CallError(`${ep.model}: no choices[0].message.content`);
        return content;
      }
      last = `http ${res.status}${text ? `: ${text.slice(0, 200).replace(/\s+/g, " ")}` : ""}`;
      if (res.status !== 429 && res.status < 500) throw new CallError(`${ep.model}: ${last}`);
      const after = retryAfterMs(res.headers.get("retry-after"));
      if (after !== null) delay = Math.min(MAX_DELAY_MS, after);
    } catch (err) {
      if (err instanceof CallError) throw err;
      last = (err as Error).name === "TimeoutError" ? "timeout" : `network error (${(err as Error).message})`;
    }
    if (attempt < CALL_ATTEMPTS) await sleep(delay);
  }
  throw new CallError(`${ep.model}: ${last} (after ${CALL_ATTEMPTS} attempts)`);
}

/** At most n calls at once; judge calls go ahead of answers, so questions finish (and are written) early. */
class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async run<T>(first: boolean, f: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((r) => (first ? this.waiting.unshift(r) : this.waiting.push(r)));
    else this.active++;
    try {
      return await f();
    } finally {
      // Handed on after a macrotask, so the follow-up of the call just finished (its judgments) is queued first.
      setImmediate(() => {
        const next = this.waiting.shift();
        if (next) next();
        else this.active--;
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** A file name for a model name (Arena-Hard uses the name itself; path separators and the like become "_"). */
export const fileName = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_");

/** The JSON lines of a file (none when missing). A torn last line (a crash mid-write) is dropped from the file. */
function readLines(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const rows: Record<string, unknown>[] = [];
  let torn = false;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as unknown;
      if (typeof r === "object" && r !== null && !Array.isArray(r)) {
        rows.push(r as Record<string, unknown>);
        continue;
      }
    } catch {
      // fall through
    }
    torn = true;
  }
  if (torn) {
    process.stderr.write(`judge: ${file}: dropped lines that are not JSON objects (an interrupted write)\n`);
    rewrite(file, rows);
  }
  return rows;
}

function rewrite(file: string, rows: readonly unknown[]): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, rows.map((r) => `${JSON.stringify(r)}\n`).join(""));
  renameSync(tmp, file);
}

const append = (file: string, row: unknown) => appendFileSync(file, `${JSON.stringify(row)}\n`);

/** A settled judgment slot: its last judge text and verdict, or the error of a call that gave up. */
interface Settled {
  userPrompt: string | null;
  judgment: string | null;
  score: string | number | null;
  error?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// The run

export interface RunStats {
  requests: { model: number; judge: number };
}

export async function runSuite(a: RunArgs, log: (line: string) => void): Promise<{ result: EvalResult } & RunStats> {
  const { suite } = a;
  const questions = jobQuestions(suite, a.limit);
  const pairwise = suite.kind === "pairwise";
  const answerDir = path.join(a.out, "model_answer");
  const judgmentDir = path.join(a.out, "model_judgment", fileName(a.judge));
  try {
    mkdirSync(answerDir, { recursive: true });
    mkdirSync(judgmentDir, { recursive: true });
  } catch (err) {
    throw new RunError(`cannot create ${a.out}: ${(err as Error).message}`);
  }
  const answerFile = path.join(answerDir, `${fileName(a.model)}.jsonl`);
  const judgmentFile = path.join(judgmentDir, `${fileName(a.model)}.jsonl`);
  const partialFile = `${judgmentFile}.partial`;
  const inSuite = new Set(questions.map((q) => q.id));

  // What the files already hold.
  const answers = new Map<string, string[]>();
  for (const r of readLines(answerFile)) {
    const turns = (r.choices as { turns?: { content?: unknown }[] }[] | undefined)?.[0]?.turns;
    const texts = Array.isArray(turns) ? turns.map((t) => t?.content) : [];
    if ((r.model_id ?? r.model) === a.model && texts.every((t) => typeof t === "string") && texts.length > 0)
      answers.set(String(r.question_id), texts as string[]);
  }
  const settled = new Map<string, Settled>(); // `${question}\u0000${slot}`
  const slotKey = (q: string, slot: number) => `${q}\u0000${slot}`;
  const written = new Set<string>(); // pairwise questions with their line in the judgment file
  {
    const keep: Record<string, unknown>[] = [];
    let dropped = false;
    for (const r of readLines(judgmentFile)) {
      const q = String(r.question_id);
      const fromGame = (g: Record<string, unknown>): Settled => ({
        userPrompt: typeof g.user_prompt === "string" ? g.user_prompt : null,
        judgment: typeof g.judgment === "string" ? g.judgment : null,
        score: (g.score as string | number | null | undefined) ?? null,
        ...(typeof g.error === "string" ? { error: g.error } : {}),
      });
      if (pairwise && Array.isArray(r.games)) {
        const games = (r.games as Record<string, unknown>[]).map(fromGame);
        games.forEach((g, k) => {
          if (!g.error) settled.set(slotKey(q, k + 1), g);
        });
        if (games.some((g) => g.error))
          dropped = true; // asked again; the line is written anew when settled
        else {
          keep.push(r);
          written.add(q);
        }
      } else if (!pairwise && typeof r.turn === "number") {
        const g = fromGame(r);
        if (g.error) dropped = true;
        else {
          settled.set(slotKey(q, r.turn), g);
          keep.push(r);
        }
      } else keep.push(r);
    }
    if (dropped) rewrite(judgmentFile, keep);
    if (pairwise)
      for (const r of readLines(partialFile)) {
        const k = slotKey(String(r.question_id), Number(r.game));
        if (!settled.has(k))
          settled.set(k, {
            userPrompt: typeof r.user_prompt === "string" ? r.user_prompt : null,
            judgment: typeof r.judgment === "string" ? r.judgment : null,
            score: (r.score as string | null | undefined) ?? null,
          });
      }
  }
  // Pairwise: the baseline's shipped answers beside the model's, so --out is a complete Arena-Hard-Auto folder
  // (`judge score --answers OUT/model_answer` then has both sides' styles).
  if (pairwise && suite.baseline && suite.baseline !== a.model) {
    const file = path.join(answerDir, `${fileName(suite.baseline)}.jsonl`);
    const have = new Set(readLines(file).map((r) => String(r.question_id)));
    for (const q of questions)
      if (q.baselineAnswers && !have.has(q.id)) append(file, answerRow(q.id, suite.baseline, q.baselineAnswers));
  }

  const pool = new Pool(a.concurrency);
  const stats: RunStats = { requests: { model: 0, judge: 0 } };
  const modelEp: Endpoint = { url: a.modelUrl, model: a.model, key: a.modelKey };
  const judgeEp: Endpoint = { url: a.judgeUrl, model: a.judge, key: a.judgeKey };
  const answerFailed = new Map<string, string>();
  const totalJudgments = questions.reduce((n, q) => n + judgmentSlots(suite, q).length, 0);
  let answered = questions.filter((q) => answers.has(q.id)).length;
  let judged = [...settled.keys()].filter((k) => inSuite.has(k.split("\u0000")[0]!)).length;
  let failedCalls = 0;
  const progress = () =>
    log(
      `answers ${answered}/${questions.length} · judgments ${judged}/${totalJudgments}` +
        (failedCalls ? ` · ${failedCalls} gave up` : ""),
    );
  log(
    `${suite.suite}: ${questions.length} questions, ${a.model} judged by ${a.judge}; from files: ${answered} answers, ${judged} judgments`,
  );

  const judgeSlot = async (q: SuiteQuestion, texts: string[], slot: number): Promise<void> => {
    const k = slotKey(q.id, slot);
    if (settled.has(k)) return;
    let request: JudgeRequest;
    let parse: (t: string) => string | number | null;
    if (pairwise) {
      if (!q.baselineAnswers) throw new RunError(`question ${q.id} has no baseline answer`);
      request = buildPairwiseGames(q, q.baselineAnswers, texts)[slot - 1]!;
      parse = parsePairwiseVerdict;
    } else {
      request = buildGradeRequest(q, texts, slot);
      parse = parseGrade;
    }
    const userPrompt = request.messages.find((m) => m.role === "user")?.content ?? null;
    const judgeTexts: string[] = [];
    let s: Settled;
    try {
      let v: ReturnType<typeof settleVerdict<string | number>>;
      do {
        judgeTexts.push(
          await pool.run(true, () => {
            stats.requests.judge++;
            return chat(judgeEp, request.messages, { temperature: request.temperature, max_tokens: JUDGE_MAX_TOKENS });
          }),
        );
        v = settleVerdict(judgeTexts, parse);
      } while (v.retry);
      s = { userPrompt, judgment: judgeTexts[judgeTexts.length - 1]!, score: v.value };
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      failedCalls++;
      log(`judgment ${q.id} #${slot} gave up: ${err.message}`);
      s = { userPrompt, judgment: null, score: null, error: err.message };
    }
    settled.set(k, s);
    judged++;
    if (pairwise && !s.error)
      append(partialFile, {
        question_id: q.id,
        game: slot,
        user_prompt: s.userPrompt,
        judgment: s.judgment,
        score: s.score,
      });
    if (!pairwise)
      append(judgmentFile, {
        question_id: q.id,
        model: a.model,
        judge: a.judge,
        turn: slot,
        user_prompt: s.userPrompt,
        judgment: s.judgment,
        score: s.score,
        ...(s.error ? { error: s.error } : {}),
        tstamp: Date.now() / 1000,
      });
    progress();
  };

  const runQuestion = async (q: SuiteQuestion): Promise<void> => {
    let texts = answers.get(q.id);
    if (!texts) {
      try {
        texts = await pool.run(false, async () => {
          const messages: ChatMessage[] = [];
          const out: string[] = [];
          for (const turn of q.turns) {
            messages.push({ role: "user", content: turn });
            stats.requests.model++;
            const text = await chat(modelEp, [...messages], ANSWER_PARAMS);
            messages.push({ role: "assistant" as ChatMessage["role"], content: text });
            out.push(text);
          }
          return out;
        });
      } catch (err) {
        if (!(err instanceof CallError)) throw err;
        failedCalls++;
        answerFailed.set(q.id, err.message);
        log(`answer ${q.id} gave up: ${err.message}`);
        return;
      }
      append(answerFile, answerRow(q.id, a.model, texts));
      answers.set(q.id, texts);
      answered++;
      progress();
    }
    const t = texts;
    await Promise.all(judgmentSlots(suite, q).map((slot) => judgeSlot(q, t, slot)));
    if (pairwise && !written.has(q.id)) {
      const games = [1, 2].map((slot) => {
        const s = settled.get(slotKey(q.id, slot))!;
        return {
          user_prompt: s.userPrompt,
          judgment: s.judgment,
          score: s.score,
          ...(s.error ? { error: s.error } : {}),
        };
      });
      append(judgmentFile, { question_id: q.id, model: a.model, judge: a.judge, games, tstamp: Date.now() / 1000 });
      written.add(q.id);
    }
  };

  await Promise.all(questions.map(runQuestion));
  // Lines were appended as calls finished; the file is rewritten in the suite's order, so that `judge score` on it
  // reads the records in the order this run scores them (the bootstrap of the style-controlled score depends on it).
  const order = new Map(suite.questions.map((q, i) => [q.id, i]));
  const rank = (r: Record<string, unknown>) => order.get(String(r.question_id)) ?? Number.MAX_SAFE_INTEGER;
  const lines = readLines(judgmentFile);
  const sorted = lines
    .map((r, i) => ({ r, i }))
    .sort((x, y) => rank(x.r) - rank(y.r) || Number(x.r.turn ?? 0) - Number(y.r.turn ?? 0) || x.i - y.i)
    .map((x) => x.r);
  if (sorted.some((r, i) => r !== lines[i])) rewrite(judgmentFile, sorted);

  // The service's items and scoring, from what is settled.
  const items: JobItem[] = [];
  for (const q of questions) {
    const texts = answers.get(q.id);
    items.push({
      kind: "answer",
      questionId: q.id,
      slot: 0,
      status: texts ? "done" : "failed",
      value: null,
      style: texts ? await answerStyle(texts) : null,
    });
    for (const slot of judgmentSlots(suite, q)) {
      const s = texts ? settled.get(slotKey(q.id, slot)) : undefined;
      const ok = s !== undefined && s.score !== null && !s.error;
      items.push({
        kind: "judgment",
        questionId: q.id,
        slot,
        status: ok ? "done" : "failed",
        value: ok ? String(s.score) : null,
        style: null,
      });
    }
  }
  const done = items.filter((i) => i.kind === "answer" && i.status === "done").length;
  if (done === 0) {
    const why = [...answerFailed.values()][0] ?? "no answer";
    throw new RunError(`the model failed to answer all ${questions.length} questions: ${why}`);
  }
  if (!items.some((i) => i.kind === "judgment" && i.status === "done"))
    throw new RunError(`the judge ${a.judge} gave no verdict on any answer`);
  const baselineStyles = new Map<string, StyleVector>();
  if (pairwise)
    for (const q of questions) if (q.baselineAnswers) baselineStyles.set(q.id, await answerStyle(q.baselineAnswers));
  const result = scoreJobs([{ model: a.model, items }], {
    suite,
    judge: a.judge,
    baseline: null,
    baselineStyle: (q) => baselineStyles.get(q) ?? null,
    human: null,
    seed: a.seed,
  });
  const failedJudgments = items.filter((i) => i.kind === "judgment" && i.status === "failed").length;
  log(
    `done: ${done}/${questions.length} answers, ${totalJudgments - failedJudgments}/${totalJudgments} judgments with a verdict; ` +
      `requests this run: model ${stats.requests.model}, judge ${stats.requests.judge}` +
      (failedCalls ? `; ${failedCalls} calls gave up (run again to retry them)` : ""),
  );
  return { result, ...stats };
}

function answerRow(questionId: string, model: string, texts: readonly string[]) {
  return {
    question_id: questionId,
    answer_id: `${fileName(model)}-${questionId}`,
    model_id: model,
    choices: [{ index: 0, turns: texts.map((content) => ({ content })) }],
    tstamp: Date.now() / 1000,
  };
}
