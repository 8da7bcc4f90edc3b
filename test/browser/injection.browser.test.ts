// Answers are untrusted. A model registered through the admin API (a fake OpenAI-compatible server on loopback)
// answers with script tags, event handlers, javascript: links, raw HTML, images and styles that would fetch URLs,
// mixed with normal markdown, code and math. In /compare, /chat and /battle/:id the dangerous parts must be inert
// (no dialog, no script run, no request anywhere) while the markdown, highlighted code and KaTeX render.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI } from "../../bench/fake-openai.mjs";
import {
  base,
  expectNoErrors,
  launchBrowser,
  openPage,
  screenshot,
  sendPrompt,
  tid,
  waitTurnDone,
  type TestPage,
} from "./browser";
import { registerModels, retireModels, type LoopbackModel } from "./models";

let browser: Browser;
let server: Awaited<ReturnType<typeof startFakeOpenAI>>;
let models: LoopbackModel[] = [];
let trap: Server;
let trapUrl = "";
const trapRequests: string[] = [];

/** The hostile answer; TRAP is a loopback URL (the fake server) that must never be requested. */
function hostileAnswer(trap: string): string {
  return [
    "# Safe heading",
    "",
    "Normal **bold text**, _emphasis_ and a list:",
    "",
    "- first item",
    "- second item",
    "",
    "```python",
    "def add(a, b):",
    "    return a + b",
    "```",
    "",
    "Inline math $a^2 + b^2 = c^2$ and a display formula:",
    "",
    "$$\\int_0^1 x^2 \\, dx = \\frac{1}{3}$$",
    "",
    '<script>window.__pwned = "script"; alert("script")</script>',
    "",
    `<img src=x onerror="window.__pwned='img'; alert('img')">`,
    "",
    `<img src="${trap}/raw-img.png"> ![tracking pixel](${trap}/md-img.png)`,
    "",
    "[click me](javascript:window.__pwned='link';alert('link'))",
    "",
    `<a href="javascript:alert('raw-link')" id="rawlink">raw javascript link</a> <a href="${trap}/ok">a normal link</a>`,
    "",
    `<iframe src="${trap}/frame"></iframe><object data="${trap}/object"></object><embed src="${trap}/embed">`,
    "",
    `<div style="background:url(${trap}/bg.png)" onclick="alert('div')" onmouseover="alert('hover')">styled div</div>`,
    "",
    `<svg onload="alert('svg')"><image href="${trap}/svg-img.png"/></svg>`,
    "",
    `<form action="${trap}/form"><input name="q" value="x" autofocus onfocus="alert('focus')"><button>Go</button></form>`,
    "",
    `<link rel="stylesheet" href="${trap}/style.css"><style>body{background:url(${trap}/style-bg.png)}</style>`,
    "",
    `<math><mtext><table><mglyph><style><img src=x onerror="alert('mxss')">`,
    "",
    "Math that tries to link: $\\href{javascript:alert('katex')}{x}$ and <b>raw bold</b> stays.",
  ].join("\n");
}

beforeAll(async () => {
  // The trap: a loopback server the answer points its images, frames, styles and forms at. It must stay unvisited.
  trap = createServer((req, res) => {
    trapRequests.push(req.url ?? "");
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
  // Streamed in 7-character pieces, so the renderer also meets every half-written tag.
  const chunks = hostileAnswer(trapUrl).match(/[\s\S]{1,7}/g)!;
  server = await startFakeOpenAI({ tokens: chunks.length, firstMs: 5, gapMs: 2, text: (i) => chunks[i]! });
  models = [{ id: "ui-hostile", name: "Mallory (test)", baseUrl: `${server.url}/v1` }];
  await registerModels(models);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await retireModels(models);
  await server?.close();
  await new Promise((resolve) => trap?.close(resolve));
});

async function installTraps(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __pwned?: string }).__pwned = undefined;
  });
}

