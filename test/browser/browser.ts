// Browser tests: playwright-core drives Debian's chromium (/usr/bin/chromium, installed by apt-get; never a
// browser downloaded by playwright) against the arena that test/e2e/global-setup.ts started with `npm start`.
// One browser per test file; each page gets its own context (fresh storage) and records every console error and
// uncaught exception, which the tests assert to be empty. Screenshots go to test-output/screenshots/ (git-ignored).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import { DEFAULT_CHROMIUM } from "../../scripts/ensure-browser.mjs";

export const base = inject("arenaUrl");
// `npm test` runs scripts/ensure-browser.mjs first, which settles (and if it may, installs) this path.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../test-output/screenshots");

/** Headless, offline, quiet: no sandbox (root in CI), no GPU, no background traffic to the outside. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-quic",
  "--no-first-run",
  "--disable-sync",
];

export const DESKTOP = { width: 1280, height: 900 };
export const MOBILE = { width: 390, height: 844 };

/** playwright's launch() gives every browser a fresh temporary user-data-dir and removes it on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen on this page so far. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  dialogs: string[];
  close(): Promise<void>;
}

export async function openPage(
  browser: Browser,
  pathname: string,
  options: {
    viewport?: { width: number; height: number };
    mobile?: boolean;
    scheme?: "light" | "dark";
    /** Wait for the page's script to mark it rendered (html[data-ready]); false for a page without a script. */
    script?: boolean;
    /** Runs on the new page before it loads, e.g. to answer some requests with `page.route`. */
    setup?: (page: Page) => Promise<void>;
  } = {},
): Promise<TestPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? (options.mobile ? MOBILE : DESKTOP),
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
    colorScheme: options.scheme ?? "light",
    reducedMotion: "reduce",
  });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("request", (r) => requests.push(r.url()));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await options.setup?.(page);
  await page.goto(`${base}${pathname}`);
  if (options.script ?? true) await page.waitForSelector("html[data-ready]", { timeout: 15_000 });
  return { page, context, errors, requests, dialogs, close: () => context.close() };
}

/** Asserts the page logged no console error and threw nothing. */
export function expectNoErrors(t: TestPage): void {
  expect(t.errors).toEqual([]);
}

/** Saves a full-page screenshot; on a phone-sized page it also checks nothing overflows the screen sideways. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()?.width ?? DESKTOP.width;
  if (width <= MOBILE.width) {
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      `${name} fits ${width}px`,
    ).toBeLessThanOrEqual(width);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export const tid = (id: string) => `[data-testid="${id}"]`;

/** Types a prompt and sends it with Enter, as a person would. */
export async function sendPrompt(page: Page, text: string): Promise<void> {
  await page.locator(tid("prompt-input")).fill(text);
  await page.locator(tid("prompt-input")).press("Enter");
}

/** Waits until the battle's latest turn finished on both sides (the duel leaves the streaming phase). */
export async function waitTurnDone(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('.duel[data-phase="ready"], .duel[data-phase="voted"]', { timeout });
}

export const api = {
  async json<T = any>(p: string, init?: RequestInit): Promise<T> {
    const res = await fetch(`${base}${p}`, init);
    if (!res.ok) throw new Error(`${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  },
  post(p: string, body?: unknown) {
    return fetch(`${base}${p}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  },
};

/** Anonymous battles voted through the API (ties included, so the `no_tie` board differs), recorded in D1. */
/** `consent`: the voter releases the conversation (its prompt then trains the routers, DESIGN section 12). */
export async function voteBattles(n: number, topic = "soup recipes", consent = false): Promise<void> {
  const winners = ["a", "b", "tie", "a", "bothbad", "b"];
  const ids = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const created = await api.post("/api/battles", { mode: "anonymous", consent });
      const { id } = (await created.json()) as { id: string };
      await (await api.post(`/api/battles/${id}/messages`, { content: `Question ${i} about ${topic}` })).text();
      expect((await api.post(`/api/battles/${id}/vote`, { winner: winners[i % winners.length] })).status).toBe(200);
      return id;
    }),
  );
  for (const id of ids) {
    await expect.poll(async () => (await api.json(`/api/battles/${id}`)).recorded, { timeout: 20_000 }).toBe(true);
  }
}

/** Runs the scheduled handler (wrangler dev's /__scheduled); it returns once the snapshot is published. */
export async function runCron(): Promise<void> {
  const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
  expect(res.status).toBe(200);
  await res.text();
}

/** Every form control on the page has an accessible name (a <label>, aria-label or aria-labelledby). */
export async function expectLabelled(page: Page): Promise<void> {
  const unlabelled = await page.$$eval("input, select, textarea, button", (els) =>
    els
      .filter((el) => {
        const c = el as HTMLInputElement;
        if (c.type === "hidden" || !c.getClientRects().length) return false;
        const named =
          (c.labels && c.labels.length > 0) ||
          c.getAttribute("aria-label") ||
          c.getAttribute("aria-labelledby") ||
          (c.tagName === "BUTTON" && (c.textContent ?? "").trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unlabelled).toEqual([]);
}
