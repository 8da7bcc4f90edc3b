// Fuzz corpus over the public routes of /openapi.json (battles, chat, models, leaderboard, exports, docs): no 5xx,
// the JSON error envelope on every 4xx, no internals in any body, bounded time (test/fuzz/run.ts).
import { describe, expect, it } from "vitest";
import { fuzzRoutes } from "./run";

describe("fuzz: public routes", () => {
  it("answer every nasty request with a clean 2xx/4xx", { timeout: 300_000 }, async () => {
    const n = await fuzzRoutes((p) => !p.startsWith("/api/admin/") && !p.startsWith("/v1/"));
    expect(n).toBeGreaterThan(900);
  });
});
