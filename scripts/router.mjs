#!/usr/bin/env node
// `npm run --silent router -- bench|train|route …` (DESIGN section 12): runs scripts/router-cli.ts through
// run-ts.mjs, so the CLI works on plain Node 20 right after `npm install`, with no build step.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.argv.splice(2, 0, path.join(root, "scripts/router-cli.ts"));
await import("./run-ts.mjs");
