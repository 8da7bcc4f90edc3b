// The anonymous battle at `/`, driven in a real browser: a full battle (both panes stream at once, the vote bar
// only after both finished, the reveal, no second turn after the vote, "New round"), a three-turn battle voted with
// a keyboard shortcut, the live identity-leak warning, the local history and the shareable /battle/:id page.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  expectLabelled,
  expectNoErrors,
  launchBrowser,
  openPage,
  screenshot,
  sendPrompt,
  tid,
  waitTurnDone,
  type TestPage,
} from "./browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * Records, on every DOM change, whether both answers had text while the turn was still streaming, and whether the
 * vote bar was ever visible while a side was still writing.
 */
async function recordStreaming(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __seen: { bothStreaming: boolean; voteTooEarly: boolean } };
    w.__seen = { bothStreaming: false, voteTooEarly: false };
    const check = () => {
      const duel = document.querySelector<HTMLElement>(".duel")!;
      const text = (side: string) => document.querySelector(`[data-testid="answer-${side}"]`)?.textContent ?? "";
      const writing = [...document.querySelectorAll(".pane-status")].some((s) => s.textContent === "Writing…");
      const voteVisible = !document.querySelector<HTMLElement>(".vote-bar")!.hidden;
      if (duel.dataset.phase === "streaming" && writing && text("a") && text("b")) w.__seen.bothStreaming = true;
      if (voteVisible && writing) w.__seen.voteTooEarly = true;
    };
    new MutationObserver(check).observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    });
  });
}

const seen = (page: Page) =>
  page.evaluate(() => (window as unknown as { __seen: { bothStreaming: boolean; voteTooEarly: boolean } }).__seen);

const battleIdOf = async (page: Page) =>
  (await page.locator(tid("share-link")).getAttribute("href"))!.replace("/battle/", "");

