// `/leaderboard` after votes and a cron run: the rows match /leaderboard.json, the category selector and the
// style-control toggle change the table, search and min-votes filter it, and every plot draws something. Also the
// `/about` page: its static text (method, policy, dataset card, per-board commands) and its transparency section,
// rendered from /api/transparency after a provider registered private models through the API.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
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
import { createProvider, registerPrivateModel, retireProviderModel } from "./models";

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Row {
  model: string;
  rank: string;
  score: string;
  votes: string;
}

const tableRows = (page: Page): Promise<Row[]> =>
  page.$$eval('[data-testid="leaderboard-row"]', (trs) =>
    trs.map((tr) => ({
      model: tr.getAttribute("data-model") ?? "",
      rank: tr.querySelector(".rank")?.textContent ?? "",
      score: tr.querySelector(".score")?.textContent ?? "",
      votes: tr.querySelector(".votes")?.textContent ?? "",
    })),
  );

const expected = (rows: { model: string; rank: number; rating: number; votes: number }[]): Row[] =>
  rows.map((r) => ({
    model: r.model,
    rank: String(r.rank),
    score: r.rating.toFixed(1),
    votes: r.votes.toLocaleString("en"),
  }));

/** A canvas that has at least some non-transparent pixels. */
const painted = (page: Page, id: string) =>
  page.$eval(tid(id), (c) => {
    const canvas = c as HTMLCanvasElement;
    if (!canvas.width || !canvas.height) return 0;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });

