#!/usr/bin/env node
// `npm run --silent judge -- score FILE...` (DESIGN section 13): runs scripts/judge-cli.ts through run-ts.mjs, so the
// CLI works on plain Node 20 right after `npm install`, with no build step.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.argv.splice(2, 0, path.join(root, "scripts/judge-cli.ts"));
await import("./run-ts.mjs");
