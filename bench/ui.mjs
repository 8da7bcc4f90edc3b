#!/usr/bin/env node
// `npm run bench:ui`: the web UI's performance budget.
//   1. JavaScript per page, gzipped: what loads at once and what may load later (bench/ui-budget.mjs). The battle
//      page must stay under 200 KB in all.
//   2. First render per page in Debian's chromium (headless, as the browser tests run it) against the arena started
//      as `npm start` starts it: first contentful paint and the moment the page's script marked it rendered
//      (performance mark "arena:ready"), median of 5 cold loads (a fresh browser context each: empty cache). The
//      aim is under 1 s.
// Options: --url URL (measure an arena that is already running instead of starting one), --runs N, --no-browser.
import { measureBundles, kb, BATTLE_PAGE_BUDGET } from "./ui-budget.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(opt("--runs", "5"));
const FIRST_RENDER_BUDGET_MS = 1000;

const bundles = await measureBundles();
console.log("JavaScript per page (gzip):");
console.log("page          at once    later      total     files (at once + later)");
for (const b of bundles) {
  console.log(
    `${b.page.padEnd(13)} ${kb(b.initial.gzip).padStart(9)} ${kb(b.lazy.gzip).padStart(9)} ${kb(b.total).padStart(10)}     ${b.initial.files.length} + ${b.lazy.files.length}`,
  );
}
const battle = bundles.find((b) => b.page === "arena");
const jsOk = battle.total < BATTLE_PAGE_BUDGET;
console.log(
  `battle page (/): ${kb(battle.total)} of JavaScript in all (${kb(battle.initial.gzip)} at once) — budget ${kb(BATTLE_PAGE_BUDGET)}: ${jsOk ? "OK" : "OVER"}`,
);

let renderOk = true;
if (!args.includes("--no-browser")) {
  const { chromium } = await import("playwright-core");
  let url = opt("--url", null);
  let arena = null;
  if (!url) {
    const { startArena } = await import("../scripts/arena-process.mjs");
    process.stderr.write("starting the arena (npm start on a free port)…\n");
    arena = await startArena({ vars: { DEMO_SPEEDUP: "10", RATE_LIMITS: "off" } });
    url = arena.url;
    await publishLeaderboard(url);
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-quic",
      "--no-first-run",
      "--disable-sync",
    ],
  });
  try {
    console.log(`\nFirst render, median of ${runs} cold loads (${url}):`);
    console.log("page           first paint   rendered");
    for (const [pathname, scripted] of [
      ["/", true],
      ["/compare", true],
      ["/chat", true],
      ["/leaderboard", true],
      ["/about", true],
    ]) {
      const fcp = [];
      const ready = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        await page.goto(`${url}${pathname}`);
        if (scripted) await page.waitForSelector("html[data-ready]", { timeout: 15_000 });
        else await page.waitForLoadState("load");
        await page
          .waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0, null, {
            timeout: 5_000,
          })
          .catch(() => {});
        const t = await page.evaluate(() => {
          const paint = performance.getEntriesByName("first-contentful-paint")[0];
          const mark = performance.getEntriesByName("arena:ready")[0];
          const nav = performance.getEntriesByType("navigation")[0];
          return {
            fcp: paint?.startTime ?? null,
            ready: mark?.startTime ?? paint?.startTime ?? nav?.loadEventEnd ?? null,
          };
        });
        fcp.push(t.fcp ?? NaN);
        ready.push(t.ready ?? NaN);
        await context.close();
      }
      const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const [f, r] = [median(fcp), median(ready)];
      const ok = r < FIRST_RENDER_BUDGET_MS;
      renderOk &&= ok;
      console.log(
        `${pathname.padEnd(14)} ${`${f.toFixed(0)} ms`.padStart(11)} ${`${r.toFixed(0)} ms`.padStart(10)}${scripted ? "" : " (static: first paint)"}  ${ok ? "OK" : "OVER 1 s"}`,
      );
    }
  } finally {
    await browser.close();
    await arena?.stop();
  }
}
process.exitCode = jsOk && renderOk ? 0 : 1;

/** A fresh arena has no snapshot yet: vote a few battles and run the cron so /leaderboard has a board to draw. */
async function publishLeaderboard(base) {
  const post = (p, body) =>
    fetch(`${base}${p}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const winners = ["a", "b", "tie", "bothbad"];
  const ids = await Promise.all(
    Array.from({ length: 12 }, async (_, i) => {
      const { id } = await (await post("/api/battles", { mode: "anonymous" })).json();
      await (await post(`/api/battles/${id}/messages`, { content: `Benchmark question ${i}` })).text();
      await post(`/api/battles/${id}/vote`, { winner: winners[i % 4] });
      return id;
    }),
  );
  for (const id of ids) {
    for (let i = 0; i < 100; i++) {
      if ((await (await fetch(`${base}/api/battles/${id}`)).json()).recorded) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await (await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`)).text();
}
