// The judge CLI (DESIGN section 13): `judge score FILE...` reads Arena-Hard-Auto judgment files and prints the
// `arena-eval/v1` result JSON on stdout and nothing else; errors go to stderr. `judge run …` runs a suite against
// OpenAI-compatible endpoints (scripts/judge-run.ts) and prints the same JSON, progress on stderr. Exit codes:
// 0 ok, 1 bad input or a runtime failure, 2 bad usage. Run through scripts/judge.mjs
// (`npm run --silent judge -- score [options] FILE...`, `npm run --silent judge -- run [options]`).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { markdownCounts, countTokens } from "../shared/battle/style";
import { DEFAULT_BASELINE, evalQuality, scorePairwise, type StyleVector } from "../shared/ratings/judge";
import { JudgmentParseError, parseJudgmentJsonl } from "../shared/ratings/judge-parse";
import { parseRunArgs, RUN_USAGE, RunError, runSuite, RunUsageError } from "./judge-run";

const SCORE_USAGE = `usage: npm run --silent judge -- score [options] FILE...
  FILE                    Arena-Hard-Auto judgment files (model_judgment/<judge>/<model>.jsonl), or folders of them
  --baseline MODEL        the baseline every game is against (default ${DEFAULT_BASELINE})
  --suite NAME            suite name in the result (default arena-hard-v0.1)
  --seed S                bootstrap seed (default 0)
  --bootstrap N           bootstrap rounds (default 100; 0 = no intervals)
  --answers DIR           model_answer folder (Arena-Hard-Auto layout, 2024 or 2025): enables the
                          style-controlled score (conv_metadata when present, else counted from the answers)
  --human FILE            a leaderboard JSON (arena-leaderboard/v1): adds the quality block against its overall
                          board (or --human-board NAME)
  --human-board NAME      the board of --human to compare with (default overall)`;
const USAGE = `${SCORE_USAGE}\n\n${RUN_USAGE}`;

class UsageError extends Error {}
class InputError extends Error {}

interface ScoreArgs {
  files: string[];
  baseline: string;
  suite: string;
  seed: number | string;
  bootstrap: number;
  answers: string | null;
  human: string | null;
  humanBoard: string;
}

