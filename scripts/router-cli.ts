// The router CLI (DESIGN section 12): `bench` trains every router on a training share of a conversations file and
// prints PGR / APGR / CPT on the held-out strong-vs-weak battles as JSON; `train` writes one router's artifact;
// `route` scores one prompt with an artifact. stdout carries only the JSON; progress and errors go to stderr. Exit
// codes: 0 ok, 1 bad input, 2 bad usage. Run through scripts/router.mjs (`npm run --silent router -- …`).
import { accessSync, constants, createReadStream, readFileSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import {
  benchRouters,
  embedAll,
  hashedEmbedder,
  isRouterName,
  loadRouter,
  openAIEmbedder,
  ROUTER_NAMES,
  routerBattleFromRow,
  trainRouter,
  type BenchResult,
  type Embedder,
  type RouterArtifact,
  type RouterBattle,
  type RouterName,
} from "../shared/routing/index";

const USAGE = `usage: npm run --silent router -- bench FILE --strong A --weak B [--test-share 0.2] [--seed S] [--plot out.svg]
       npm run --silent router -- train FILE --strong A --weak B --router R --out artifact.json [--seed S]
       npm run --silent router -- route --artifact artifact.json --threshold T "prompt text"
  FILE                    conversations JSONL: /api/export/conversations.jsonl rows or lmsys-arena-human-preference-55k rows
  --routers a,b           bench only these routers (default: ${ROUTER_NAMES.join(",")})
  --max-battles N         train on at most the latest N battles (default 20000)
  --trained-at ISO        train: the artifact's trainedAt (default: now)
  --skip-invalid          skip malformed rows (counted on stderr) instead of stopping
  --embedding-url URL     an OpenAI-compatible /v1/embeddings server instead of the offline hashed embedding
  --embedding-model M     its model (with --embedding-dim D; key from ROUTER_EMBEDDING_KEY or OPENAI_API_KEY)`;

class UsageError extends Error {}
class InputError extends Error {}

interface Args {
  command: string;
  positional: string[];
  flags: Map<string, string>;
  bools: Set<string>;
}

const VALUE_FLAGS = new Set([
  "--strong",
  "--weak",
  "--test-share",
  "--seed",
  "--plot",
  "--router",
  "--routers",
  "--out",
  "--artifact",
  "--threshold",
  "--max-battles",
  "--trained-at",
  "--embedding-url",
  "--embedding-model",
  "--embedding-dim",
]);
const BOOL_FLAGS = new Set(["--skip-invalid"]);

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h") throw new UsageError("a subcommand is required");
  if (!["bench", "train", "route"].includes(command)) throw new UsageError(`unknown subcommand "${command}"`);
  const positional: string[] = [];
  const flags = new Map<string, string>();
  const bools = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (VALUE_FLAGS.has(a)) {
      const v = rest[i + 1];
      if (v === undefined || (v.startsWith("--") && v.length > 2)) throw new UsageError(`${a} needs a value`);
      flags.set(a, v);
      i++;
    } else if (BOOL_FLAGS.has(a)) bools.add(a);
    else if (a.startsWith("--") && a.length > 2) throw new UsageError(`unknown option ${a}`);
    else positional.push(a);
  }
  return { command, positional, flags, bools };
}

function need(args: Args, flag: string): string {
  const v = args.flags.get(flag);
  if (v === undefined) throw new UsageError(`${args.command} needs ${flag}`);
  return v;
}

