// Starts the arena exactly as `npm start` does (scripts/start.mjs) on a free loopback port with a throw-away state
// folder, for the end-to-end tests and the benchmarks. Stopping kills the whole process group (wrangler, workerd).
import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readDevVars } from "./seed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * `wrangler d1 execute DB --local --persist-to STATE …args` against a started arena's local D1 (e.g.
 * ["--json", "--command", "SELECT …"] or ["--file", F, "--yes"]); resolves with stdout.
 */
export function localD1(state, args) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        path.join(root, "node_modules/wrangler/bin/wrangler.js"),
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        state,
        ...args,
      ],
      {
        cwd: root,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, CI: "true", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false" },
      },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/**
 * `state`: a state folder to use and keep (benchmarks reuse a loaded local D1); by default a temporary one, removed
 * on stop. Secrets come from a copy of .dev.vars.example (`--env-file`), so a developer's own .dev.vars never
 * changes a test; `dotDevVars: true` uses the project's .dev.vars instead, exactly as `npm start` does. `cwd` runs
 * another copy of the project (test/e2e/dev-vars.e2e.test.ts).
 * @param {{ vars?: Record<string, string>, args?: string[], timeoutMs?: number, state?: string, cwd?: string,
 *   dotDevVars?: boolean }} [options]
 */
export async function startArena(options = {}) {
  const port = await freePort();
  const cwd = options.cwd ?? root;
  const state = options.state ?? mkdtempSync(path.join(tmpdir(), "arena-"));
  const vars = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
  let envFile = [];
  let varsFile = path.join(cwd, ".dev.vars");
  let varsDir;
  if (!options.dotDevVars) {
    varsDir = mkdtempSync(path.join(tmpdir(), "arena-vars-"));
    varsFile = path.join(varsDir, "dev.vars");
    copyFileSync(path.join(cwd, ".dev.vars.example"), varsFile);
    envFile = ["--env-file", varsFile];
  }
  const child = spawn(
    process.execPath,
    ["scripts/start.mjs", "--port", String(port), "--persist-to", state, ...envFile, ...vars, ...(options.args ?? [])],
    {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));

  async function stop() {
    if (child.pid && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    if (!options.state) rmSync(state, { recursive: true, force: true });
    if (varsDir) rmSync(varsDir, { recursive: true, force: true });
  }

  const ready = await new Promise((resolve) => {
    const timer = setInterval(() => output.includes("arena ready") && finish(true), 100);
    const giveUp = setTimeout(() => finish(false), options.timeoutMs ?? 150_000);
    child.on("exit", () => finish(false));
    function finish(ok) {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(ok);
    }
  });
  if (!ready) {
    await stop();
    throw new Error(`the arena did not become ready:\n${output.slice(-4000)}`);
  }
  // start.mjs created .dev.vars from the example by now if it was missing.
  const adminToken = readDevVars(varsFile).ADMIN_TOKEN;
  return { url: `http://127.0.0.1:${port}`, state, adminToken, stop, output: () => output };
}
