// `/evals` in Chromium against the running arena (`npm start`, demo models 10x faster): a provider with a key starts
// mt-bench on its own private demo model with the demo judge from the page and watches it to `done`; an operator job
// on a public demo model is published and shown in the suite's table, with the judge-vs-arena plot once the model is
// on the leaderboard. Test ids: docs/ui.md.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  base,
  expectLabelled,
  expectNoErrors,
  launchBrowser,
  openPage,
  runCron,
  screenshot,
  tid,
  voteBattles,
} from "./browser";

const ADMIN = { authorization: `Bearer ${inject("arenaAdminToken")}`, "content-type": "application/json" };

let browser: Browser;
let key: string;
const MODEL = `ev-ui-${Date.now().toString(36)}`;

beforeAll(async () => {
  browser = await launchBrowser();
  const provider = (await (
    await fetch(`${base}/api/admin/providers`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ name: `Evals UI ${MODEL}` }),
    })
  ).json()) as { apiKey: string };
  key = provider.apiKey;
  const registered = await fetch(`${base}/v1/provider/models`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      id: MODEL,
      name: `${MODEL} model`,
      provider: "demo",
      upstreamModel: "markdown",
      visibility: "private",
      codename: `cn-${MODEL}`,
      modes: ["chat"],
    }),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
});
afterAll(async () => {
  await browser?.close();
  // Retired, so the later files on this `npm start` never meet the private model in an anonymous battle.
  if (key) {
    const retired = await fetch(`${base}/v1/provider/models/${MODEL}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${key}` },
    });
    expect(retired.ok, await retired.clone().text()).toBe(true);
  }
});

async function waitAdminJob(id: string): Promise<void> {
  await expect
    .poll(
      async () =>
        ((await (await fetch(`${base}/api/admin/evals/${id}`, { headers: ADMIN })).json()) as { status: string })
          .status,
      { timeout: 120_000, interval: 500 },
    )
    .toMatch(/^(done|failed)$/);
}

describe("/evals", () => {
  it("lets a provider start mt-bench on its own model and watch it to the result", async () => {
    const t = await openPage(browser, "/evals");
    const { page } = t;
    await expectLabelled(page);
    await page.locator(tid("evals-key")).fill(key);
    await page.locator(tid("evals-model")).fill(MODEL);
    await page.locator(tid("evals-suite-select")).selectOption("mt-bench");
    await page.locator(tid("evals-limit")).fill("2");
    await page.locator(tid("evals-start")).click();
    await page.waitForSelector(`${tid("evals-job-status")}[data-status="done"]`, { timeout: 120_000 });
    await expect.poll(() => page.locator(tid("evals-job-progress")).textContent()).toBe("6 done, 0 failed of 6");
    const row = page.locator(`${tid("evals-job-result")} ${tid("evals-row")}[data-model="${MODEL}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const score = Number(await row.locator(tid("evals-score")).textContent());
    expect(score).toBeGreaterThanOrEqual(1);
    expect(score).toBeLessThanOrEqual(10);
    // The job is shareable by id (with the key of this tab).
    expect(new URL(page.url()).searchParams.get("job")).toBeTruthy();
    await screenshot(page, "evals-provider-job");
    expectNoErrors(t);
    await t.close();
  });

  it("shows a published operator result and the judge-vs-arena plot", async () => {
    await voteBattles(6, "evaluation plots");
    await runCron();
    const res = await fetch(`${base}/api/admin/evals`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ model: "demo-pebble", suite: "mt-bench", limit: 2 }),
    });
    expect(res.status).toBe(202);
    await waitAdminJob(((await res.json()) as { id: string }).id);
    await expect.poll(async () => (await fetch(`${base}/evals/mt-bench.json`)).status, { timeout: 10_000 }).toBe(200);
    const t = await openPage(browser, "/evals");
    const { page } = t;
    const table = page.locator(`${tid("evals-table")}[data-suite="mt-bench"]`);
    await expect.poll(() => table.locator(`${tid("evals-row")}[data-model="demo-pebble"]`).count()).toBe(1);
    await expect
      .poll(() => page.locator(`${tid("evals-suite")}[data-suite="mt-bench"] ${tid("evals-quality")}`).count())
      .toBe(1);
    const published = (await (await fetch(`${base}/evals/mt-bench.json`)).json()) as { arena: { model: string }[] };
    const onBoard = published.arena.some((m) => m.model === "demo-pebble");
    if (onBoard)
      await expect
        .poll(() => page.locator(`${tid("evals-suite")}[data-suite="mt-bench"] ${tid("evals-plot")}`).count())
        .toBe(1);
    await screenshot(page, "evals-published");
    expectNoErrors(t);
    await t.close();
  });
});
