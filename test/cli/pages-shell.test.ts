// The seven pages are generated from one shell (ui/shell.html) by scripts/build-ui.mjs, wrangler's `[build]` command.
// Built here into a throw-away folder: every page has the same head, header and footer, its own title, description
// and script, exactly one nav link marked aria-current (its own), and its <main>; and the running arena (started by
// `npm start`, so by wrangler's build) serves exactly these files.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { buildPages, fill } from "../../scripts/build-ui.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "pages-shell-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What each page must say, written out here rather than read from the build's table. */
const EXPECTED = [
  {
    file: "index.html",
    route: "/",
    title: "Arena · anonymous LLM battles",
    description: "Two anonymous language models answer your prompt side by side; vote for the better one.",
    script: "/assets/arena.js",
    main: '<main id="main">',
    body: "Loading the arena…",
  },
  {
    file: "compare.html",
    route: "/compare",
    title: "Side by side · Arena",
    description: "Compare two named language models side by side.",
    script: "/assets/compare.js",
    main: '<main id="main">',
    body: "Loading…",
  },
  {
    file: "chat.html",
    route: "/chat",
    title: "Chat · Arena",
    description: "Chat with one language model of the arena.",
    script: "/assets/chat.js",
    main: '<main id="main" class="narrow">',
    body: "Loading…",
  },
  {
    file: "leaderboard.html",
    route: "/leaderboard",
    title: "Leaderboard · Arena",
    description: "Bradley–Terry leaderboard of language models from anonymous human votes.",
    script: "/assets/leaderboard.js",
    main: '<main id="main">',
    body: "Loading the leaderboard…",
  },
  {
    file: "redteam.html",
    route: "/redteam",
    title: "Red Team · Arena",
    description:
      "Red Team Arena: one minute to make a named language model break its rules; boards of players, models and targets.",
    script: "/assets/redteam.js",
    main: '<main id="main" class="narrow">',
    body: "Loading the Red Team Arena…",
  },
  {
    file: "evals.html",
    route: "/evals",
    title: "Evaluations · Arena",
    description:
      "Automatic LLM-judge evaluations (Arena-Hard, MT-Bench): published suite results, judge score against the human leaderboard, and provider jobs.",
    script: "/assets/evals.js",
    main: '<main id="main">',
    body: "Loading the evaluations…",
  },
  {
    file: "about.html",
    route: "/about",
    title: "About · Arena",
    description:
      "How the arena's leaderboard is computed, which votes count, what every model provider tested, the open dataset and how to reproduce the leaderboard.",
    script: "/assets/about.js",
    main: '<main id="main" class="narrow">',
    body: "<h1>About the arena</h1>",
  },
];

const NAV = [
  ["/", "Arena"],
  ["/compare", "Side by side"],
  ["/chat", "Chat"],
  ["/leaderboard", "Leaderboard"],
  ["/redteam", "Red Team"],
  ["/evals", "Evals"],
  ["/about", "About"],
];

const between = (html: string, start: string, end: string) => {
  const i = html.indexOf(start);
  const j = html.indexOf(end, i);
  expect(i, start).toBeGreaterThanOrEqual(0);
  expect(j, end).toBeGreaterThan(i);
  return html.slice(i, j + end.length);
};
const count = (html: string, needle: string) => html.split(needle).length - 1;

