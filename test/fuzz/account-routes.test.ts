// Fuzz corpus over the operator and provider routes of /openapi.json (/api/admin/*, /v1/*): no 5xx, the JSON error
// envelope (OpenAI's on /v1/*), no internals in any body, bounded time, and no credential of the wrong kind or of
// another provider gets through (test/fuzz/run.ts).
import { describe, expect, it } from "vitest";
import { fuzzRoutes } from "./run";

describe("fuzz: operator and provider routes", () => {
  it("answer every nasty request with a clean 2xx/4xx and hold authorization", { timeout: 300_000 }, async () => {
    const n = await fuzzRoutes((p) => p.startsWith("/api/admin/") || p.startsWith("/v1/"));
    expect(n).toBeGreaterThan(1000);
  });
});
