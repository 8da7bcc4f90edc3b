// End-to-end tests: the real `npm start` (wrangler dev, local D1/DO/Queues/R2) driven over HTTP from Node, and the
// web UI driven in Debian's chromium by playwright-core (test/browser/).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts", "test/cli/**/*.test.ts", "test/browser/**/*.browser.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // One arena process serves every e2e file.
    fileParallelism: false,
  },
});