describe("/leaderboard", () => {
  it("shows the published snapshot, switches category and style control, filters, and plots", async () => {
    await voteBattles(18, "soup recipes", true);
    await runCron();

    // The page and the JSON must describe the same snapshot (npm start publishes a new one every minute).
    let t = await openPage(browser, "/leaderboard");
    let lb = await api.json("/leaderboard.json");
    for (
      let i = 0;
      i < 3 && (await t.page.locator(tid("leaderboard-meta")).getAttribute("data-snapshot")) !== lb.snapshot;
      i++
    ) {
      expectNoErrors(t);
      await t.close();
      t = await openPage(browser, "/leaderboard");
      lb = await api.json("/leaderboard.json");
    }
    const { page } = t;
    expect(await page.locator(tid("leaderboard-meta")).getAttribute("data-snapshot")).toBe(lb.snapshot);
    expect(lb.data.battles).toBeGreaterThanOrEqual(18);

    await expectLabelled(page);
    // Default view: every model of the overall board, in order, with its rank, score and votes.
    expect(await page.locator(tid("category-select")).inputValue()).toBe("overall");
    expect(await tableRows(page)).toEqual(expected(lb.categories.overall.models));
    const headers = await page.locator(`${tid("leaderboard-table")} thead th:visible`).allInnerTexts();
    expect(headers).toEqual([
      "Rank (UB)",
      "Model",
      "Arena score",
      "95% CI",
      "Votes",
      "Organization",
      "License",
      "Price",
      "Size",
      "Open",
      "Context",
      "Cutoff",
    ]);
    // Metadata columns (DESIGN section 14) sort: the priciest model first, then the cheapest, then back to score.
    const prices = () => page.locator(`${tid("leaderboard-row")} td.price`).allInnerTexts();
    const dollars = (xs: string[]) => xs.filter((x) => x !== "—").map((x) => Number(x.slice(1)));
    await page.locator(tid("sort-price")).click();
    const down = dollars(await prices());
    expect(down.length).toBeGreaterThanOrEqual(2);
    expect(down).toEqual([...down].sort((a, b) => b - a));
    await page.locator(tid("sort-price")).click();
    const up = dollars(await prices());
    expect(up).toEqual([...up].sort((a, b) => a - b));
    await page.locator(tid("sort-price")).click();
    expect(await tableRows(page)).toEqual(expected(lb.categories.overall.models));
    const first = page.locator(tid("leaderboard-row")).first();
    const models = await api.json<{ id: string; organization: string; license: string }[]>("/api/models");
    const top = models.find((m) => m.id === lb.categories.overall.models[0].model)!;
    expect(await first.innerText()).toContain(top.organization);
    expect(await first.innerText()).toContain(top.license);
    expect(await first.locator(".ci").innerText()).toMatch(/^\+\d+\.\d\/−\d+\.\d$/);
    const meta = await page.locator(tid("leaderboard-meta")).innerText();
    expect(meta).toContain(`${lb.data.battles.toLocaleString("en")} rated battles`);
    expect(meta).toMatch(/Updated .*ago|Updated now/);
    expect(await page.locator(tid("leaderboard-json-link")).getAttribute("href")).toBe("/leaderboard.json");
    expect(await page.locator(tid("export-link")).getAttribute("href")).toBe(
      `/api/export/battles.jsonl?snapshot=${encodeURIComponent(lb.snapshot)}`,
    );

    // Plots: rating with CI, win fractions, battle counts, rating over time.
    for (const id of ["plot-rating", "plot-winrate", "plot-battles"]) {
      await expect.poll(() => painted(page, id), { timeout: 10_000 }).toBeGreaterThan(1000);
    }
    await page.waitForSelector(`${tid("plot-history")}[data-points]`, { timeout: 10_000 });
    expect(Number(await page.locator(tid("plot-history")).getAttribute("data-points"))).toBeGreaterThanOrEqual(1);
    expect(await painted(page, "plot-history")).toBeGreaterThan(1000);
    await screenshot(page, "leaderboard-desktop");

    // "For my prompt": the board of /api/leaderboard/prompt, as text, with intervals around each score.
    await page.locator(tid("lb-prompt-input")).fill("What is a good soup recipe for winter?");
    await page.locator(tid("lb-prompt-submit")).click();
    await page.waitForSelector(tid("lb-prompt-row"), { timeout: 10_000 });
    const promptRows = await page
      .locator(tid("lb-prompt-row"))
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    expect(promptRows.length).toBeGreaterThanOrEqual(2);
    for (const [, , score, ci] of promptRows) {
      const [lo, hi] = ci!.split(" – ").map(Number);
      expect(lo).toBeLessThanOrEqual(Number(score));
      expect(hi).toBeGreaterThanOrEqual(Number(score));
    }
    expect(await page.locator(tid("lb-prompt-status")).innerText()).toContain("similar battles");

    // Provisional entries: the badge on exactly those rows; the history plot leaves the provisional points it was
    // served out of its axis (npm start may publish a newer snapshot meanwhile: the page saw a prefix of the series).
    const badged = await page
      .locator(`${tid("leaderboard-row")}:has(${tid("provisional-badge")})`)
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-model")));
    expect(badged).toEqual(
      lb.categories.overall.models.filter((m: { provisional?: true }) => m.provisional).map((m: any) => m.model),
    );
    const historyPlot = page.locator(tid("plot-history"));
    const selected = await page.locator(tid("history-model-select")).inputValue();
    const served = (
      await api.json<HistoryPoint[]>(`/api/leaderboard/history?model=${selected}&category=overall&style=false`)
    ).slice(0, Number(await historyPlot.getAttribute("data-points")));
    expect(Number(await historyPlot.getAttribute("data-provisional"))).toBe(served.filter((p) => p.provisional).length);
    const axis = {
      min: Number(await historyPlot.getAttribute("data-y-min")),
      max: Number(await historyPlot.getAttribute("data-y-max")),
    };
    for (const p of served.filter((q) => !q.provisional)) {
      for (const v of [p.rating, ...(p.ci ?? [])]) {
        expect(v).toBeGreaterThanOrEqual(axis.min);
        expect(v).toBeLessThanOrEqual(axis.max);
      }
    }

    // Leaderboard v2 (DESIGN section 14). Score against price: every priced model a point, the frontier a step line.
    const overall = lb.categories.overall;
    await page.waitForSelector(`${tid("plot-price")}[data-points]`, { timeout: 10_000 });
    const pricePlot = page.locator(tid("plot-price"));
    expect(Number(await pricePlot.getAttribute("data-points"))).toBeGreaterThanOrEqual(3);
    expect(Number(await pricePlot.getAttribute("data-frontier"))).toBeGreaterThanOrEqual(1);
    expect(Number(await pricePlot.getAttribute("data-frontier"))).toBe(
      (overall.frontier ?? []).filter((f: { price: number }) => f.price > 0).length,
    );
    await expect.poll(() => painted(page, "plot-price"), { timeout: 10_000 }).toBeGreaterThan(1000);
    // Adjusted scores: one row per model of each view, in its order, each with an interval.
    for (const kind of ["price", "size"] as const) {
      const view = overall.adjusted?.[kind];
      expect(view, `adjusted.${kind} published`).toBeTruthy();
      const rows = page.locator(`${tid(`adjusted-${kind}-table`)} ${tid("adjusted-row")}`);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-model")))).toEqual(
        view.models.map((m: { model: string }) => m.model),
      );
      for (const ci of await rows.locator(".ci").allInnerTexts()) expect(ci).toMatch(/^[+−]\d+\.\d to [+−]\d+\.\d$/);
    }
    expect(await page.locator(`${tid("adjusted-note")} a`).getAttribute("href")).toBe("/about#v2");
    // Change over time: the ▲/▼ badge on exactly the rows whose change since the previous snapshot is significant;
    // the history plot's area lists the selected model's comparisons.
    const changed = await page
      .locator(`${tid("leaderboard-row")}:has(${tid("change-badge")})`)
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-model")));
    expect(changed).toEqual(
      (lb.changes?.previous?.models ?? [])
        .filter((m: { significant: boolean }) => m.significant)
        .map((m: { model: string }) => m.model)
        .filter((id: string) => overall.models.some((r: { model: string }) => r.model === id))
        .sort(
          (a: string, b: string) =>
            overall.models.findIndex((r: { model: string }) => r.model === a) -
            overall.models.findIndex((r: { model: string }) => r.model === b),
        ),
    );
    for (const title of await page.locator(tid("change-badge")).evaluateAll((els) => els.map((e) => e.getAttribute("title") ?? "")))
      expect(title).toMatch(/Holm-adjusted p/);
    await page.waitForSelector(`${tid("history-changes")}[data-count]`, { timeout: 10_000 });
    const inLb = Object.values(lb.changes ?? {}).some((c: any) =>
      c.models.some((m: { model: string }) => m.model === selected),
    );
    if (inLb) {
      expect(Number(await page.locator(tid("history-changes")).getAttribute("data-count"))).toBeGreaterThanOrEqual(1);
      expect(await page.locator(tid("history-changes")).innerText()).toMatch(/Change (since|in) .*(not )?significant/);
    }
    // Winner's curse: badges only for models /api/transparency lists, with k and the inflation.
    const curses = (await api.json<{ winnersCurse?: { model: string }[] }>("/api/transparency")).winnersCurse ?? [];
    const cursed = await page
      .locator(`${tid("leaderboard-row")}:has(${tid("winners-curse-badge")})`)
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-model")));
    for (const id of cursed) expect(curses.map((c) => c.model)).toContain(id);
    for (const text of await page.locator(tid("winners-curse-badge")).allInnerTexts())
      expect(text).toMatch(/^best of \d+: [−+]\d+\.\d$/);
    await expectLabelled(page);

    // Another category: the table follows its board.
    const overallRows = await tableRows(page);
    const other =
      Object.keys(lb.categories).find((c) => c === "no_tie") ?? Object.keys(lb.categories).find((c) => c !== "overall");
    expect(other, "a second board exists").toBeTruthy();
    await page.locator(tid("category-select")).selectOption(other!);
    expect(await tableRows(page)).toEqual(expected(lb.categories[other!].models));
    expect(await tableRows(page)).not.toEqual(overallRows);
    await page.locator(tid("category-select")).selectOption("overall");

    // Style control: ratings from the style-controlled fit, with the places each model moved.
    await page.locator(tid("style-control-toggle")).check();
    const styled = lb.categories.overall.styleControl.models;
    expect(await tableRows(page)).toEqual(expected(styled));
    expect(await tableRows(page)).not.toEqual(overallRows);
    const plainPlace = new Map(lb.categories.overall.models.map((r: { model: string }, i: number) => [r.model, i + 1]));
    const deltas = await page.locator(tid("rank-delta")).allInnerTexts();
    expect(deltas).toHaveLength(styled.length);
    styled.forEach((r: { model: string }, i: number) => {
      const moved = (plainPlace.get(r.model) as number) - (i + 1);
      expect(deltas[i]).toContain(moved > 0 ? `▲ ${moved}` : moved < 0 ? `▼ ${-moved}` : "—");
    });
    await expect.poll(() => painted(page, "plot-rating")).toBeGreaterThan(1000);
    await screenshot(page, "leaderboard-style-control-desktop");
    await page.locator(tid("style-control-toggle")).uncheck();

    // Search and minimum votes filter the rows.
    const topName = (await first.locator(".name").innerText()).trim();
    await page.locator(tid("leaderboard-search")).fill(topName);
    expect((await tableRows(page)).map((r) => r.model)).toEqual([lb.categories.overall.models[0].model]);
    await page.locator(tid("leaderboard-search")).fill("");
    await page.locator(tid("min-votes")).fill("100000");
    expect(await tableRows(page)).toEqual([]);
    await page.locator(tid("min-votes")).fill("0");
    expect(await tableRows(page)).toHaveLength(lb.categories.overall.models.length);
    expectNoErrors(t);
    await t.close();

    const m = await openPage(browser, "/leaderboard", { mobile: true, scheme: "dark" });
    await m.page.waitForSelector(`${tid("plot-history")}[data-points]`, { timeout: 10_000 });
    await screenshot(m.page, "leaderboard-mobile-dark");
    expectNoErrors(m);
    await m.close();
  });
});

