// `npm run --silent judge -- run …` as a user runs it (DESIGN section 13, docs/judge.md "CLI"), against a loopback
// OpenAI-compatible server that is both the model and the judge. The judge gives real verdict strings, but some
// texts are malformed (one judgment never has a verdict: failed after its one retry) and some calls answer 500 or
// 429 first (retried, Retry-After honoured). Checked: a --limit 5 arena-hard run completes and validates against
// shared/ratings/eval.schema.json; a second run makes no request (resume); `judge score` on the written judgment
// file gives the scores `run` printed; a crash-like loss of lines is filled in with only the missing calls; usage
// errors exit 2 and a model that is down exits 1.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EvalResult } from "../../shared/ratings/judge";
import { root } from "./run-ratings";

interface Req {
  auth: string | undefined;
  body: { model: string; messages: { role: string; content: string }[]; temperature?: number; stream?: boolean };
}

const hash = (s: string) => createHash("sha256").update(s).digest().readUInt32BE(0);
const LABELS = ["A>>B", "A>B", "A=B", "B>A", "B>>A"];

let server: Server;
let url = "";
const requests: Req[] = [];
const seen = new Map<string, number>();
let modelDown = false;

function reply(body: Req["body"]): { status: number; text?: string; headers?: Record<string, string> } {
  const last = body.messages[body.messages.length - 1]!.content;
  const key = `${body.model}\u0000${JSON.stringify(body.messages)}`;
  const n = (seen.get(key) ?? 0) + 1;
  seen.set(key, n);
  const h = hash(last);
  if (body.model === "judge-x") {
    if (h % 5 === 0 && n === 1) return { status: 500, text: "upstream hiccup", headers: { "retry-after": "0" } };
    if (h % 7 === 1 && n === 1) return { status: 429, text: "slow down", headers: { "retry-after": "0" } };
    // One judgment in a few never gives a well-formed verdict; some others only on the retry.
    if (h % 9 === 2) return { status: 200, text: "Both are fine. Final verdict: [[A>>>B]]" };
    if (h % 4 === 3 && n === 1) return { status: 200, text: "I would say [[A<B]], roughly." };
    if (last.includes("<|User|>")) return { status: 200, text: `Solid, if brief. Rating: [[${1 + (h % 10)}]]` };
    return { status: 200, text: `My own answer first.\n\nComparison…\n\nFinal verdict: [[${LABELS[h % 5]}]]` };
  }
  if (modelDown) return { status: 503, text: "down", headers: { "retry-after": "0" } };
  const words = 20 + (h % 60);
  const list = h % 3 === 0 ? "\n\n- one\n- two\n- **three**" : "";
  return { status: 200, text: `## Answer\n\n${"word ".repeat(words).trim()}.${list}` };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(raw) as Req["body"];
    requests.push({ auth: req.headers.authorization, body });
    const r = reply(body);
    if (r.status !== 200) {
      res.writeHead(r.status, { "content-type": "text/plain", ...r.headers }).end(r.text);
      return;
    }
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: "chatcmpl-fake",
        object: "chat.completion",
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: r.text }, finish_reason: "stop" }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address() as { port: number };
  url = `http://127.0.0.1:${addr.port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const dir = mkdtempSync(path.join(tmpdir(), "judge-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function judge(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/judge.mjs", ...args],
      { cwd: root, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/eval.schema.json"), "utf8"));
const validate = (value: unknown) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.validate(schema, value);
  return ajv.errors ?? [];
};

const out = path.join(dir, "out");
const runArgs = (suite = "arena-hard-v0.1", o = out, limit = "5") => [
  "run",
  "--suite",
  suite,
  "--model-url",
  url,
  "--model",
  "org/cand-1",
  "--model-key-env",
  "CAND_KEY",
  "--judge-url",
  `${url}/`,
  "--judge",
  "judge-x",
  "--judge-key-env",
  "JUDGE_KEY",
  "--limit",
  limit,
  "--out",
  o,
];
const keys = { CAND_KEY: "sk-cand", JUDGE_KEY: "sk-judge" };
const judgmentFile = path.join(out, "model_judgment/judge-x/org_cand-1.jsonl");
const answerFile = path.join(out, "model_answer/org_cand-1.jsonl");

describe("judge run", () => {
  let first: EvalResult;

  it("runs --limit 5 of arena-hard against the fake endpoints; the result validates against the schema", async () => {
    const run = await judge(runArgs(), keys);
    expect(run.stderr).toMatch(/judge: done: 5\/5 answers/);
    expect(run.code).toBe(0);
    first = JSON.parse(run.stdout) as EvalResult;
    expect(validate(first)).toEqual([]);
    expect(first).toMatchObject({ schema: "arena-eval/v1", suite: "arena-hard-v0.1", judge: "judge-x" });
    const cand = first.models.find((m) => m.model === "org/cand-1")!;
    expect(cand.answers).toBe(5);
    expect(cand.score).toEqual(expect.any(Number));
    // The judge is called at temperature 0; keys come from the env vars, as bearer tokens.
    const judgeCalls = requests.filter((r) => r.body.model === "judge-x");
    const modelCalls = requests.filter((r) => r.body.model === "org/cand-1");
    expect(judgeCalls.every((r) => r.body.temperature === 0 && r.auth === "Bearer sk-judge")).toBe(true);
    expect(modelCalls.every((r) => r.auth === "Bearer sk-cand" && r.body.stream === false)).toBe(true);
    // Each of the 10 games asked once, plus a retry per 500/429 and per verdict-less text.
    expect(new Set(judgeCalls.map((r) => JSON.stringify(r.body.messages))).size).toBe(10);
    expect(judgeCalls.length).toBeGreaterThan(10);
    expect(run.stderr).not.toMatch(/gave up/);
    const lines = readFileSync(judgmentFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    const nulls = lines.flatMap((l) => l.games).filter((g: { score: unknown }) => g.score === null).length;
    expect(nulls).toBeGreaterThan(0); // a judgment whose retry had no verdict either
    expect(cand.failed).toBe(nulls);
    expect(readFileSync(answerFile, "utf8").trim().split("\n")).toHaveLength(5);
    expect(existsSync(path.join(out, "model_answer/gpt-4-0314.jsonl"))).toBe(true);
  });

  it("resumes: a second run makes no request and prints the same result", async () => {
    const before = requests.length;
    const run = await judge(runArgs(), keys);
    expect(run.code).toBe(0);
    expect(requests.length).toBe(before);
    expect(JSON.parse(run.stdout)).toEqual(first);
  });

  it("`judge score` on the written files gives the scores `run` printed", async () => {
    const run = await judge(["score", judgmentFile, "--answers", path.join(out, "model_answer")]);
    expect(run.code).toBe(0);
    const scored = JSON.parse(run.stdout) as EvalResult;
    for (const m of first.models) {
      const s = scored.models.find((x) => x.model === m.model)!;
      expect({ score: s.score, ci: s.ci, failed: s.failed }).toEqual({ score: m.score, ci: m.ci, failed: m.failed });
      expect(s.styleControlled).toEqual(m.styleControlled);
    }
  });

  it("after a lost line (a crash), asks only for what is missing", async () => {
    const lines = readFileSync(judgmentFile, "utf8").trim().split("\n");
    writeFileSync(judgmentFile, `${lines.slice(0, 4).join("\n")}\n${lines[4]!.slice(0, 30)}`); // torn last line
    const partial = `${judgmentFile}.partial`;
    const games = readFileSync(partial, "utf8").trim().split("\n");
    const lost = JSON.parse(lines[4]!).question_id as string;
    writeFileSync(partial, games.filter((g) => JSON.parse(g).question_id !== lost).join("\n") + "\n");
    const before = requests.length;
    const run = await judge(runArgs(), keys);
    expect(run.code).toBe(0);
    const made = requests.slice(before);
    expect(made.every((r) => r.body.model === "judge-x")).toBe(true);
    expect(new Set(made.map((r) => JSON.stringify(r.body.messages))).size).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual(first);
  });

  it("mt-bench: grades each turn, one line per turn", async () => {
    const o = path.join(dir, "mt");
    const run = await judge(runArgs("mt-bench", o, "2"), keys);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as EvalResult;
    expect(validate(result)).toEqual([]);
    expect(result.models[0]).toMatchObject({ model: "org/cand-1", answers: 2 });
    const lines = readFileSync(path.join(o, "model_judgment/judge-x/org_cand-1.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
  });

  it("a model that is down: exit 1 with the reason, after bounded retries", async () => {
    modelDown = true;
    try {
      const run = await judge(runArgs("arena-hard-v0.1", path.join(dir, "down"), "1"), keys);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/the model failed to answer all 1 questions: .*http 503.*after 5 attempts/);
    } finally {
      modelDown = false;
    }
  });

  it("usage errors exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["run"], /--suite is required/],
      [["run", ...runArgs().slice(1), "--bogus", "1"], /unknown option --bogus/],
      [runArgs("nope"), /unknown suite "nope"/],
      [[...runArgs(), "--model-key", "sk-x"], /keys are not taken on the command line/],
      [[...runArgs(), "--limit", "0"], /--limit must be an integer/],
      [[...runArgs(), "--concurrency", "x"], /--concurrency must be an integer/],
      [
        ["run", "--suite", "mt-bench", "--model-url", "ftp://x", "--model", "m", "--judge-url", url, "--judge", "j"],
        /http\(s\) URL/,
      ],
    ];
    for (const [args, msg] of cases) {
      const run = await judge(args, keys);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(msg);
      expect(run.stdout).toBe("");
    }
    const noKey = await judge(runArgs(), {});
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/environment variable CAND_KEY is not set/);
  });
});
