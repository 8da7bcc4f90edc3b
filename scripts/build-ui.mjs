#!/usr/bin/env node
// Builds the web UI: ui/ (TypeScript + CSS) → public/assets/ with esbuild, one ES module per page plus shared and
// lazy chunks (KaTeX on first math, Chart.js on /leaderboard only). public/*.html are committed; public/assets/ is
// build output (git-ignored). wrangler runs this as the `[build]` command before `wrangler dev` (so `npm start`
// and the end-to-end tests) and `wrangler deploy`, so a clean clone needs no separate step.
//   node scripts/build-ui.mjs            build once
//   node scripts/build-ui.mjs --metafile FILE   also write esbuild's metafile (bench/ui.mjs reads it)
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import * as esbuild from "esbuild";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const outdir = path.join(root, "public", "assets");

/** One entry per page; index.html (`/` and `/battle/:id`) loads `arena`. */
export const PAGE_ENTRIES = {
  arena: "ui/pages/arena.ts",
  compare: "ui/pages/compare.ts",
  chat: "ui/pages/chat.ts",
  leaderboard: "ui/pages/leaderboard.ts",
  about: "ui/pages/about.ts",
};

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
  console.log(`[build-ui] ${files} files in public/assets (${Date.now() - started} ms)`);
}
