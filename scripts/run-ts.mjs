#!/usr/bin/env node
// Runs a TypeScript entry point on plain Node 20: esbuild bundles it in memory (~50 ms), then it is imported.
// Used by the ratings CLI and the benchmarks, which share shared/ratings with the Worker. No build step.
//   node scripts/run-ts.mjs FILE.ts [args…]   (the entry sees its own args in process.argv.slice(2))
import { build } from "esbuild";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs FILE.ts [args…]");
  process.exit(2);
}
const result = await build({
  entryPoints: [path.resolve(entry)],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  logLevel: "silent",
});
process.argv = [process.argv[0], path.resolve(entry), ...rest];
// A real file (not a data: URL) keeps stack traces short and readable.
const dir = mkdtempSync(path.join(tmpdir(), "arena-run-ts-"));
const file = path.join(dir, `${path.basename(entry, ".ts")}.mjs`);
writeFileSync(file, result.outputFiles[0].text);
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
await import(pathToFileURL(file).href);
