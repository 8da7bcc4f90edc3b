// GET /api/transparency (issue 7; docs/provider-transparency.md): the public disclosure of what every provider
// tested, computed on request from the registry and D1 aggregates (small: a few rows per model pair).
import { createRoute } from "@hono/zod-openapi";
import { anonymousBattlePairs, latestOverallPlacements, listProviders, postReleaseVotes } from "../../../d1/providers";
import { db } from "../../../d1/queries";
import { readConfig } from "../../../shared/core/config";
import { servesMode } from "../../../shared/models";
import { provisionalPolicy } from "../../../shared/accounts/provisional";
import { currentSampling } from "../sampling";
import { buildTransparency, TransparencyReport } from "../../../shared/accounts/transparency";
import type { App } from "../env";
import { isPaused, loadPool } from "../pool";

const DAY_MS = 86_400_000;

const route = createRoute({
  method: "get",
  path: "/api/transparency",
  summary: "What every provider tested: private variants and test periods, battle shares, sampling, deprecations",
  tags: ["Public"],
  responses: {
    200: { description: "The report", content: { "application/json": { schema: TransparencyReport } } },
  },
});

export function registerTransparencyRoute(app: App) {
  app.openapi(route, async (c) => {
    const d = db(c.env.DB);
    const config = readConfig(c.env);
    const pool = await loadPool(c.env);
    const tested = pool.all.filter((m) => m.testingStartedAt && m.family).map((m) => m.id);
    const [accounts, pairs, votes, privateEstimates] = await Promise.all([
      listProviders(d),
      anonymousBattlePairs(d, pool.now - 30 * DAY_MS),
      postReleaseVotes(d),
      latestOverallPlacements(d, tested),
    ]);
    const embargo = Number(c.env.TRANSPARENCY_EMBARGO_DAYS);
    const sampling = await currentSampling(
      c.env,
      pool.all.filter((m) => servesMode(m, "battle") && !isPaused(pool, m.id)),
      { now: pool.now, newModelBoost: config.newModelBoost, newModelBoostDays: config.newModelBoostDays },
    );
    const report = buildTransparency({
      models: pool.all,
      accounts: new Map(accounts.map((a) => [a.id, a.name])),
      pairs,
      postReleaseVotes: votes,
      sampling: sampling.pairs,
      privateEstimates,
      samplingPolicy: { policy: sampling.policy.policy, floor: sampling.policy.floor, snapshot: sampling.snapshot },
      embargoDays: Number.isFinite(embargo) && embargo >= 0 ? embargo : 180,
      policy: provisionalPolicy(c.env),
      now: pool.now,
    });
    return c.json(report, 200, { "cache-control": "public, max-age=60" });
  });
}
