#!/usr/bin/env node
// Applies the model seed file (d1/seed/models.json) through the admin API, so seeded models go through exactly
// the validation and storage path an operator's PUT /api/admin/models/:id does. Used by `npm start`; also works
// against a deployed arena:  ADMIN_TOKEN=… node scripts/seed.mjs --url https://arena.example.workers.dev [--file F]
import { readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_SEED = path.join(root, "d1/seed/models.json");
/** The router's strong and weak demo models (DESIGN section 12), applied with PUT /api/admin/routing. */
export const DEFAULT_ROUTING = path.join(root, "d1/seed/routing.json");

/** PUTs every model of the seed file; throws with the server's error message on the first failure. */
export async function seedModels(baseUrl, token, file = DEFAULT_SEED) {
  const models = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(models)) throw new Error(`${file}: expected a JSON array of models`);
  for (const { id, ...fields } of models) {
    const res = await fetch(new URL(`/api/admin/models/${encodeURIComponent(id)}`, baseUrl), {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(fields),
    });
    if (!res.ok) throw new Error(`seeding model ${id}: HTTP ${res.status} ${await res.text()}`);
  }
  return models.length;
}

/** PUTs the seed routing pair; throws with the server's error message when it is refused. */
export async function seedRouting(baseUrl, token, file = DEFAULT_ROUTING) {
  const pair = JSON.parse(readFileSync(file, "utf8"));
  const res = await fetch(new URL("/api/admin/routing", baseUrl), {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(pair),
  });
  if (!res.ok) throw new Error(`seeding the routing pair: HTTP ${res.status} ${await res.text()}`);
  return pair;
}

/** Reads a .dev.vars / .env file with Node's own dotenv parser (quotes, comments, `export`), as wrangler does. */
export function readDevVars(file) {
  return parseEnv(readFileSync(file, "utf8"));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const url = opt("--url") ?? "http://127.0.0.1:8787";
  const token = process.env.ADMIN_TOKEN ?? readDevVars(path.join(root, ".dev.vars")).ADMIN_TOKEN;
  if (!token) {
    console.error("seed: set ADMIN_TOKEN (or create .dev.vars)");
    process.exit(2);
  }
  seedModels(url, token, opt("--file") ?? DEFAULT_SEED)
    .then(async (n) => [n, await seedRouting(url, token, opt("--routing") ?? DEFAULT_ROUTING)])
    .then(
      ([n, pair]) =>
        console.log(`seed: ${n} models and the routing pair ${pair.strong}/${pair.weak} applied to ${url}`),
      (err) => {
        console.error(`seed: ${err.message}`);
        process.exit(1);
      },
    );
}