function parseScoreArgs(argv: string[]): ScoreArgs {
  const a: ScoreArgs = {
    files: [],
    baseline: DEFAULT_BASELINE,
    suite: "arena-hard-v0.1",
    seed: 0,
    bootstrap: 100,
    answers: null,
    human: null,
    humanBoard: "overall",
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--baseline":
        a.baseline = value();
        break;
      case "--suite":
        a.suite = value();
        break;
      case "--seed": {
        const v = value();
        a.seed = /^-?\d+$/.test(v) ? Number(v) : v;
        break;
      }
      case "--bootstrap": {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new UsageError(`--bootstrap must be an integer >= 0 (got "${v}")`);
        a.bootstrap = n;
        break;
      }
      case "--answers":
        a.answers = value();
        break;
      case "--human":
        a.human = value();
        break;
      case "--human-board":
        a.humanBoard = value();
        break;
      default:
        if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}`);
        a.files.push(arg);
    }
  }
  if (a.files.length === 0) throw new UsageError("no judgment file given");
  return a;
}

/** FILE arguments, folders expanded to their *.jsonl files (sorted). */
function expandFiles(args: string[]): string[] {
  const out: string[] = [];
  for (const f of args) {
    let st;
    try {
      st = statSync(f);
    } catch {
      throw new InputError(`${f}: no such file or folder`);
    }
    if (st.isDirectory()) {
      const files = readdirSync(f)
        .filter((n) => n.endsWith(".jsonl"))
        .sort()
        .map((n) => path.join(f, n));
      if (files.length === 0) throw new InputError(`${f}: no .jsonl judgment files in this folder`);
      out.push(...files);
    } else out.push(f);
  }
  return out;
}

/** One answer of a model_answer file, either layout; its text and Arena-Hard's conv_metadata when present. */
function answerOf(row: Record<string, unknown>): { model: string; id: string; text: string; meta: unknown } | null {
  const id = (row.question_id ?? row.uid) as unknown;
  const model = (row.model_id ?? row.model) as unknown;
  let text: unknown;
  const choices = row.choices as { turns?: { content?: unknown }[] }[] | undefined;
  if (Array.isArray(choices)) text = choices[0]?.turns?.[0]?.content;
  const messages = row.messages as { role?: string; content?: unknown }[] | undefined;
  if (text === undefined && Array.isArray(messages)) {
    const c = messages.find((m) => m.role === "assistant")?.content;
    text = typeof c === "object" && c !== null ? (c as { answer?: unknown }).answer : c;
  }
  if ((typeof id !== "string" && typeof id !== "number") || typeof model !== "string" || typeof text !== "string")
    return null;
  return { model, id: String(id), text, meta: row.conv_metadata };
}

const sum = (x: unknown): number =>
  typeof x === "number"
    ? x
    : typeof x === "object" && x !== null
      ? Object.values(x).reduce((a, v) => a + sum(v), 0)
      : 0;

/** Style vectors [tokens, headers, list items, bold] per model and question from a model_answer folder. */
async function loadStyles(dir: string): Promise<Map<string, StyleVector>> {
  const styles = new Map<string, StyleVector>();
  for (const file of expandFiles([dir])) {
    const lines = readFileSync(file, "utf8").split("\n");
    const pending: { key: string; text: string }[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        throw new InputError(`${file}:${i + 1}: not valid JSON`);
      }
      const a = typeof row === "object" && row !== null ? answerOf(row as Record<string, unknown>) : null;
      if (!a) throw new InputError(`${file}:${i + 1}: not a model answer (question_id/uid, model, answer text)`);
      const key = `${a.model}\u0000${a.id}`;
      const m = a.meta as Record<string, unknown> | undefined;
      if (m && typeof m.token_len === "number") {
        styles.set(key, [m.token_len, sum(m.header_count), sum(m.list_count), sum(m.bold_count)]);
      } else pending.push({ key, text: a.text });
    });
    const tokens = await countTokens(pending.map((p) => p.text));
    pending.forEach((p, k) => {
      const md = markdownCounts(p.text);
      styles.set(p.key, [tokens[k]!, sum(md.header), sum(md.list), sum(md.bold)]);
    });
  }
  return styles;
}

function loadHuman(file: string, board: string) {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`${file}: not a readable JSON file (${(err as Error).message})`);
  }
  const j = json as { schema?: unknown; snapshot?: unknown; categories?: Record<string, { models?: unknown }> };
  if (j.schema !== "arena-leaderboard/v1") throw new InputError(`${file}: not an arena-leaderboard/v1 JSON`);
  const models = j.categories?.[board]?.models;
  if (!Array.isArray(models)) throw new InputError(`${file}: no board "${board}"`);
  const human = models.map((m: { model?: unknown; rating?: unknown; ci?: unknown }) => {
    if (typeof m.model !== "string" || typeof m.rating !== "number") throw new InputError(`${file}: bad model row`);
    const ci = Array.isArray(m.ci) && m.ci.length === 2 ? (m.ci as [number, number]) : null;
    return { model: m.model, rating: m.rating, ci };
  });
  return { human, against: `arena-leaderboard/v1 ${board} ${String(j.snapshot ?? "")}`.trim() };
}

async function score(argv: string[]): Promise<void> {
  const args = parseScoreArgs(argv);
  const files = expandFiles(args.files);
  const seen = new Map<string, string>();
  const records = files.flatMap((f) => {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (err) {
      throw new InputError(`${f}: cannot read (${(err as Error).message})`);
    }
    return parseJudgmentJsonl(text, f, seen);
  });
  if (records.length === 0) throw new InputError("the judgment files hold no records");
  const styles = args.answers ? await loadStyles(args.answers) : null;
  const result = scorePairwise(records, {
    suite: args.suite,
    baseline: args.baseline,
    seed: args.seed,
    rounds: args.bootstrap,
    ...(styles ? { style: (model: string, q: string) => styles.get(`${model}\u0000${q}`) ?? null } : {}),
  });
  if (args.human) {
    const { human, against } = loadHuman(args.human, args.humanBoard);
    result.quality = evalQuality(result, human, against);
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stderr.write(`${USAGE}\n`);
    process.exit(command === undefined ? 2 : 0);
  }
  if (command !== "score" && command !== "run") throw new UsageError(`unknown command "${command}"`);
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stderr.write(`${command === "run" ? RUN_USAGE : SCORE_USAGE}\n`);
    process.exit(0);
  }
  if (command === "score") return score(rest);
  const args = parseRunArgs(rest);
  // Every result is already on disk (appended as it arrived): an interrupted run loses only the calls in flight.
  process.once("SIGINT", () => {
    process.stderr.write(
      `\njudge: interrupted; the results so far are in ${args.out}, run the same command to resume\n`,
    );
    process.exit(130);
  });
  const { result } = await runSuite(args, (line) => process.stderr.write(`judge: ${line}\n`));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`judge: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof RunUsageError) {
    process.stderr.write(`judge run: ${err.message}\n${RUN_USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof InputError || err instanceof JudgmentParseError || err instanceof RunError) {
    process.stderr.write(`judge: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`judge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
