// The performance budget of issue 5, checked on every run: the battle page's JavaScript stays under 200 KB gzipped
// (everything it can load, lazy chunks included), and the browser really loads only what the measurement counts:
// `/` fetches its initial modules and never the leaderboard's charting code, which /leaderboard loads on demand.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BATTLE_PAGE_BUDGET, measureBundles } from "../../bench/ui-budget.mjs";
import { base, expectNoErrors, launchBrowser, openPage, runCron, voteBattles } from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const jsPaths = (urls: string[]) =>
  urls
    .map((u) => new URL(u).pathname)
    .filter((p) => p.endsWith(".js"))
    .map((p) => `public${p}`)
    .sort();

describe("the UI performance budget", () => {
  it("keeps the battle page under 200 KB of gzipped JavaScript, and loads charts only on /leaderboard", async () => {
    const bundles = await measureBundles();
    const arena = bundles.find((b) => b.page === "arena")!;
    expect(arena.total).toBeLessThan(BATTLE_PAGE_BUDGET);
    expect([...arena.initial.files, ...arena.lazy.files].some((f) => f.includes("leaderboard-plots"))).toBe(false);

    const t = await openPage(browser, "/");
    expect(jsPaths(t.requests)).toEqual(arena.initial.files);
    expectNoErrors(t);
    await t.close();

    // /leaderboard needs a published snapshot to draw plots.
    if ((await fetch(`${base}/leaderboard.json`)).status === 503) {
      await voteBattles(6, "budgets");
      await runCron();
    }
    const lb = await openPage(browser, "/leaderboard");
    await lb.page.waitForSelector("[data-testid=plot-rating]");
    const plots = bundles.find((b) => b.page === "leaderboard")!;
    expect(jsPaths(lb.requests)).toEqual([...plots.initial.files, ...plots.lazy.files].sort());
    expectNoErrors(lb);
    await lb.close();
  });
});
