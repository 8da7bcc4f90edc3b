#!/usr/bin/env node
// `npm start`: the whole arena locally, offline, with no keys (DESIGN section 2).
//   1. creates .dev.vars from .dev.vars.example when missing;
//   2. applies the D1 migrations to the local database;
//   3. runs `wrangler dev --ip 127.0.0.1 --port 8787 --test-scheduled` (D1, DO, Queues, R2 all local);
//   4. once it answers, applies the model seed file through the admin API;
//   5. recomputes the leaderboard (the scheduled handler) at once and then every minute.
// Options: --port N, --persist-to DIR (local state folder), --env-file FILE (secrets and var overrides from FILE
// instead of .dev.vars; the tests use it so a developer's .dev.vars cannot change them), and anything else is
// passed to `wrangler dev` (e.g. --var DEMO_SPEEDUP:20).
//
// Every NAME=value line of .dev.vars reaches the Worker (wrangler.toml has no `[secrets] required` list, which would
// make wrangler load only the listed names): vendor keys named by a model's apiKeySecret, TURNSTILE_SECRET_KEY,
// and overrides of any [vars] entry such as RATE_LIMITS=off. Their names (never values) are printed at start.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDevVars, seedModels, seedRouting } from "./seed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wrangler = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

const args = process.argv.slice(2);
function take(name, fallback) {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
}
const port = Number(take("--port", "8787"));
const persistTo = take("--persist-to", undefined);
// Seconds between leaderboard refreshes; 0 turns them off (benchmarks trigger the cron themselves).
const refreshSeconds = Number(take("--refresh-seconds", "60"));
const envFile = take("--env-file", undefined);
const persist = persistTo ? ["--persist-to", persistTo] : [];
const quietEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" };
const log = (msg) => console.log(`[arena] ${msg}`);

const devVars = envFile ? path.resolve(envFile) : path.join(root, ".dev.vars");
const devVarsExample = path.join(root, ".dev.vars.example");
if (envFile) {
  if (!existsSync(devVars)) {
    console.error(`[arena] --env-file ${envFile}: no such file`);
    process.exit(2);
  }
} else if (!existsSync(devVars)) {
  copyFileSync(devVarsExample, devVars);
  log("created .dev.vars from .dev.vars.example (local secrets)");
} else {
  // A .dev.vars from an older checkout lacks secrets added since: append their example values.
  const have = readDevVars(devVars);
  const missing = Object.entries(readDevVars(devVarsExample)).filter(([k]) => !(k in have));
  if (missing.length) {
    const text = readFileSync(devVars, "utf8");
    const lines = missing.map(([k, v]) => `${k}=${v}`).join("\n");
    writeFileSync(devVars, `${text}${text.endsWith("\n") || text === "" ? "" : "\n"}${lines}\n`);
    log(`added ${missing.map(([k]) => k).join(", ")} to .dev.vars from .dev.vars.example`);
  }
}

const localVars = readDevVars(devVars);
log(`${path.relative(root, devVars) || devVars}: ${Object.keys(localVars).join(", ") || "(empty)"} reach the Worker`);

function run(cmdArgs, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [wrangler, ...cmdArgs], { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`wrangler ${cmdArgs[0]} exited with ${code}`)),
    );
  });
}

log("applying local D1 migrations");
// CI=true keeps wrangler from asking for confirmation on a terminal.
await run(["d1", "migrations", "apply", "DB", "--local", ...persist], { ...quietEnv, CI: "true" });

const dev = spawn(
  process.execPath,
  [
    wrangler,
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--test-scheduled",
    "--show-interactive-dev-session=false",
    ...(envFile ? ["--env-file", devVars] : []),
    ...persist,
    ...args,
  ],
  { cwd: root, env: quietEnv, stdio: "inherit" },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => dev.kill(signal));
dev.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));

const base = `http://127.0.0.1:${port}`;
async function waitForHealth() {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("wrangler dev did not become healthy within 120 s");
}

try {
  await waitForHealth();
  const n = await seedModels(base, localVars.ADMIN_TOKEN);
  const pair = await seedRouting(base, localVars.ADMIN_TOKEN);
  log(`seeded ${n} demo models from d1/seed/models.json and the routing pair ${pair.strong} / ${pair.weak}`);
  log(`arena ready on http://localhost:${port}`);
  // wrangler dev never fires crons by itself: recompute the leaderboard now and then every minute.
  const refresh = async () => {
    try {
      const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
      if (!res.ok) log(`leaderboard refresh failed: HTTP ${res.status}`);
    } catch (err) {
      log(`leaderboard refresh failed: ${err.message}`);
    }
  };
  // The next run is scheduled once the previous one settled, so a slow recompute never overlaps itself.
  const loop = async () => {
    await refresh();
    setTimeout(loop, refreshSeconds * 1000).unref();
  };
  if (refreshSeconds > 0) void loop();
} catch (err) {
  console.error(`[arena] start failed: ${err.message}`);
  dev.kill("SIGTERM");
  process.exitCode = 1;
}
