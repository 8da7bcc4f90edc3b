// `/compare` (two named models side by side, temperature and max tokens, regenerate, stop, a failing side with a
// neutral error and Retry, a named vote) and `/chat` (one model, a conversation, feedback), in a real browser.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI } from "../../bench/fake-openai.mjs";
import {
  expectLabelled,
  expectNoErrors,
  launchBrowser,
  openPage,
  screenshot,
  sendPrompt,
  tid,
  waitTurnDone,
} from "./browser";
import { registerModels, retireModels, type LoopbackModel } from "./models";

let browser: Browser;
let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
let models: LoopbackModel[] = [];

beforeAll(async () => {
  // ~8 s per answer: long enough to press Stop mid-stream.
  server = await startFakeOpenAI({ tokens: 300, firstMs: 20, gapMs: 25, text: (i) => ` word${i}` });
  models = [
    { id: "ui-slow", name: "Slowpoke (test)", baseUrl: `${server.url}/v1` },
    // Nothing answers under /broken: every call fails with an HTTP 404, as a misconfigured provider would.
    { id: "ui-broken", name: "Brokenwing (test)", baseUrl: `${server.url}/broken/v1` },
  ];
  await registerModels(models);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await retireModels(models);
  await server?.close();
});

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe("/compare", () => {
  it("compares two picked models with temperature and max tokens, regenerates, and takes a named vote", async () => {
    const t = await openPage(browser, "/compare");
    const { page } = t;
    await expectLabelled(page);
    await page.locator(tid("model-select-a")).selectOption("demo-wisteria");
    await page.locator(tid("model-select-b")).selectOption("demo-abacus");
    expect(await page.locator(tid("model-a")).textContent()).toContain("Wisteria Longform (demo)");
    await page.locator(tid("temperature")).fill("0.3");
    await page.locator(tid("max-tokens")).fill("40");
    const created = page.waitForRequest((r) => r.url().endsWith("/api/battles") && r.method() === "POST");
    await sendPrompt(page, "Explain how a bicycle stays upright.");
    expect((await created).postDataJSON()).toEqual({
      mode: "side-by-side",
      models: ["demo-wisteria", "demo-abacus"],
      consent: false,
      temperature: 0.3,
      maxTokens: 40,
    });
    await waitTurnDone(page);
    const first = await page.locator(tid("answer-a")).innerText();
    expect(words(first)).toBeGreaterThan(10);
    expect(words(first)).toBeLessThanOrEqual(40);
    expect(await page.locator(".pane-a .side-note").innerText()).toContain("length limit");
    // The pickers are locked while the comparison runs.
    expect(await page.locator(tid("model-select-a")).isDisabled()).toBe(true);

    await page.locator(tid("regenerate")).click();
    await waitTurnDone(page);
    await expect.poll(() => page.locator(tid("answer-a")).innerText()).not.toBe(first);
    expect(words(await page.locator(tid("answer-a")).innerText())).toBeLessThanOrEqual(40);

    await sendPrompt(page, "And a unicycle?");
    await waitTurnDone(page);
    expect(await page.locator(".pane-b .msg.user").count()).toBe(2);
    await page.locator(tid("vote-a")).click();
    await page.locator(tid("vote-result")).waitFor({ state: "visible" });
    expect(await page.locator(tid("vote-result")).innerText()).toContain("Named votes are stored but not rated");
    expect(await page.locator(tid("send")).isDisabled()).toBe(true);
    expect(await page.locator(tid("prompt-input")).getAttribute("readonly")).not.toBeNull();
    await screenshot(page, "compare-desktop");
    expectNoErrors(t);
    await t.close();

    const m = await openPage(browser, "/compare", { mobile: true });
    await sendPrompt(m.page, "Write a haiku about rain.");
    await waitTurnDone(m.page);
    await screenshot(m.page, "compare-mobile");
    expectNoErrors(m);
    await m.close();
  });

  it("stops a long answer mid-stream", async () => {
    const t = await openPage(browser, "/compare");
    const { page } = t;
    await page.locator(tid("model-select-a")).selectOption("ui-slow");
    await page.locator(tid("model-select-b")).selectOption("demo-pebble");
    await sendPrompt(page, "Count for me.");
    await expect
      .poll(async () => words(await page.locator(tid("answer-a")).innerText()), { timeout: 10_000 })
      .toBeGreaterThan(5);
    expect(await page.locator(tid("stop")).isEnabled()).toBe(true);
    await page.locator(tid("stop")).click();
    await waitTurnDone(page, 10_000);
    expect(await page.locator(".pane-a .side-note").innerText()).toBe("Stopped.");
    expect(words(await page.locator(tid("answer-a")).innerText())).toBeLessThan(300);
    expect(await page.locator(tid("stop")).isDisabled()).toBe(true);
    // A stopped side counts as finished: the battle can be voted.
    expect(await page.locator(tid("vote-b")).isVisible()).toBe(true);
    expectNoErrors(t);
    await t.close();
  });

  it("shows a neutral error with Retry when one side fails", async () => {
    const t = await openPage(browser, "/compare");
    const { page } = t;
    await page.locator(tid("model-select-a")).selectOption("ui-broken");
    await page.locator(tid("model-select-b")).selectOption("demo-pebble");
    await sendPrompt(page, "Hello there.");
    await waitTurnDone(page);
    const note = page.locator(".pane-a .side-note");
    expect(await note.innerText()).toContain("Model A failed to respond");
    expect(await note.innerText()).not.toMatch(/404|broken|127\.0\.0\.1/i);
    expect((await page.locator(tid("answer-b")).innerText()).length).toBeGreaterThan(5);
    const regenerated = page.waitForRequest((r) => r.url().endsWith("/regenerate") && r.method() === "POST");
    await page.locator(tid("retry-a")).click();
    await regenerated;
    await waitTurnDone(page);
    expect(await page.locator(".pane-a .side-note").innerText()).toContain("Model A failed to respond");
    expect(await page.locator(tid("vote-tie")).isVisible()).toBe(true);
    expectNoErrors(t);
    await t.close();
  });
});