interface HistoryPoint {
  generatedAt: string;
  rating: number;
  ci: [number, number] | null;
  rank: number;
  votes: number;
  provisional?: true;
}

const axisOf = async (page: Page, id: string) => {
  const plot = page.locator(tid(id));
  return {
    min: Number(await plot.getAttribute("data-y-min")),
    max: Number(await plot.getAttribute("data-y-max")),
    provisional: Number(await plot.getAttribute("data-provisional")),
  };
};

describe("/leaderboard with provisional ratings", () => {
  it("marks them, and keeps them out of the plots' axes: a placeholder 0 no longer stretches the history", async () => {
    // The published snapshot plus a model the data cannot pin down, at the ridge-held rating a six-battle board
    // gives (about −778, interval −870…319); and a history whose first snapshot was such a board (rating 0,
    // interval −300…400: the reported plot), then three real points.
    const lb = await api.json("/leaderboard.json");
    const crafted = structuredClone(lb);
    const overall = crafted.categories.overall;
    const phantom = {
      model: "demo-phantom",
      rating: -777.970117,
      ci: [-869.627527, 318.729169],
      votes: 2,
      rank: overall.models.length + 1,
      provisional: true,
    };
    overall.models.push(phantom);
    overall.method = { ...overall.method, provisional: [...(overall.method?.provisional ?? []), phantom.model] };
    const at = Date.parse(lb.generatedAt);
    const iso = (hoursAgo: number) => new Date(at - hoursAgo * 3_600_000).toISOString();
    let series: HistoryPoint[] = [
      { generatedAt: iso(3), rating: 0, ci: [-300, 400], rank: 5, votes: 2, provisional: true },
      { generatedAt: iso(2), rating: 1012, ci: [980, 1040], rank: 1, votes: 40 },
      { generatedAt: iso(1), rating: 1020, ci: [995, 1046], rank: 1, votes: 60 },
      { generatedAt: iso(0), rating: 1018, ci: [1000, 1036], rank: 1, votes: 80 },
    ];
    const t = await openPage(browser, "/leaderboard", {
      setup: async (page) => {
        await page.route(/\/leaderboard\.json$/, (r) => r.fulfill({ json: crafted }));
        await page.route(/\/api\/leaderboard\/history\?/, (r) => r.fulfill({ json: series }));
      },
    });
    const { page } = t;

    // The table: the row is there, badged, its reason in the title, its score styled as a placeholder.
    const row = page.locator(`${tid("leaderboard-row")}[data-model="${phantom.model}"]`);
    expect(await row.getAttribute("class")).toContain("provisional");
    expect(await row.locator(tid("provisional-badge")).getAttribute("title")).toContain("cannot pin this rating down");

    // The rating plot: its axis covers the other models' intervals, not −870.
    await expect.poll(() => painted(page, "plot-rating"), { timeout: 10_000 }).toBeGreaterThan(1000);
    const solid = overall.models.filter((m: { provisional?: true }) => !m.provisional);
    const lo = Math.min(...solid.map((m: any) => m.ci?.[0] ?? m.rating));
    const hi = Math.max(...solid.map((m: any) => m.ci?.[1] ?? m.rating));
    const rating = await axisOf(page, "plot-rating");
    expect(rating.provisional).toBe(overall.models.length - solid.length);
    expect(rating.min).toBeLessThanOrEqual(lo);
    expect(rating.min).toBeGreaterThan(lo - Math.max(0.1 * (hi - lo), 10) - 10);
    expect(rating.max).toBeGreaterThanOrEqual(hi);
    expect(rating.max).toBeLessThan(hi + Math.max(0.1 * (hi - lo), 10) + 10);
    expect(await page.locator(tid("plot-rating-note")).isVisible()).toBe(true);

    // The history plot: four points, the provisional one left out of the axis (which starts near 980, not −400).
    await page.waitForSelector(`${tid("plot-history")}[data-points="4"]`, { timeout: 10_000 });
    const history = await axisOf(page, "plot-history");
    expect(history.provisional).toBe(1);
    expect(history.min).toBeGreaterThanOrEqual(900);
    expect(history.min).toBeLessThanOrEqual(980);
    expect(history.max).toBeGreaterThanOrEqual(1046);
    expect(history.max).toBeLessThanOrEqual(1150);
    expect(await painted(page, "plot-history")).toBeGreaterThan(1000);
    expect(await page.locator(tid("plot-history-note")).innerText()).toContain("do not set the axis");
    await screenshot(page, "leaderboard-provisional-desktop");

    // A model whose every point is provisional: the points are all there is, so they set the axis, and say so.
    series = [
      { generatedAt: iso(2), rating: 0, ci: [-300, 400], rank: 5, votes: 2, provisional: true },
      { generatedAt: iso(1), rating: 1700, ci: [1500, 1900], rank: 1, votes: 3, provisional: true },
    ];
    const options = await page
      .locator(`${tid("history-model-select")} option`)
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await page.locator(tid("history-model-select")).selectOption(options[1]!);
    await page.waitForSelector(`${tid("plot-history")}[data-points="2"]`, { timeout: 10_000 });
    const all = await axisOf(page, "plot-history");
    expect(all.provisional).toBe(2);
    expect(all.min).toBeLessThanOrEqual(0);
    expect(all.max).toBeGreaterThanOrEqual(1700);
    expect(await page.locator(tid("plot-history-note")).innerText()).toContain("Every point is provisional");
    expectNoErrors(t);
    await t.close();
  });
});