/** Everything dangerous is gone from the rendered answer; the normal markdown, code and math are there. */
async function expectInertAndRendered(t: TestPage, answer: string): Promise<void> {
  const { page } = t;
  const el = page.locator(answer);
  // Normal markdown, code and math render.
  expect(await el.locator("h1").innerText()).toBe("Safe heading");
  expect(await el.locator("strong").first().innerText()).toBe("bold text");
  expect(await el.locator("ul > li").count()).toBe(2);
  expect(await el.locator("pre code.language-python .hljs-keyword").first().innerText()).toBe("def");
  expect(await el.locator(".code-block button.copy").count()).toBe(1);
  // Three formulas, all typeset by KaTeX: inline, display, and the \href one, which trust: false refuses to link.
  await expect.poll(() => el.locator("[data-tex][data-rendered]").count(), { timeout: 10_000 }).toBe(3);
  expect(await el.locator(".katex").count()).toBeGreaterThanOrEqual(2);
  expect(await el.locator(".katex-display").count()).toBe(1);
  expect(await el.locator("[data-tex] a").count()).toBe(0);
  expect(await el.locator("b").innerText()).toBe("raw bold");
  expect(await el.locator(`a[href^="${trapUrl}/ok"]`).getAttribute("rel")).toContain("noopener");

  // Nothing dangerous survived.
  const audit = await el.evaluate((root) => {
    const all = [...root.querySelectorAll("*")];
    const outsideKatex = all.filter((n) => !n.closest(".katex"));
    return {
      tags: [...new Set(outsideKatex.map((n) => n.tagName.toLowerCase()))],
      handlers: all.flatMap((n) => [...n.attributes].filter((a) => a.name.startsWith("on")).map((a) => a.name)),
      styles: outsideKatex.filter((n) => n.hasAttribute("style")).length,
      hrefs: [...root.querySelectorAll("a")].map((a) => a.getAttribute("href")),
      ids: outsideKatex.filter((n) => n.id).length,
    };
  });
  const dangerous = ["script", "img", "iframe", "object", "embed", "svg", "form", "input", "link", "style", "image"];
  for (const tag of dangerous) expect(audit.tags, `no <${tag}> outside KaTeX`).not.toContain(tag);
  // The only buttons are our own copy buttons; the only MathML is KaTeX's.
  expect(await el.locator("button:not(.copy)").count()).toBe(0);
  expect(await el.locator("math:not(.katex math)").count()).toBe(0);
  expect(audit.handlers).toEqual([]);
  expect(audit.styles).toBe(0);
  expect(audit.ids).toBe(0);
  for (const href of audit.hrefs) {
    if (href !== null) expect(href).toMatch(/^https?:\/\//);
  }
  // Clicking the would-be javascript: links does nothing.
  await el.locator("a", { hasText: "click me" }).click();
  await el.locator("a", { hasText: "raw javascript link" }).click();
  await el.locator("text=styled div").hover();
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();
  expect(t.dialogs).toEqual([]);
  // No request left the page for the answer's URLs: neither to the trap server nor anywhere but our own origin.
  expect(trapRequests).toEqual([]);
  const foreign = t.requests.filter((u) => !u.startsWith(`${base}/`));
  expect(foreign).toEqual([]);
  const unexpected = t.requests.filter(
    (u) => !/^\/(assets\/|api\/|favicon\.svg$|compare$|chat$|battle\/)/.test(new URL(u).pathname),
  );
  expect(unexpected).toEqual([]);
}

describe("a hostile answer", () => {
  it("renders inert in /compare and on the battle page, with markdown, code and math intact", async () => {
    const t = await openPage(browser, "/compare");
    const { page } = t;
    await installTraps(page);
    await page.locator(tid("model-select-a")).selectOption("ui-hostile");
    await page.locator(tid("model-select-b")).selectOption("demo-pebble");
    await sendPrompt(page, "Show me what you can render.");
    await waitTurnDone(page);
    await expectInertAndRendered(t, tid("answer-a"));
    await screenshot(page, "injection-compare-desktop");

    await page.locator(tid("vote-tie")).click();
    const href = await page.locator(tid("share-link")).getAttribute("href");
    expectNoErrors(t);
    await t.close();

    const v = await openPage(browser, href!);
    await installTraps(v.page);
    await expectInertAndRendered(v, tid("answer-a"));
    expectNoErrors(v);
    await v.close();
  });

  it("renders inert in /chat, and the copy button copies the code", async () => {
    const t = await openPage(browser, "/chat");
    const { page } = t;
    await t.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await installTraps(page);
    await page.locator(tid("model-select")).selectOption("ui-hostile");
    await sendPrompt(page, "Show me what you can render.");
    await page.waitForSelector('main[data-phase="ready"] [data-testid="feedback-up"]', { timeout: 30_000 });
    await expectInertAndRendered(t, tid("answer-a"));
    await page.locator(`${tid("answer-a")} .code-block button.copy`).click();
    await expect.poll(() => page.locator(`${tid("answer-a")} .code-block button.copy`).innerText()).toBe("Copied");
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe("def add(a, b):\n    return a + b");
    expectNoErrors(t);
    await t.close();
  });
});
