#!/usr/bin/env node
// Builds the web UI into public/ (both git-ignored build output):
//   - public/assets/: ui/ (TypeScript + CSS) bundled by esbuild, one ES module per page plus shared and lazy chunks
//     (KaTeX on first math, Chart.js on /leaderboard only);
//   - public/*.html: the six pages, each ui/shell.html (head, brand, nav, footer) filled with its row of PAGES and
//     its main content from ui/pages/*.main.html.
// wrangler runs this as the `[build]` command before `wrangler dev` (so `npm start` and the end-to-end tests) and
// `wrangler deploy`, so a clean clone needs no separate step. The Workers-pool tests never serve pages.
//   node scripts/build-ui.mjs            build once
//   node scripts/build-ui.mjs --metafile FILE   also write esbuild's metafile (bench/ui.mjs reads it)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import * as esbuild from "esbuild";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const publicDir = path.join(root, "public");
export const outdir = path.join(publicDir, "assets");

/**
 * The pages. A page's key names its script (`/assets/<key>.js`, bundled from `entry`) and its link in the nav of
 * ui/shell.html, which gets aria-current="page". `main` is the file of its <main> content, filled with the same
 * values (so ui/pages/loading.main.html shows `loading`); `mainClass` is <main>'s class. index.html is also what `/`,
 * `/battle/:id` and any unknown path get (single-page-application fallback).
 */
export const PAGES = {
  arena: {
    file: "index.html",
    entry: "ui/pages/arena.ts",
    title: "Arena · anonymous LLM battles",
    description: "Two anonymous language models answer your prompt side by side; vote for the better one.",
    main: "ui/pages/loading.main.html",
    loading: "Loading the arena…",
  },
  compare: {
    file: "compare.html",
    entry: "ui/pages/compare.ts",
    title: "Side by side · Arena",
    description: "Compare two named language models side by side.",
    main: "ui/pages/loading.main.html",
    loading: "Loading…",
  },
  chat: {
    file: "chat.html",
    entry: "ui/pages/chat.ts",
    title: "Chat · Arena",
    description: "Chat with one language model of the arena.",
    mainClass: "narrow",
    main: "ui/pages/loading.main.html",
    loading: "Loading…",
  },
  leaderboard: {
    file: "leaderboard.html",
    entry: "ui/pages/leaderboard.ts",
    title: "Leaderboard · Arena",
    description: "Bradley–Terry leaderboard of language models from anonymous human votes.",
    main: "ui/pages/loading.main.html",
    loading: "Loading the leaderboard…",
  },
  redteam: {
    file: "redteam.html",
    entry: "ui/pages/redteam.ts",
    title: "Red Team · Arena",
    description:
      "Red Team Arena: one minute to make a named language model break its rules; boards of players, models and targets.",
    mainClass: "narrow",
    main: "ui/pages/loading.main.html",
    loading: "Loading the Red Team Arena…",
  },
  evals: {
    file: "evals.html",
    entry: "ui/pages/evals.ts",
    title: "Evaluations · Arena",
    description:
      "Automatic LLM-judge evaluations (Arena-Hard, MT-Bench): published suite results, judge score against the human leaderboard, and provider jobs.",
    main: "ui/pages/loading.main.html",
    loading: "Loading the evaluations…",
  },
  about: {
    file: "about.html",
    entry: "ui/pages/about.ts",
    title: "About · Arena",
    description:
      "How the arena's leaderboard is computed, which votes count, what every model provider tested, the open dataset and how to reproduce the leaderboard.",
    mainClass: "narrow",
    main: "ui/pages/about.main.html",
  },
};

/** One esbuild entry per page. */
export const PAGE_ENTRIES = Object.fromEntries(Object.entries(PAGES).map(([key, page]) => [key, page.entry]));

/** Indents every line of `html` by `pad`, except inside <pre>, whose text is shown as it is. */
function indent(html, pad) {
  let inPre = false;
  return html
    .split("\n")
    .map((line) => {
      const out = inPre || line === "" ? line : pad + line;
      if (/<pre[\s>]/.test(line)) inPre = true;
      if (line.includes("</pre>")) inPre = false;
      return out;
    })
    .join("\n");
}