describe("/about", () => {
  it("explains the method, the policy, the dataset card and how to reproduce every board", async () => {
    for (const mobile of [false, true]) {
      const t = await openPage(browser, "/about", { mobile });
      const { page } = t;
      await expectLabelled(page);
      const text = await page.locator("main").innerText();
      for (const needle of [
        "Bradley–Terry",
        "bootstrap",
        "Style control",
        "Categories",
        "identity_leak",
        "Sampling",
        "CC-BY-4.0",
        "npm run --silent ratings --",
        "method.provisionalRule",
      ]) {
        expect(text).toContain(needle);
      }
      // Leaderboard v2: metadata, adjusted scores, frontier, change over time, winner's curse, active sampling.
      const v2 = await page.locator(tid("about-v2")).innerText();
      for (const needle of [
        "/api/export/models.json?snapshot=ID",
        "npm run --silent ratings -- --models models.json",
        "log10(output price)",
        "Pareto frontier",
        "Holm–Bonferroni",
        "significant",
        "best-of-k",
        "Active sampling",
        "sampling_probability",
      ]) {
        expect(v2).toContain(needle);
      }
      expect(await page.locator("#v2").count()).toBe(1);
      // The transparency section shows the current sampling policy and the winner's-curse list.
      await page.waitForSelector(tid("transparency-sampling-policy"), { timeout: 10_000 });
      expect(await page.locator(tid("transparency-sampling-policy")).innerText()).toMatch(/Policy: (weighted|active)/);
      expect(await page.locator(tid("transparency-winners-curse")).count()).toBe(1);
      // The dataset card: files and routes (audit view, conversations), the battles.jsonl fields, the scrubbing list.
      const card = page.locator("#dataset");
      const cardText = await card.innerText();
      for (const route of [
        "/api/export/battles.jsonl",
        "/api/export/battles.jsonl?include=excluded",
        "/api/export/conversations.jsonl",
      ]) {
        expect(await card.locator(`a[href="${route}"]`).count(), route).toBe(1);
      }
      const fields = await card.locator(`${tid("dataset-fields")} tbody th`).allInnerTexts();
      for (const field of [
        "id",
        "tstamp",
        "model_a, model_b",
        "winner",
        "judge",
        "language",
        "categories",
        "dedup_tag",
        "sampling_probability",
        "conv_metadata",
        "excluded_reason",
      ]) {
        expect(fields).toContain(field);
      }
      for (const needle of ["conversation_a", "[EMAIL]", "[PHONE]", "[IP]", "[KEY]", "[CARD]", "Collection"]) {
        expect(cardText).toContain(needle);
      }
      // One ratings CLI command per board.
      const commands = (await page.locator(`${tid("board-commands")} td`).allInnerTexts()).join(" ");
      expect(commands).toContain("npm run --silent ratings -- --category overall battles.jsonl");
      for (const board of [
        "coding",
        "math",
        "hard_prompts",
        "instruction_following",
        "creative_writing",
        "multi_turn",
        "long_query",
        "english",
        "non_english",
        "lang_zh",
        "dedup",
        "no_tie",
        "no_short",
      ]) {
        expect(commands).toContain(`--category ${board}`);
      }
      // Nothing is said twice: the licence paragraph and the export routes appear once on the page.
      expect(text.split("Creative Commons Attribution 4.0").length - 1).toBe(1);
      // Every section of the table of contents exists.
      const toc = await page.locator(".toc a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      expect(toc).toEqual(expect.arrayContaining(["#providers", "#dataset", "#reproduce"]));
      for (const href of toc) {
        expect(await page.locator(href!).count()).toBe(1);
      }
      // Tables have captions and column headers.
      for (const table of await page.locator("main table").all()) {
        expect(await table.locator("caption").count()).toBe(1);
        expect(await table.locator("thead th[scope=col]").count()).toBeGreaterThan(1);
      }
      await screenshot(page, mobile ? "about-mobile" : "about-desktop");
      expectNoErrors(t);
      await t.close();
    }
  });

  it("renders the transparency report: a provider's private variants, shares, sampling and deprecation log", async () => {
    const run = Date.now().toString(36);
    // A name with markup: the page must show it as text.
    const name = `About <img src=x onerror=alert(1)> Lab ${run}`;
    const provider = await createProvider(name);
    const testing = { id: `about-private-${run}`, name: `About Private ${run}`, codename: `cn-about-${run}` };
    const retired = { id: `about-retired-${run}`, name: `About Retired ${run}`, codename: `cn-gone-${run}` };
    const reason = `superseded by <b>${testing.codename}</b>`;
    await registerPrivateModel(provider.apiKey, testing);
    await registerPrivateModel(provider.apiKey, retired);
    try {
      await retireProviderModel(provider.apiKey, retired.id, reason);
      const entryOf = (r: any) => r.providers.find((p: any) => p.name === name);
      await expect
        .poll(async () => entryOf(await api.json("/api/transparency"))?.privateVariants.total, { timeout: 10_000 })
        .toBe(2);

      for (const mobile of [false, true]) {
        const t = await openPage(browser, "/about", { mobile });
        const { page, requests } = t;
        expect(requests.some((u) => new URL(u).pathname === "/api/transparency")).toBe(true);
        const report = await api.json("/api/transparency");
        const entry = entryOf(report);
        const section = page.locator("#providers");
        await section.locator(tid("transparency-providers")).waitFor();

        // The policy text takes its numbers from the report.
        const policy = await section.locator(tid("transparency-policy")).innerText();
        expect(policy).toContain(`${report.policy.embargoDays} days after testing began`);
        expect(policy).toContain(`more than ${report.policy.provisional.maxParallel} private variants`);
        expect(policy).toContain(
          `until the model has ${report.policy.provisional.minPostReleaseVotes.toLocaleString("en")} votes`,
        );
        const totals = await section.locator(tid("transparency-totals")).innerText();
        expect(totals).toContain(report.totals.privateVariants.toLocaleString("en"));

        // One row per provider; ours: 2 variants, 1 in testing, 2 at once, its battle and sampling shares.
        expect(await section.locator(tid("provider-row")).count()).toBe(report.providers.length);
        const row = section.locator(tid("provider-row")).filter({ hasText: `Lab ${run}` });
        const cells = await row.locator("th, td").allInnerTexts();
        const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
        expect(cells[0]).toBe(name);
        expect(cells.slice(1, 5)).toEqual(["0 / 1 / 1", "2", "1", "2"]);
        expect(cells[5]).toBe(`${entry.battles.total} (${pct(entry.battles.share)})`);
        expect(cells[6]).toBe(`${entry.battles.last30Days} (${pct(entry.battles.shareLast30Days)})`);
        expect(cells[7]).toBe(pct(entry.sampling.share));

        // Each variant by codename, undisclosed, with its status and test period.
        const variant = await section.locator(`${tid("variant-row")}[data-codename="${testing.codename}"]`).innerText();
        expect(variant).toContain("undisclosed");
        expect(variant).toContain("testing");
        expect(variant).toContain("ongoing");
        expect(variant).not.toContain(testing.id);
        const gone = await section.locator(`${tid("variant-row")}[data-codename="${retired.codename}"]`).innerText();
        expect(gone).toContain("retired");
        // Sampling: the testing variant can be drawn, named by its codename.
        const sampling = await section.locator(tid("transparency-sampling")).innerText();
        expect(sampling).toContain(testing.codename);
        expect(sampling).not.toContain(retired.codename);
        // The deprecation log with the reason, as text.
        const log = section.locator(tid("deprecation-row")).filter({ hasText: retired.codename });
        expect(await log.innerText()).toContain(reason);
        // Public models with the provisional rule's inputs.
        expect(await section.locator(tid("provisional-row")).count()).toBe(report.models.length);
        const first = report.models[0];
        const firstRow = await section.locator(tid("provisional-row")).first().locator("th, td").allInnerTexts();
        expect(firstRow[0]).toBe(first.model);
        expect(firstRow.slice(3)).toEqual([
          first.postReleaseVotes.toLocaleString("en"),
          String(first.parallelPrivateVariants),
          first.provisional ? "yes" : "no",
        ]);
        // Nothing from the report became markup; nothing ran.
        expect(await section.locator("img, b").count()).toBe(0);
        expect(t.dialogs).toEqual([]);
        expect(requests.filter((u) => !u.startsWith(base))).toEqual([]);
        await screenshot(page, mobile ? "about-providers-mobile" : "about-providers-desktop");
        expectNoErrors(t);
        await t.close();
      }
    } finally {
      // Retired, so later battles never draw it.
      await retireProviderModel(provider.apiKey, testing.id, "about test done");
    }
  });

  it("says so, kindly, when the transparency report cannot load", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.route("**/api/transparency", (route) =>
      route.fulfill({
        status: 500,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ error: { code: "internal", message: "Something went wrong on our side." } }),
      }),
    );
    await page.goto(`${base}/about`);
    const notice = page.locator(tid("transparency-error"));
    await notice.waitFor({ state: "visible" });
    expect(await notice.innerText()).toContain("could not be loaded right now");
    // The rest of the page is there, and "Try again" loads the report once it answers.
    expect(await page.locator("#dataset").innerText()).toContain("dedup_tag");
    await page.unroute("**/api/transparency");
    await notice.locator("button").click();
    await page.locator(tid("transparency-providers")).waitFor({ state: "visible" });
    // The only console entry is the browser's own log line for the simulated 500 response.
    expect(errors.filter((e) => !/status of 500/.test(e))).toEqual([]);
    await context.close();
  });
});

describe("/leaderboard before the first snapshot", () => {
  it("shows a friendly not-ready state with a retry", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    // The arena answers 503 not_ready until the cron first publishes; simulate that state for this page.
    await page.route("**/leaderboard.json", (route) =>
      route.fulfill({
        status: 503,
        headers: { "content-type": "application/json", "retry-after": "5" },
        body: JSON.stringify({ error: { code: "not_ready", message: "No leaderboard has been published yet." } }),
      }),
    );
    await page.goto(`${base}/leaderboard`);
    const notice = page.locator(tid("leaderboard-not-ready"));
    await notice.waitFor({ state: "visible" });
    expect(await notice.innerText()).toContain("not ready yet");
    // Once a snapshot exists, "Try again" shows it.
    await page.unroute("**/leaderboard.json");
    await notice.locator("button").click();
    await page.locator(tid("leaderboard-table")).waitFor({ state: "visible" });
    // The only console entry is the browser's own log line for the simulated 503 response.
    expect(errors.filter((e) => !/status of 503/.test(e))).toEqual([]);
    await context.close();
  });
});
