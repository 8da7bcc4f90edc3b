#!/usr/bin/env node
// Runs a TypeScript entry point on plain Node 20: esbuild bundles it in memory (~50 ms), then it is imported.
// Used by the ratings CLI and the benchmarks, which share shared/ratings with the Worker. No build step.
//   node scripts/run-ts.mjs FILE.ts [args…]   (the entry sees its own args in process.argv.slice(2))
import { build } from "esbuild";
import path from "node:path";

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
await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].text).toString("base64")}`);
