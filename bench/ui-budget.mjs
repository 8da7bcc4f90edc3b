// The web UI's JavaScript, page by page, as the browser downloads it: the page's entry module plus every chunk it
// imports statically (loaded at once), and the chunks it may import later (KaTeX on the first formula, the battle
// view on /battle/:id, Chart.js on /leaderboard). Sizes are gzip (level 6, what servers typically send); the
// build is done in memory with the production options of scripts/build-ui.mjs, so nothing on disk changes.
import path from "node:path";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { buildOptions, PAGE_ENTRIES, root } from "../scripts/build-ui.mjs";

/** The battle page's budget (issue 5): all JavaScript it can load, in gzipped bytes. */
export const BATTLE_PAGE_BUDGET = 200 * 1024;

/**
 * @returns {Promise<{ page: string, initial: { files: string[], raw: number, gzip: number },
 *   lazy: { files: string[], raw: number, gzip: number }, total: number }[]>}
 */
export async function measureBundles() {
  const result = await esbuild.build({ ...buildOptions, write: false, logLevel: "silent" });
  const outputs = result.metafile.outputs;
  const bytes = new Map(
    result.outputFiles.map((f) => [path.relative(root, f.path).split(path.sep).join("/"), f.contents]),
  );
  const gz = new Map();
  const gzipOf = (file) => {
    if (!gz.has(file)) gz.set(file, gzipSync(bytes.get(file), { level: 6 }).length);
    return gz.get(file);
  };

  /** Files reachable from `start` through imports of the given kinds. */
  const closure = (start, kinds) => {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length) {
      const file = queue.shift();
      for (const imp of outputs[file]?.imports ?? []) {
        if (!kinds.includes(imp.kind) || seen.has(imp.path) || !imp.path.endsWith(".js")) continue;
        seen.add(imp.path);
        queue.push(imp.path);
      }
    }
    return seen;
  };

  return Object.entries(PAGE_ENTRIES).map(([page, entry]) => {
    const out = Object.keys(outputs).find((o) => outputs[o].entryPoint === entry && o.endsWith(".js"));
    if (!out) throw new Error(`no output for ${entry}`);
    const initial = closure(out, ["import-statement"]);
    // Everything the page could ever load: follow dynamic imports too, then each of their static imports.
    const all = closure(out, ["import-statement", "dynamic-import"]);
    const lazy = [...all].filter((f) => !initial.has(f));
    const sum = (files, f) => files.reduce((s, x) => s + f(x), 0);
    const pack = (files) => ({
      files: files.sort(),
      raw: sum(files, (x) => bytes.get(x).length),
      gzip: sum(files, gzipOf),
    });
    const i = pack([...initial]);
    const l = pack(lazy);
    return { page, initial: i, lazy: l, total: i.gzip + l.gzip };
  });
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
