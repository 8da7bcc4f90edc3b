#!/usr/bin/env node
// Provisions the browser for the browser tests (test/browser/), so `npm install && npm test` is all a fresh
// Debian machine needs. Never downloads a browser build of its own: it uses, in order,
//   1. CHROMIUM_PATH, when set (any Chromium the user has);
//   2. Debian's chromium at /usr/bin/chromium;
//   3. Debian's chromium installed now with apt-get, when we are root (or have password-less sudo) and apt exists.
// When none of these works it prints ONE line saying what to install and exits 1, before any suite runs.
// Prints the path it settled on; test/browser/browser.ts reads the same CHROMIUM_PATH / default.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
const HINT =
  "browser tests need Chromium: install Debian's package (`sudo apt-get install chromium`) or set CHROMIUM_PATH to a Chromium binary";

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** A binary that answers --version is usable (a broken install or a missing shared library fails here). */
function works(p, env) {
  if (!executable(p)) return false;
  const r = spawnSync(p, ["--version"], { encoding: "utf8", timeout: 30_000, env });
  return r.status === 0;
}

const onPath = (cmd, env) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore", env }).status === 0;

/** How to run apt-get with root rights here, or null: root itself, or sudo that does not ask for a password. */
function rootPrefix(env, isRoot) {
  if (isRoot) return [];
  if (onPath("sudo", env) && spawnSync("sudo", ["-n", "true"], { stdio: "ignore", env }).status === 0)
    return ["sudo", "-n"];
  return null;
}

function aptInstall(prefix, baseEnv) {
  const env = { ...baseEnv, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    execFileSync(cmd, rest, { stdio: ["ignore", "inherit", "inherit"], env });
  };
  console.log("[browser] Chromium is missing: installing Debian's chromium with apt-get (once per machine)");
  run(["apt-get", "update", "-q"]);
  run(["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]);
}

/**
 * Returns the path of a working Chromium, installing Debian's when it may; throws a one-line Error otherwise.
 * The options exist for the tests (test/cli/ensure-browser.test.ts), which play a fresh machine.
 */
export function ensureBrowser({
  env = process.env,
  defaultPath = DEFAULT_CHROMIUM,
  isRoot = process.getuid?.() === 0,
} = {}) {
  const wanted = env.CHROMIUM_PATH;
  if (wanted) {
    if (works(wanted, env)) return wanted;
    throw new Error(`CHROMIUM_PATH=${wanted} is not a working Chromium; ${HINT}`);
  }
  if (works(defaultPath, env)) return defaultPath;
  const prefix = onPath("apt-get", env) ? rootPrefix(env, isRoot) : null;
  if (prefix) {
    try {
      aptInstall(prefix, env);
    } catch (err) {
      throw new Error(`apt-get could not install chromium (${err.message.split("\n")[0]}); ${HINT}`);
    }
    if (works(defaultPath, env)) return defaultPath;
    throw new Error(`apt-get installed chromium but ${defaultPath} does not run; ${HINT}`);
  }
  throw new Error(HINT);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`[browser] using ${ensureBrowser()}`);
  } catch (err) {
    console.error(`[browser] ${err.message}`);
    process.exit(1);
  }
}