const PLACEHOLDER = /^( *)<!-- \{\{([\w:]+)\}\} -->$|\s[\w-]+="\{\{([\w:]+)\}\}"|\{\{([\w:]+)\}\}/gm;

/**
 * Fills a template in one pass (a value is never scanned again):
 *   - a line holding only `<!-- {{key}} -->` becomes the value, indented like that line (outside <pre>);
 *   - an attribute whose whole value is `{{key}}` is left out when the value is "" (`class="{{mainClass}}"`);
 *   - any other `{{key}}` becomes the value.
 * Values are our own HTML and text and are inserted as they are, unescaped. A key without a value is an error.
 * @param {string} template
 * @param {Record<string, string | undefined>} values
 */
export function fill(template, values) {
  const value = (key) => {
    const v = values[key];
    if (v === undefined) throw new Error(`no value for {{${key}}}`);
    return v;
  };
  return template.replace(PLACEHOLDER, (match, pad, block, attr, text) => {
    if (block) return indent(value(block), pad);
    if (attr) return value(attr) === "" ? "" : match.replace(`{{${attr}}}`, value(attr));
    return value(text);
  });
}

/** The pages' HTML by file name (index.html, compare.html, …). */
export function renderPages() {
  const read = (file) => readFileSync(path.join(root, file), "utf8");
  const shell = read("ui/shell.html");
  const keys = Object.keys(PAGES);
  return Object.fromEntries(
    Object.entries(PAGES).map(([key, page]) => {
      const values = {
        ...page,
        script: key,
        mainClass: page.mainClass ?? "",
        ...Object.fromEntries(keys.map((k) => [`current:${k}`, k === key ? "page" : ""])),
      };
      values.main = fill(read(page.main), values).trimEnd();
      return [page.file, fill(shell, values)];
    }),
  );
}

/** Writes the pages into `dir` (public/ by default). */
export function buildPages(dir = publicDir) {
  const pages = renderPages();
  mkdirSync(dir, { recursive: true });
  for (const [file, html] of Object.entries(pages)) writeFileSync(path.join(dir, file), html);
  return Object.keys(pages);
}

/**
 * KaTeX's stylesheet lists woff2, woff and ttf for every font; every browser this UI supports takes woff2, so the
 * other two are dropped instead of being copied into the assets.
 * @returns {import("esbuild").Plugin}
 */
function woff2Only() {
  return {
    name: "katex-woff2-only",
    setup(build) {
      build.onLoad({ filter: /katex[\\/]dist[\\/][^\\/]+\.css$/ }, async (args) => ({
        contents: (await readFile(args.path, "utf8")).replace(
          /,\s*url\([^)]*\.(?:woff|ttf)\)\s*format\("(?:woff|truetype)"\)/g,
          "",
        ),
        loader: "css",
      }));
    },
  };
}

/** @type {import("esbuild").BuildOptions} */
export const buildOptions = {
  absWorkingDir: root,
  entryPoints: {
    ...PAGE_ENTRIES,
    app: "ui/styles/app.css",
    katex: "ui/styles/katex.css",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["es2022", "chrome111", "firefox111", "safari16.4"],
  minify: true,
  sourcemap: "linked",
  legalComments: "linked",
  chunkNames: "chunks/[name]-[hash]",
  assetNames: "fonts/[name]-[hash]",
  loader: { ".woff2": "file" },
  plugins: [woff2Only()],
  metafile: true,
  logLevel: "warning",
  charset: "utf8",
};

export async function buildUi({ metafile } = {}) {
  buildPages();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build(buildOptions);
  if (metafile) writeFileSync(metafile, JSON.stringify(result.metafile));
  return result;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--metafile");
  const started = Date.now();
  const result = await buildUi({ metafile: i > 0 ? process.argv[i + 1] : undefined });
  const files = Object.keys(result.metafile.outputs).filter((f) => !f.endsWith(".map")).length;
  const pages = Object.keys(PAGES).length;
  console.log(`[build-ui] ${pages} pages in public, ${files} files in public/assets (${Date.now() - started} ms)`);
}
