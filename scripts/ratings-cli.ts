// The ratings CLI (DESIGN section 7): reads battles (.jsonl, .json or .csv, streamed), prints the leaderboard JSON
// (section 6) on stdout and nothing else; progress, skips and errors go to stderr. Exit codes: 0 ok, 1 bad input,
// 2 bad usage. Run through scripts/ratings.mjs (`npm run --silent ratings -- [options] FILE`).
import { readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { availableBoards, buildLeaderboard, type LeaderboardOptions } from "../shared/ratings/leaderboard";
import { createParser, formatFromPath, InputError } from "../shared/ratings/parse";
import { styleRounds, type StylePrep, type StyleRoundRunner, type StyleRounds } from "../shared/ratings/style-board";
import { parseStyleFeatures, type StyleFeature } from "../shared/ratings/table";
import { runRedteam } from "./redteam-cli";
import { ModelsFileError, parseModelsFile } from "../shared/ratings/models-file";
import { streamFileInto } from "./stream-file";
import { PARALLEL_PARSE_MIN_BYTES, parseFileInParallel, runParseJob, type ParseJob } from "./parse-parallel";

const USAGE = `usage: npm run --silent ratings -- [options] FILE   (FILE: .jsonl, .json or .csv)
       npm run --silent ratings -- --redteam FILE [--meta META] [--bootstrap N] [--seed S] [--skip-invalid]
  --redteam FILE          the Red Team Arena board (redteam.json) from /api/export/redteam.jsonl
  --meta META             with --redteam: snapshot, generatedAt, handles and model names from the published
                          redteam.json (or {"snapshot","generatedAt","handles","modelNames"}); default: derived
                          from the export (snapshot cli-<sha256 prefix>, latest tstamp, ids as names)
  --models MODELS         the snapshot's frozen model metadata (/api/export/models.json?snapshot=ID): entries carry
                          it, the price and size adjustments and the frontier are fitted on it, and the snapshot id
                          and time come from it, as the cron's
  --bootstrap N           bootstrap rounds (default 100; 0 = no intervals)
  --seed S                bootstrap seed (default 0)
  --style-control         style-controlled boards (default: when the input has conv_metadata)
  --no-style-control      no style-controlled boards
  --style-features LIST   style features, comma-separated, any of length,header,list,bold,emoji (default
                          length,header,list,bold, as the cron; emoji is opt-in and used when the input has
                          conv_metadata.emoji_count_a/b)
  --anchor MODEL=RATING   shift ratings so MODEL has RATING (default: mean 1000)
  --category NAME         only this board (repeatable)
  --min-votes N           drop models with fewer battles on a board, then refit
  --ci bootstrap|sandwich interval method for the raw boards (default bootstrap)
  --ci-correction none|bonferroni   simultaneous intervals over the board's models (default none)
  --ipw                   weight battles by 1 / recorded sampling probability
  --skip-invalid          skip malformed rows (counted on stderr) instead of stopping
  --threads N             threads for parsing a large JSONL file and for the style-control bootstrap
                          (default: up to 2); never changes results`;

class UsageError extends Error {}

interface Cli {
  file: string;
  redteam: boolean;
  meta: string | null;
  models: string | null;
  options: Partial<LeaderboardOptions>;
  skipInvalid: boolean;
  threads: number;
  /** --style-features, canonical order; null = the default four. */
  styleFeatures: StyleFeature[] | null;
}

function parseArgs(argv: string[]): Cli {
  const options: Partial<LeaderboardOptions> = {};
  let file: string | undefined;
  let redteam: string | undefined;
  let meta: string | null = null;
  let models: string | null = null;
  const other: string[] = [];
  let skipInvalid = false;
  let styleFeatures: StyleFeature[] | null = null;
  let threads = Math.min(2, availableParallelism());
  const categories: string[] = [];
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const integer = (v: string, flag: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min} (got "${v}")`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith("--") && !["--bootstrap", "--seed", "--skip-invalid", "--redteam", "--meta"].includes(arg))
      other.push(arg);
    switch (arg) {
      case "--redteam":
        redteam = value(i++, arg);
        break;
      case "--meta":
        meta = value(i++, arg);
        break;
      case "--models":
        models = value(i++, arg);
        break;
      case "--bootstrap":
        options.bootstrap = integer(value(i++, arg), arg, 0);
        break;
      case "--seed":
        options.seed = integer(value(i++, arg), arg, 0);
        break;
      case "--style-control":
        options.styleControl = true;
        break;
      case "--no-style-control":
        options.styleControl = false;
        break;
      case "--style-features": {
        const v = value(i++, arg);
        try {
          styleFeatures = parseStyleFeatures(v);
        } catch (err) {
          throw new UsageError(`--style-features: ${(err as Error).message}`);
        }
        break;
      }
      case "--anchor": {
        const m = /^(.+)=(-?\d+(?:\.\d+)?)$/.exec(value(i++, arg));
        if (!m) throw new UsageError("--anchor must look like MODEL=RATING, e.g. gpt-4o=1200");
        options.anchor = { model: m[1]!, rating: Number(m[2]) };
        break;
      }
      case "--category":
        categories.push(value(i++, arg));
        break;
      case "--min-votes":
        options.minVotes = integer(value(i++, arg), arg, 0);
        break;
      case "--ci": {
        const v = value(i++, arg);
        if (v !== "bootstrap" && v !== "sandwich")
          throw new UsageError(`--ci must be bootstrap or sandwich (got "${v}")`);
        options.ci = v;
        break;
      }
      case "--ci-correction": {
        const v = value(i++, arg);
        if (v !== "none" && v !== "bonferroni")
          throw new UsageError(`--ci-correction must be none or bonferroni (got "${v}")`);
        options.correction = v;
        break;
      }
      case "--ipw":
        options.ipw = true;
        break;
      case "--skip-invalid":
        skipInvalid = true;
        break;
      case "--threads":
        threads = integer(value(i++, arg), arg, 1);
        break;
      case "-h":
      case "--help":
        process.stderr.write(`${USAGE}\n`);
        process.exit(0);
        break;
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
        if (file) throw new UsageError("give exactly one input file");
        file = arg;
    }
  }
  if (redteam !== undefined) {
    if (file) throw new UsageError("with --redteam, give the export as --redteam FILE and no other file");
    const unused = other.filter((o) => o !== "--threads" && o !== "--help");
    if (unused.length) throw new UsageError(`${unused.join(", ")} cannot be used with --redteam`);
    return { file: redteam, redteam: true, meta, models, options, skipInvalid, threads, styleFeatures };
  }
  if (meta !== null) throw new UsageError("--meta is only for --redteam");
  if (!file) throw new UsageError("no input file");
  if (categories.length) options.categories = categories;
  return { file, redteam: false, meta, models, options, skipInvalid, threads, styleFeatures };
}

function readable(file: string): void {
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${file} is not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}`);
  }
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.redteam) {
    readable(cli.file);
    if (cli.meta) readable(cli.meta);
    const { text, summary } = await runRedteam({
      file: cli.file,
      meta: cli.meta,
      bootstrap: cli.options.bootstrap,
      seed: cli.options.seed,
      skipInvalid: cli.skipInvalid,
    });
    process.stderr.write(`${summary}\n`);
    process.stdout.write(text);
    return;
  }
  const format = formatFromPath(cli.file);
  if (!format) throw new UsageError(`cannot tell the format of "${cli.file}": use .jsonl, .json or .csv`);
  try {
    if (!statSync(cli.file).isFile()) throw new UsageError(`${cli.file} is not a file`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${cli.file}`);
  }
  if (cli.models) {
    readable(cli.models);
    cli.options.models = parseModelsFile(readFileSync(cli.models, "utf8"), cli.models);
  }
  const parseOptions = {
    skipInvalid: cli.skipInvalid,
    // Probabilities only matter to --ipw; with threads, the table lives in shared memory (no copy per thread).
    samplingProbability: cli.options.ipw === true,
    // Change over time needs each row's tstamp: only when the models file asks for comparisons.
    tstamp: !!cli.options.models?.comparisons?.length,
    shared: cli.threads > 1,
    ...(cli.styleFeatures ? { styleFeatures: cli.styleFeatures } : {}),
  };
  // A large JSONL file is parsed on the threads too (JSON Lines cut cleanly at line ends; CSV and JSON do not).
  // RATINGS_PARALLEL_PARSE_MIN_BYTES lowers the threshold (the tests run the threaded parse on small files).
  const minBytes = Number(process.env["RATINGS_PARALLEL_PARSE_MIN_BYTES"] ?? PARALLEL_PARSE_MIN_BYTES);
  const parallel = format === "jsonl" && cli.threads > 1 && statSync(cli.file).size >= minBytes;
  const { parsed, sha256 } = parallel
    ? await parseFileInParallel(cli.file, parseOptions, cli.threads, new URL(import.meta.url)).then((r) => ({
        parsed: r.result,
        sha256: r.sha256,
      }))
    : await (async () => {
        const parser = createParser(format, parseOptions);
        const sha256 = await streamFileInto(cli.file, parser);
        return { parsed: parser.end(), sha256 };
      })();
  const boards = availableBoards(parsed.table);
  const missing = (cli.options.categories ?? []).filter((c) => !boards.includes(c));
  if (missing.length) {
    throw new UsageError(
      `no board ${missing.map((c) => `"${c}"`).join(", ")} in this input (boards: ${boards.join(", ")})`,
    );
  }
  const skipped = Object.entries(parsed.skipped);
  if (skipped.length) {
    process.stderr.write(`ratings: skipped ${skipped.map(([why, n]) => `${n} ${why}`).join(", ")}\n`);
  }
  if (parsed.missingStyleFeatures?.length) {
    process.stderr.write(
      `ratings: no row has counts for style feature ${parsed.missingStyleFeatures.join(", ")}: left out of style control\n`,
    );
  }
  if (parsed.droppedCategories.length) {
    process.stderr.write(`ratings: no room for boards ${parsed.droppedCategories.join(", ")}\n`);
  }
  // Deterministic metadata: the same input and options always print the same bytes.
  const latest = Math.max(0, parsed.table.latestTstamp ?? 0);
  const started = performance.now();
  const pool = new RoundPool(cli.threads);
  const json = await buildLeaderboard(
    parsed.table,
    cli.options,
    {
      snapshot: cli.options.models?.snapshot ?? `cli-${sha256.slice(0, 12)}`,
      generatedAt: cli.options.models?.generatedAt ?? new Date(latest * 1000).toISOString(),
      sha256,
      excluded: parsed.excluded,
    },
    pool.run,
  ).finally(() => pool.close());
  process.stderr.write(
    `ratings: ${parsed.table.length} battles, ${Object.keys(json.categories).length} boards in ` +
      `${((performance.now() - started) / 1000).toFixed(2)} s (after parsing); peak memory ` +
      `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB\n`,
  );
  process.stdout.write(`${JSON.stringify(json)}\n`);
}

/**
 * Spreads a board's style-control bootstrap rounds over worker threads (this same module, started as a worker)
 * and the main thread. Each round carries its own seed key, so the split never changes the numbers.
 */
class RoundPool {
  private readonly workers: Worker[];

  constructor(threads: number) {
    this.workers = Array.from({ length: Math.max(0, threads - 1) }, () => new Worker(new URL(import.meta.url)));
  }

  readonly run: StyleRoundRunner = async (prep: StylePrep, rounds: number): Promise<StyleRounds> => {
    const parts = this.workers.length + 1;
    const bounds = Array.from({ length: parts + 1 }, (_, k) => Math.round((k * rounds) / parts));
    const remote = this.workers.map(
      (w, k) =>
        new Promise<StyleRounds>((resolve, reject) => {
          const done = (result: StyleRounds) => {
            w.off("error", failed);
            resolve(result);
          };
          const failed = (err: Error) => {
            w.off("message", done);
            reject(err);
          };
          w.once("message", done);
          w.once("error", failed);
          w.postMessage({ prep, from: bounds[k + 1], to: bounds[k + 2] });
        }),
    );
    const mine = styleRounds(prep, bounds[0]!, bounds[1]!);
    const all = [mine, ...(await Promise.all(remote))];
    const join = (pick: (r: StyleRounds) => Float64Array) => {
      const out = new Float64Array(all.reduce((n, r) => n + pick(r).length, 0));
      let at = 0;
      for (const r of all) {
        out.set(pick(r), at);
        at += pick(r).length;
      }
      return out;
    };
    return { samples: join((r) => r.samples), gammas: join((r) => r.gammas) };
  };

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// `… | head` closing the pipe early is not an error worth a stack trace.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});

if (!isMainThread && (workerData as ParseJob | null)?.role === "parse") {
  void runParseJob(workerData as ParseJob).then((part) => parentPort!.postMessage(part));
} else if (!isMainThread) {
  parentPort!.on("message", ({ prep, from, to }: { prep: StylePrep; from: number; to: number }) => {
    const result = styleRounds(prep, from, to);
    parentPort!.postMessage(result, [result.samples.buffer as ArrayBuffer, result.gammas.buffer as ArrayBuffer]);
  });
} else {
  main().catch(fail);
}

function fail(err: unknown): never {
  if (err instanceof UsageError) {
    process.stderr.write(`ratings: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (err instanceof InputError || err instanceof ModelsFileError) {
    process.stderr.write(`ratings: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`ratings: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
