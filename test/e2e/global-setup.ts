// Starts the arena exactly as a user does (`scripts/start.mjs`, i.e. `npm start`) on a free loopback port with a
// throw-away state folder, and stops it afterwards. Demo models run 10x faster to keep the suite short,
// and the per-IP limits are off (every request comes from 127.0.0.1; the limits have their own tests).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    arenaUrl: string;
    arenaState: string;
  }
}

const root = path.resolve(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

let child: ChildProcess | undefined;
let state: string | undefined;

export async function setup(project: TestProject) {
  const port = await freePort();
  state = mkdtempSync(path.join(tmpdir(), "arena-e2e-"));
  let output = "";
  child = spawn(
    process.execPath,
    [
      "scripts/start.mjs",
      "--port",
      String(port),
      "--persist-to",
      state,
      "--var",
      "DEMO_SPEEDUP:10",
      "--var",
      "RATE_LIMITS:off",
    ],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setInterval(() => {
      if (output.includes("arena ready")) finish(true);
    }, 100);
    const giveUp = setTimeout(() => finish(false), 150_000);
    child!.on("exit", () => finish(false));
    function finish(ok: boolean) {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve(ok);
    }
  });
  if (!ready) {
    await teardown();
    throw new Error(`npm start did not become ready:\n${output.slice(-4000)}`);
  }
  project.provide("arenaUrl", `http://127.0.0.1:${port}`);
  project.provide("arenaState", state);
}

export async function teardown() {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((r) => child!.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM"); // the whole group: start.mjs, wrangler and workerd
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  if (state) rmSync(state, { recursive: true, force: true });
}