describe("the pages built from ui/shell.html", () => {
  const files = buildPages(dir);
  const pages = Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), "utf8")]));

  it("are exactly the seven pages, with every placeholder filled", () => {
    expect([...files].sort()).toEqual(EXPECTED.map((p) => p.file).sort());
    for (const [file, html] of Object.entries(pages)) {
      expect(html.startsWith('<!doctype html>\n<html lang="en">\n'), file).toBe(true);
      expect(html.trimEnd().endsWith("</html>"), file).toBe(true);
      expect(html, file).not.toContain("{{");
    }
  });

  it("give each page its title, description, script and main", () => {
    for (const p of EXPECTED) {
      const html = pages[p.file]!;
      const head = between(html, "<head>", "</head>");
      expect(count(head, "<title>"), p.file).toBe(1);
      expect(head).toContain(`<title>${p.title}</title>`);
      expect(count(head, 'name="description"'), p.file).toBe(1);
      expect(head).toContain(`<meta name="description" content="${p.description}" />`);
      expect(count(head, "<script"), p.file).toBe(1);
      expect(head).toContain(`<script type="module" src="${p.script}"></script>`);
      expect(count(html, "<main"), p.file).toBe(1);
      expect(html).toContain(p.main);
      expect(between(html, "<main", "</main>")).toContain(p.body);
    }
    // The six scripted pages say what they need when JavaScript is off; about.html is readable without it.
    for (const p of EXPECTED.filter((e) => e.file !== "about.html")) {
      expect(between(pages[p.file]!, "<main", "</main>")).toContain("This page needs JavaScript.");
    }
  });

  it("share one head, header and footer; the nav marks exactly the page's own link", () => {
    const head = (html: string) =>
      between(html, "<head>", "</head>")
        .replace(/<title>.*<\/title>/, "")
        .replace(/<meta name="description" content="[^"]*" \/>/, "")
        .replace(/<script type="module" src="[^"]*"><\/script>/, "");
    const header = (html: string) =>
      between(html, '<a class="skip-link"', "</header>").replace(' aria-current="page"', "");
    const footer = (html: string) => between(html, '<footer class="site-footer">', "</footer>");
    const first = pages["index.html"]!;
    expect(head(first)).toContain('<link rel="stylesheet" href="/assets/app.css" />');
    expect(header(first)).toContain('<path d="M5 7h9v12H9.5L5 22.5zM27 7h-9v12h4.5l4.5 3.5z" fill="currentColor" />');
    expect(footer(first)).toContain('<a href="/about">methodology and policy</a>');
    for (const p of EXPECTED) {
      const html = pages[p.file]!;
      expect(head(html), p.file).toBe(head(first));
      expect(header(html), p.file).toBe(header(first));
      expect(footer(html), p.file).toBe(footer(first));
      const nav = between(html, '<nav class="site-nav" aria-label="Main">', "</nav>");
      const links = [...nav.matchAll(/<a href="([^"]*)"( aria-current="page")?>([^<]*)<\/a>/g)];
      expect(links.map((m) => [m[1], m[3]])).toEqual(NAV);
      expect(
        links.filter((m) => m[2]).map((m) => m[1]),
        p.file,
      ).toEqual([p.route]);
      expect(count(html, "aria-current"), p.file).toBe(1);
    }
  });

  it("are served as built by the running arena (wrangler's [build] wrote them)", async () => {
    const base = inject("arenaUrl");
    for (const p of [...EXPECTED, { ...EXPECTED[0]!, route: "/battle/0b5c0000-0000-4000-8000-000000000000" }]) {
      const res = await fetch(`${base}${p.route}`);
      expect(res.status, p.route).toBe(200);
      expect(await res.text(), p.route).toBe(pages[p.file]);
    }
  });
});

describe("fill, the shell's substitution", () => {
  it("fills text and attributes, drops an attribute whose value is empty, indents blocks outside <pre>", () => {
    const template = '<main class="{{c}}" id="{{id}}">\n  <!-- {{body}} -->\n</main>\n<p>{{t}}</p>';
    const body = "<p>\n  x\n</p>\n<pre>\n  a\nb</pre>\n<p>y</p>";
    expect(fill(template, { c: "", id: "m", body, t: "{{c}}" })).toBe(
      '<main id="m">\n  <p>\n    x\n  </p>\n  <pre>\n  a\nb</pre>\n  <p>y</p>\n</main>\n<p>{{c}}</p>',
    );
  });

  it("refuses a placeholder without a value", () => {
    expect(() => fill("<p>{{missing}}</p>", {})).toThrow("no value for {{missing}}");
  });
});