describe("the anonymous battle page", () => {
  it("runs a full battle: stream, vote, reveal, locked, new round", async () => {
    const t = await openPage(browser, "/");
    const { page } = t;
    // The first-visit notice is there but does not block the arena.
    await expect.poll(() => page.locator(tid("notice")).isVisible()).toBe(true);
    await expect.poll(() => page.locator(tid("vote-a")).isVisible()).toBe(false);
    expect(await page.locator(tid("model-a")).textContent()).toBe("");
    await screenshot(page, "arena-desktop");

    await expectLabelled(page);
    // Shift+Enter adds a line; Enter sends.
    const prompt = page.locator(tid("prompt-input"));
    await prompt.fill("How do tides work,");
    await prompt.press("Shift+Enter");
    await prompt.pressSequentially("and why are there two a day?");
    expect(await prompt.inputValue()).toBe("How do tides work,\nand why are there two a day?");
    expect(t.requests.some((u) => u.endsWith("/api/battles"))).toBe(false);
    await recordStreaming(page);
    await prompt.press("Enter");
    await page.locator(tid("vote-a")).waitFor({ state: "visible", timeout: 30_000 });
    const s = await seen(page);
    expect(s.bothStreaming).toBe(true);
    expect(s.voteTooEarly).toBe(false);
    const answers = await Promise.all(["a", "b"].map((x) => page.locator(tid(`answer-${x}`)).innerText()));
    for (const text of answers) expect(text.length).toBeGreaterThan(20);
    // Before the vote nothing names the models.
    expect(await page.locator(tid("model-a")).textContent()).toBe("");
    expect(await page.locator(tid("model-b")).textContent()).toBe("");
    await screenshot(page, "arena-answered-desktop");

    await page.locator(tid("vote-b")).click();
    await page.locator(tid("vote-result")).waitFor({ state: "visible" });
    const id = await battleIdOf(page);
    const state = await api.json(`/api/battles/${id}`);
    expect(state.status).toBe("voted");
    expect(await page.locator(tid("model-a")).textContent()).toContain(state.models.a.name);
    expect(await page.locator(tid("model-b")).textContent()).toContain(state.models.b.name);
    expect(await page.locator(tid("model-a")).textContent()).toContain(state.models.a.organization);

    // A second turn is impossible: send disabled, prompt read-only, Enter does nothing.
    expect(await page.locator(tid("send")).isDisabled()).toBe(true);
    expect(await page.locator(tid("prompt-input")).getAttribute("readonly")).not.toBeNull();
    expect(await page.locator(tid("vote-a")).isVisible()).toBe(false);
    await page.locator(tid("prompt-input")).press("Enter");
    expect((await api.json(`/api/battles/${id}`)).turns).toHaveLength(1);
    await screenshot(page, "arena-voted-desktop");

    // Report the battle.
    await page.locator(tid("report")).click();
    await page.getByLabel("What is wrong with this battle?").fill("The answer was rude.");
    const reported = page.waitForResponse((r) => r.url().endsWith(`/api/battles/${id}/report`));
    await page.getByRole("button", { name: "Send report" }).click();
    expect((await reported).status()).toBe(202);
    await expect.poll(() => page.locator(".report-form [role=status]").innerText()).toContain("Thank you");

    // "New round" starts fresh.
    await page.locator(tid("new-round")).click();
    expect(await page.locator(tid("answer-a")).textContent()).toBe("");
    expect(await page.locator(tid("answer-b")).textContent()).toBe("");
    expect(await page.locator(tid("model-a")).textContent()).toBe("");
    expect(await page.locator(tid("prompt-input")).getAttribute("readonly")).toBeNull();
    expect(await page.locator(tid("vote-result")).isVisible()).toBe(false);
    await sendPrompt(page, "Give me three tips for learning a language.");
    await page.locator(tid("vote-a")).waitFor({ state: "visible", timeout: 30_000 });
    expect(await page.locator(tid("answer-a")).innerText()).not.toBe(answers[0]);
    expect(await page.locator(tid("share-link")).isVisible()).toBe(false); // not voted yet
    expectNoErrors(t);
    await t.close();
  });

  it("keeps a three-turn conversation before the vote, voted with a keyboard shortcut", async () => {
    const t = await openPage(browser, "/");
    const { page } = t;
    const prompts = ["Name a good first programming language.", "Why that one?", "What should I build first?"];
    for (const p of prompts) {
      await sendPrompt(page, p);
      await waitTurnDone(page);
      await page.locator(tid("vote-a")).waitFor({ state: "visible" });
    }
    for (const side of ["a", "b"]) {
      const users = page.locator(`.pane-${side} .msg.user`);
      expect(await users.count()).toBe(3);
      expect(await users.nth(2).innerText()).toContain(prompts[2]);
      expect(await page.locator(`.pane-${side} .answer`).count()).toBe(3);
      // Only the latest turn's answer carries the test id.
      expect(await page.locator(tid(`answer-${side}`)).count()).toBe(1);
    }
    // Keyboard shortcut "1" (focus is in the prompt box, so Alt+1) votes "A is better".
    await page.locator(tid("prompt-input")).press("Alt+1");
    await page.locator(tid("vote-result")).waitFor({ state: "visible" });
    expect(await page.locator(tid("vote-result")).innerText()).toContain("A is better");
    const id = await battleIdOf(page);
    const state = await api.json(`/api/battles/${id}`);
    expect(state.turns.map((x: { user: string }) => x.user)).toEqual(prompts);

    // The local history lists the battle and links to its shareable page.
    await page.locator("details.history summary").click();
    const link = page.locator(`details.history a[href="/battle/${id}"]`);
    expect(await link.innerText()).toContain(prompts[0]);
    await link.click();
    await page.waitForURL(`**/battle/${id}`);
    await page.waitForSelector("html[data-ready]");
    expect(await page.locator(tid("model-a")).textContent()).toContain(state.models.a.name);
    expect(await page.locator(".pane-a .msg.user").count()).toBe(3);
    expect((await page.locator(tid("answer-b")).innerText()).length).toBeGreaterThan(0);
    await screenshot(page, "battle-view-desktop");
    expectNoErrors(t);
    await t.close();

    // The shared page works on a fresh load (reload, another browser) and on a phone.
    const m = await openPage(browser, `/battle/${id}`, { mobile: true });
    expect(await m.page.locator(tid("model-b")).textContent()).toContain(state.models.b.name);
    await screenshot(m.page, "battle-view-mobile");
    expectNoErrors(m);
    await m.close();
  });

  it("warns live when an answer leaks a model's identity", async () => {
    const t = await openPage(browser, "/");
    const { page } = t;
    // Demo models restate the topic, so naming a model of the pool makes a real identity leak.
    await sendPrompt(page, "Compare Pebble Mini and Wisteria Longform for me.");
    await waitTurnDone(page);
    const warning = page.locator(tid("leak-warning"));
    await warning.waitFor({ state: "visible" });
    expect(await warning.getAttribute("data-reason")).toBe("identity_leak");
    expect(await warning.innerText()).toMatch(/revealed a model's identity/);
    // Still votable (the vote is stored, not counted).
    expect(await page.locator(tid("vote-tie")).isVisible()).toBe(true);
    await page.locator(tid("vote-tie")).click();
    await page.locator(tid("vote-result")).waitFor({ state: "visible" });
    expect(await page.locator(tid("vote-result")).innerText()).toMatch(/not count/);
    expectNoErrors(t);
    await t.close();
  });

  it("sends consent with the battle and fits a phone screen (dark theme)", async () => {
    const t = await openPage(browser, "/", { mobile: true, scheme: "dark" });
    const { page } = t;
    await page.locator(tid("consent")).check();
    await page.locator(tid("notice-dismiss")).click();
    expect(await page.locator(tid("notice")).isVisible()).toBe(false);
    const created = page.waitForRequest((r) => r.url().endsWith("/api/battles") && r.method() === "POST");
    await sendPrompt(page, "Suggest a name for a small bakery.");
    expect((await created).postDataJSON()).toEqual({ mode: "anonymous", consent: true });
    await page.locator(tid("vote-a")).waitFor({ state: "visible", timeout: 30_000 });
    // Stacked panes: B sits below A on a narrow screen.
    const [a, b] = await Promise.all([page.locator(".pane-a").boundingBox(), page.locator(".pane-b").boundingBox()]);
    expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1);
    expect(Math.abs(a!.x - b!.x)).toBeLessThan(2);
    // Nothing overflows the viewport horizontally.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, "arena-mobile-dark");
    // The notice stays dismissed on the next visit.
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    expect(await page.locator(tid("notice")).isVisible()).toBe(false);
    expectNoErrors(t);
    await t.close();
  });
});
