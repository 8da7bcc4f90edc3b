// Workers-runtime tests: real D1, Durable Objects, Queues and R2 under Miniflare, configured from wrangler.toml.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

/**
 * Like `wrangler dev`, the pool loads every line of a developer's .dev.vars (wrangler.toml has no `[secrets]
 * required` list, which would filter it). Tests must not depend on that file: each name in it is put back to
 * wrangler.toml's value, or blanked when it is a secret (an empty secret counts as unset everywhere).
 */
function neutraliseDevVars(): Record<string, string> {
  const file = path.join(import.meta.dirname, ".dev.vars");
  if (!existsSync(file)) return {};
  const vars = unstable_readConfig({ config: path.join(import.meta.dirname, "wrangler.toml") }).vars;
  return Object.fromEntries(
    Object.keys(parseEnv(readFileSync(file, "utf8"))).map((k) => [k, typeof vars[k] === "string" ? vars[k] : ""]),
  );
}

export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ...neutraliseDevVars(),
          TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "d1/migrations")),
          ADMIN_TOKEN: "test-admin-token",
          VOTER_HASH_SALT: "test-salt",
          PROVIDER_KEYS_SECRET: "test-provider-keys-secret-0123456789",
          // Demo models stream 50x faster than in `npm start`, keeping the same interleaving.
          DEMO_SPEEDUP: "50",
          // Real-provider tests: a vendor key (the secret an operator would set) and short timeouts.
          VENDOR_TEST_KEY: "sk-vendor-secret-123",
          PROVIDER_CONNECT_TIMEOUT_MS: "300",
          PROVIDER_IDLE_TIMEOUT_MS: "300",
          // Evaluations retry a failed call at once (no backoff wait) in tests.
          EVAL_RETRY_SECONDS: "0",
        },
        // Lowered per-IP limits so test/battles/rate-limit.test.ts can cross them quickly.
        ratelimits: {
          RL_BATTLES: { simple: { limit: 3, period: 60 } },
          RL_MESSAGES: { simple: { limit: 3, period: 60 } },
          RL_VOTES: { simple: { limit: 3, period: 60 } },
          RL_API_KEYS: { simple: { limit: 8, period: 60 } },
        },
        queueConsumers: {
          "arena-votes": { maxBatchTimeout: 0.05 },
          "arena-votes-dlq": { maxBatchTimeout: 0.05 },
          "arena-redteam": { maxBatchTimeout: 0.05 },
          "arena-evals": { maxBatchTimeout: 0.05 },
          "arena-recompute": { maxBatchTimeout: 0.05 },
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "test/cli/**", "test/browser/**"],
    setupFiles: ["./test/setup/apply-migrations.ts"],
    // Fake Turnstile and judge servers on loopback (test/setup/loopback.ts).
    globalSetup: ["./test/setup/loopback.ts"],
    // Both cores: vitest's default on a 2-core machine is one file at a time (cores − 1), and the files spend much
    // of their time waiting on queue batches and streams, so two at once cut the suite's wall time.
    maxWorkers: 2,
    testTimeout: 30_000,
    // Setup hooks seed models and providers over the real routes: slow on a loaded 2-core machine.
    hookTimeout: 60_000,
  },
}));