describe("/chat", () => {
  it("holds a conversation with one model, with settings and feedback", async () => {
    const t = await openPage(browser, "/chat");
    const { page } = t;
    await expectLabelled(page);
    await page.locator(tid("model-select")).selectOption("demo-gazette");
    await page.locator(tid("max-tokens")).fill("300");
    await sendPrompt(page, "How should I organise my notes?");
    await page.waitForSelector('main[data-phase="ready"] [data-testid="feedback-up"]', { timeout: 30_000 });
    expect(await page.locator(tid("answer-a")).locator("h2, h3").count()).toBeGreaterThan(0);
    const feedback = page.waitForResponse((r) => /\/api\/chat\/[^/]+\/feedback$/.test(r.url()));
    await page.locator(tid("feedback-up")).click();
    expect((await feedback).status()).toBe(202);
    await expect.poll(() => page.locator(tid("feedback-up")).getAttribute("aria-pressed")).toBe("true");

    const second = page.waitForRequest((r) => r.url().endsWith("/api/chat") && r.method() === "POST");
    await sendPrompt(page, "Give me a shorter version.");
    const body = (await second).postDataJSON();
    expect(body.model).toBe("demo-gazette");
    expect(body.maxTokens).toBe(300);
    expect(body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "user"]);
    await page.waitForSelector('main[data-phase="ready"]');
    await expect.poll(() => page.locator(".msg.bot .feedback").count()).toBe(2);
    expect(await page.locator(".msg.user").count()).toBe(2);
    expect(await page.locator(tid("answer-a")).count()).toBe(1);
    await screenshot(page, "chat-desktop");

    await page.locator(tid("new-chat")).click();
    expect(await page.locator(".msg").count()).toBe(0);
    expectNoErrors(t);
    await t.close();

    // "Auto (router)": the router picks one of the operator's pair and the reply says which.
    const auto = await openPage(browser, "/chat");
    await auto.page.locator(tid("model-select")).selectOption("router-mf-0.5");
    const routed = auto.page.waitForResponse((r) => r.url().endsWith("/api/chat"));
    await sendPrompt(auto.page, "Explain how a hash map works.");
    expect((await routed).headers()["x-arena-route"]).toMatch(/^mf;s=[01]\.\d{4};to=demo-(wisteria|pebble)$/);
    await auto.page.waitForSelector('main[data-phase="ready"] [data-testid="feedback-up"]', { timeout: 30_000 });
    expect(await auto.page.locator(".msg.bot .who").innerText()).toMatch(/^Auto \(router\) → (Wisteria|Pebble)/);
    expectNoErrors(auto);
    await auto.close();

    const m = await openPage(browser, "/chat", { mobile: true });
    await m.page.locator(tid("model-select")).selectOption("demo-origami");
    await sendPrompt(m.page, "Show me a small SQL query.");
    await m.page.waitForSelector('main[data-phase="ready"] [data-testid="feedback-up"]', { timeout: 30_000 });
    expect(await m.page.locator(".code-block button.copy").count()).toBeGreaterThan(0);
    await screenshot(m.page, "chat-mobile");
    expectNoErrors(m);
    await m.close();
  });
});
