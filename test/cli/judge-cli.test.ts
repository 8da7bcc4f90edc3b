// `npm run --silent judge -- score FILE...` as a user runs it (DESIGN section 13): on the real Arena-Hard v0.1
// judgments (test/fixtures/judge) it prints Arena-Hard-Auto's 2024-07-31 scores, the same result as the pure
// scorePairwise, valid against shared/ratings/eval.schema.json; --answers adds the style-controlled score,
// --human the quality block; bad input gives a clear error and a non-zero exit.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { scorePairwise, scoreSingle, type EvalResult } from "../../shared/ratings/judge";
import { parseJudgmentJsonl } from "../../shared/ratings/judge-parse";
import { root } from "./run-ratings";

async function judge(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/judge.mjs", ...args], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const fixtures = path.join(root, "test/fixtures/judge/model_judgment/gpt-4-1106-preview");
const files = readdirSync(fixtures)
  .filter((f) => f.endsWith(".jsonl"))
  .sort()
  .map((f) => path.join(fixtures, f));
const dir = mkdtempSync(path.join(tmpdir(), "judge-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/eval.schema.json"), "utf8"));
const validate = (value: unknown) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.validate(schema, value);
  return ajv.errors ?? [];
};

describe("judge score", () => {
  it("reproduces Arena-Hard-Auto's leaderboard from its judgment files, valid against the schema", async () => {
    const run = await judge(["score", ...files]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as EvalResult;
    expect(validate(out)).toEqual([]);
    expect(out).toMatchObject({ schema: "arena-eval/v1", suite: "arena-hard-v0.1", judge: "gpt-4-1106-preview" });
    const score = (m: string) => out.models.find((x) => x.model === m)!.score;
    expect(score("gpt-4-0613")).toBe(37.9);
    expect(score("gpt-3.5-turbo-0125")).toBe(23.34);
    expect(score("gpt-4-0314")).toBe(50);
    // The same as the pure function the job service calls.
    const seen = new Map<string, string>();
    const records = files.flatMap((f) => parseJudgmentJsonl(readFileSync(f, "utf8"), f, seen));
    expect(out).toEqual(JSON.parse(JSON.stringify(scorePairwise(records, { suite: "arena-hard-v0.1" }))));
  });

  it("takes a folder, --seed and --bootstrap", async () => {
    const a = JSON.parse((await judge(["score", fixtures, "--seed", "3"])).stdout) as EvalResult;
    const b = JSON.parse((await judge(["score", ...files, "--seed", "3"])).stdout) as EvalResult;
    expect(a).toEqual(b);
    expect(a.method.seed).toBe(3);
    const none = JSON.parse((await judge(["score", fixtures, "--bootstrap", "0"])).stdout) as EvalResult;
    expect(none.models.every((m) => m.ci === null)).toBe(true);
    expect(validate(none)).toEqual([]);
  });

  it("adds a style-controlled score with --answers and a quality block with --human", async () => {
    // A small suite: two models against "base", answers in the 2024 and 2025 model_answer layouts.
    const qs = Array.from({ length: 60 }, (_, i) => `q${i}`);
    const rows = (model: string, win: (i: number) => boolean) =>
      qs
        .map((q, i) =>
          JSON.stringify({
            question_id: q,
            model,
            judge: "j",
            games: [
              { user_prompt: "…", judgment: "…", score: win(i) ? "B>A" : "A>B" },
              { score: win(i) ? "A>B" : "B>A" },
            ],
          }),
        )
        .join("\n");
    const jf = [
      write(
        "j/long.jsonl",
        rows("long", (i) => i % 3 !== 0),
      ),
      write(
        "j/short.jsonl",
        rows("short", (i) => i % 3 === 0),
      ),
    ];
    const answer2024 = (model: string, text: (i: number) => string) =>
      qs
        .map((q, i) =>
          JSON.stringify({ question_id: q, model_id: model, choices: [{ index: 0, turns: [{ content: text(i) }] }] }),
        )
        .join("\n");
    write(
      "a/long.jsonl",
      answer2024("long", (i) => `# Title\n\n- one\n- two\n\n**bold** ${"word ".repeat(80 + i)}`),
    );
    write(
      "a/short.jsonl",
      answer2024("short", (i) => `Short answer ${i}.`),
    );
    write(
      "a/base.jsonl",
      qs
        .map((q, i) =>
          JSON.stringify({
            uid: q,
            model: "base",
            messages: [
              { role: "user", content: "?" },
              { role: "assistant", content: { answer: `A medium answer ${"x ".repeat(20 + i)}` } },
            ],
          }),
        )
        .join("\n"),
    );
    const human = write(
      "human.json",
      JSON.stringify({
        schema: "arena-leaderboard/v1",
        snapshot: "s1",
        categories: {
          overall: {
            models: [
              { model: "long", rating: 1100, ci: [1090, 1110] },
              { model: "base", rating: 1050, ci: [1040, 1060] },
              { model: "short", rating: 1000, ci: [990, 1010] },
            ],
          },
        },
      }),
    );
    const run = await judge([
      "score",
      ...jf,
      "--baseline",
      "base",
      "--suite",
      "tiny",
      "--answers",
      path.join(dir, "a"),
      "--human",
      human,
    ]);
    expect(run.stderr).toBe("");
    const out = JSON.parse(run.stdout) as EvalResult;
    expect(validate(out)).toEqual([]);
    expect(out.suite).toBe("tiny");
    for (const m of out.models) expect(m.styleControlled, m.model).not.toBeNull();
    expect(out.quality).toMatchObject({ against: "arena-leaderboard/v1 overall s1", models: 3, pairs: 3, spearman: 1 });
  });

  it("validates an MT-Bench (single grading) result against the same schema", () => {
    const r = scoreSingle(
      [
        { model: "a", questionId: "81", turn: 1, score: 8 },
        { model: "a", questionId: "81", turn: 2, score: 6.5 },
        { model: "a", questionId: "82", turn: 1, score: null },
      ],
      { suite: "mt-bench", judge: "j" },
    );
    expect(validate(JSON.parse(JSON.stringify(r)))).toEqual([]);
  });

  it("names the file and line of a bad record, and exits 1", async () => {
    const bad = write(
      "bad.jsonl",
      '{"question_id":"q","model":"m","judge":"j","games":[{"score":"A>B"}]}\n{"question_id":"q2"}\n',
    );
    const run = await judge(["score", bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`judge: ${bad}:2: model must be a non-empty string\n`);
    const json = await judge(["score", write("nojson.jsonl", "{not json\n")]);
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/nojson\.jsonl:1: not valid JSON/);
    const missing = await judge(["score", path.join(dir, "missing.jsonl")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file or folder/);
    const twice = await judge(["score", files[0]!, files[0]!]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/judged twice/);
  });

  it("exits 2 on bad usage", async () => {
    for (const args of [
      [],
      ["score"],
      ["rank", "x"],
      ["score", "--bootstrap", "-1", files[0]!],
      ["score", "--nope", files[0]!],
    ]) {
      const run = await judge(args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/usage: npm run --silent judge -- score/);
    }
  });
});