function integer(args: Args, flag: string, def: number, min: number): number {
  const v = args.flags.get(flag);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min} (got "${v}")`);
  return n;
}

function oneFile(args: Args): string {
  if (args.positional.length !== 1) throw new UsageError(`${args.command} needs exactly one FILE`);
  return args.positional[0]!;
}

async function readBattles(file: string, skipInvalid: boolean): Promise<RouterBattle[]> {
  const battles: RouterBattle[] = [];
  let line = 0;
  let skipped = 0;
  let notAnonymous = 0;
  try {
    accessSync(file, constants.R_OK);
  } catch (err) {
    throw new InputError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const stream = createReadStream(file, { encoding: "utf8" });
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(text);
    } catch {
      if (skipInvalid) {
        skipped++;
        continue;
      }
      throw new InputError(`${file}:${line}: not valid JSON`);
    }
    const r = routerBattleFromRow(row);
    if (r.ok) battles.push(r.battle);
    else if (r.reason === "not anonymous") notAnonymous++;
    else if (skipInvalid) skipped++;
    else throw new InputError(`${file}:${line}: ${r.reason}`);
  }
  if (skipped > 0) console.error(`skipped ${skipped} invalid rows`);
  if (notAnonymous > 0) console.error(`skipped ${notAnonymous} non-anonymous rows`);
  if (battles.length === 0) throw new InputError(`${file}: no battles`);
  return battles;
}

function embedderFor(args: Args, wanted?: { id: string; dim: number }): Embedder {
  const url = args.flags.get("--embedding-url");
  if (url) {
    const model = need(args, "--embedding-model");
    const dim = integer(args, "--embedding-dim", 0, 1);
    if (dim === 0) throw new UsageError("--embedding-url needs --embedding-dim");
    const apiKey = process.env.ROUTER_EMBEDDING_KEY ?? process.env.OPENAI_API_KEY;
    return openAIEmbedder({ baseUrl: url, model, dim, apiKey, fetch: (u, init) => fetch(u, init) });
  }
  if (wanted) {
    const m = /^hashed-ngram-v1-(\d+)$/.exec(wanted.id);
    if (!m) throw new UsageError(`the artifact was trained with ${wanted.id}: pass --embedding-url/--embedding-model`);
    return hashedEmbedder(Number(m[1]));
  }
  return hashedEmbedder();
}

function pair(args: Args): { strong: string; weak: string } {
  const strong = need(args, "--strong");
  const weak = need(args, "--weak");
  if (strong === weak) throw new UsageError("--strong and --weak must differ");
  return { strong, weak };
}

function checkPairPresent(battles: readonly RouterBattle[], strong: string, weak: string): void {
  const models = new Set(battles.flatMap((b) => [b.modelA, b.modelB]));
  for (const m of [strong, weak]) if (!models.has(m)) throw new InputError(`model "${m}" is in no battle of the file`);
}

async function bench(args: Args): Promise<void> {
  const file = oneFile(args);
  const { strong, weak } = pair(args);
  const testShare = Number(args.flags.get("--test-share") ?? "0.2");
  if (!(testShare > 0 && testShare < 1)) throw new UsageError(`--test-share must be in (0, 1)`);
  const seed = integer(args, "--seed", 0, 0);
  const maxBattles = integer(args, "--max-battles", 20_000, 1);
  const routers = (args.flags.get("--routers")?.split(",") ?? [...ROUTER_NAMES]).map((r) => r.trim());
  for (const r of routers)
    if (!isRouterName(r)) throw new UsageError(`unknown router "${r}" (one of ${ROUTER_NAMES.join(", ")})`);
  const embedder = embedderFor(args);
  const battles = await readBattles(file, args.bools.has("--skip-invalid"));
  checkPairPresent(battles, strong, weak);
  const t0 = performance.now();
  const embeddings = await embedAll(
    embedder,
    battles.map((b) => b.prompt),
  );
  console.error(`embedded ${battles.length} prompts with ${embedder.id} in ${Math.round(performance.now() - t0)} ms`);
  let result: BenchResult;
  try {
    result = benchRouters(battles, embeddings, {
      strong,
      weak,
      embedder,
      testShare,
      seed,
      routers: routers as RouterName[],
      train: { maxBattles },
    });
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  const plot = args.flags.get("--plot");
  if (plot) writeFileSync(plot, plotSvg(result));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function train(args: Args): Promise<void> {
  const file = oneFile(args);
  const { strong, weak } = pair(args);
  const router = need(args, "--router");
  if (!isRouterName(router)) throw new UsageError(`unknown router "${router}" (one of ${ROUTER_NAMES.join(", ")})`);
  const out = need(args, "--out");
  const seed = integer(args, "--seed", 0, 0);
  const maxBattles = integer(args, "--max-battles", 20_000, 1);
  const trainedAt = args.flags.get("--trained-at") ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(trainedAt)))
    throw new UsageError(`--trained-at must be an ISO time (got "${trainedAt}")`);
  const embedder = embedderFor(args);
  const battles = await readBattles(file, args.bools.has("--skip-invalid"));
  checkPairPresent(battles, strong, weak);
  const embeddings = await embedAll(
    embedder,
    battles.map((b) => b.prompt),
  );
  const t0 = performance.now();
  const artifact = trainRouter(router, battles, embeddings, { strong, weak, embedder, seed, maxBattles, trainedAt });
  const text = JSON.stringify(artifact);
  writeFileSync(out, text);
  console.error(
    `trained ${router} on ${artifact.battles} battles in ${Math.round(performance.now() - t0)} ms; wrote ${out} (${text.length} bytes)`,
  );
  process.stdout.write(
    `${JSON.stringify({ router, out, battles: artifact.battles, thresholds: artifact.thresholds })}\n`,
  );
}

async function route(args: Args): Promise<void> {
  const path = need(args, "--artifact");
  const tText = need(args, "--threshold");
  const threshold = Number(tText);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new UsageError(`--threshold must be a number in [0, 1] (got "${tText}")`);
  }
  if (args.positional.length !== 1) throw new UsageError('route needs exactly one "prompt text"');
  const prompt = args.positional[0]!;
  let artifact: RouterArtifact;
  try {
    artifact = JSON.parse(readFileSync(path, "utf8")) as RouterArtifact;
  } catch (err) {
    throw new InputError(`cannot read artifact ${path}: ${(err as Error).message}`);
  }
  let router;
  try {
    router = loadRouter(artifact);
  } catch (err) {
    throw new InputError(`${path}: ${(err as Error).message}`);
  }
  const embedder = embedderFor(args, artifact.embedder);
  const [embedding] = router.needsEmbedding ? await embedder.embed([prompt]) : [new Float32Array(0)];
  const score = router.score(prompt, embedding!);
  const to = score >= threshold ? router.strong : router.weak;
  process.stdout.write(
    `${JSON.stringify({ router: router.router, score: Number(score.toPrecision(6)), threshold, to })}\n`,
  );
}

const COLOURS = ["#888888", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

/** PGR against strong-model share for every router (RouteLLM's figure), as a small self-contained SVG. */
export function plotSvg(r: BenchResult): string {
  const W = 640;
  const H = 440;
  const m = { l: 60, r: 150, t: 40, b: 50 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const ys = r.routers.flatMap((x) => x.curve.map(([, p]) => p)).filter(Number.isFinite);
  const yMax = Math.max(1, ...ys);
  const yMin = Math.min(0, ...ys);
  const X = (s: number) => m.l + s * pw;
  const Y = (p: number) => m.t + ((yMax - p) / (yMax - yMin)) * ph;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${m.l}" y="22" font-size="14">PGR vs strong share: ${esc(r.strong)} / ${esc(r.weak)} (test ${r.test})</text>`,
  ];
  for (let i = 0; i <= 10; i++) {
    const s = i / 10;
    parts.push(`<line x1="${X(s)}" y1="${m.t}" x2="${X(s)}" y2="${m.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${X(s)}" y="${m.t + ph + 16}" text-anchor="middle">${s.toFixed(1)}</text>`);
  }
  const step = (yMax - yMin) / 6;
  for (let i = 0; i <= 6; i++) {
    const p = yMin + i * step;
    parts.push(`<line x1="${m.l}" y1="${Y(p).toFixed(1)}" x2="${m.l + pw}" y2="${Y(p).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(Y(p) + 4).toFixed(1)}" text-anchor="end">${p.toFixed(2)}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(
    `<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">share of prompts sent to the strong model</text>`,
  );
  parts.push(
    `<text x="16" y="${m.t + ph / 2}" text-anchor="middle" transform="rotate(-90 16 ${m.t + ph / 2})">PGR</text>`,
  );
  r.routers.forEach((x, i) => {
    const c = COLOURS[i % COLOURS.length]!;
    const pts = x.curve
      .filter(([, p]) => Number.isFinite(p))
      .map(([s, p]) => `${X(s).toFixed(1)},${Y(p).toFixed(1)}`)
      .join(" ");
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`);
    const ly = m.t + 16 + i * 18;
    parts.push(
      `<line x1="${m.l + pw + 12}" y1="${ly - 4}" x2="${m.l + pw + 32}" y2="${ly - 4}" stroke="${c}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${m.l + pw + 38}" y="${ly}">${esc(x.router)} ${x.apgr.toFixed(3)}</text>`);
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.command === "bench") await bench(args);
    else if (args.command === "train") await train(args);
    else await route(args);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`error: ${err.message}\n${USAGE}`);
      return 2;
    }
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
