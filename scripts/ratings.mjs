#!/usr/bin/env node
// `npm run --silent ratings -- [options] FILE` (DESIGN section 7). The CLI is TypeScript (scripts/ratings-cli.ts,
// sharing shared/ratings with the Worker); esbuild bundles it in memory on each run (~50 ms) so it runs on plain
// Node 20 right after `npm install`, with no build step.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const result = await build({
  entryPoints: [path.join(root, "scripts/ratings-cli.ts")],
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  write: false,
  logLevel: "silent",
});
const code = result.outputFiles[0].text;
await import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
