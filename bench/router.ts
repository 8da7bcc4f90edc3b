// Router benchmark figures (docs/routing.md): speed of the offline hashed embedder, training time and artifact size
// of every router, per-prompt scoring latency, and the synthetic APGR table. `npm run bench:router [-- N]`
// (N synthetic battles, default 20000). `--write FILE` also writes the synthetic conversations as JSONL.
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import {
  benchRouters,
  estimateWork,
  hashedEmbedder,
  loadRouter,
  ROUTER_NAMES,
  routerBattleFromRow,
  trainRouter,
  type RouterBattle,
} from "../shared/routing/index";
import { SYNTH_STRONG, SYNTH_WEAK, syntheticConversations } from "./router-synthetic";

const args = process.argv.slice(2);
const wi = args.indexOf("--write");
const writeTo = wi >= 0 ? args[wi + 1] : undefined;
const n = Number(args.find((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--write") ?? 20_000);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
console.log(`node ${process.version}, load average ${load()}, ${n} synthetic battles`);

const rows = syntheticConversations({ n, seed: 1 });
if (writeTo) {
  writeFileSync(writeTo, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  console.log(`wrote ${writeTo}`);
}
const battles = rows.map((r) => (routerBattleFromRow(r) as { ok: true; battle: RouterBattle }).battle);
const prompts = battles.map((b) => b.prompt);
const chars = prompts.reduce((s, p) => s + p.length, 0);

const embedder = hashedEmbedder();
await embedder.embed(prompts.slice(0, 500)); // warm-up
let t = performance.now();
const embeddings = await embedder.embed(prompts);
let ms = performance.now() - t;
console.log(
  `embed ${embedder.id}: ${n} prompts (mean ${(chars / n).toFixed(0)} chars) in ${ms.toFixed(0)} ms = ` +
    `${((ms * 1000) / n).toFixed(1)} µs/prompt, ${(((chars / ms) * 1000) / 1e6).toFixed(2)} M chars/s`,
);
const long = "Explain how a compiler turns source code into machine code. ".repeat(70).slice(0, 4000);
t = performance.now();
for (let i = 0; i < 200; i++) await embedder.embed([long + i]);
console.log(`embed a 4000-char prompt: ${((performance.now() - t) / 200).toFixed(2)} ms`);

for (const name of ROUTER_NAMES) {
  t = performance.now();
  const art = trainRouter(name, battles, embeddings, { strong: SYNTH_STRONG, weak: SYNTH_WEAK, embedder });
  const trainMs = performance.now() - t;
  const size = JSON.stringify(art).length;
  t = performance.now();
  const router = loadRouter(art);
  const loadMs = performance.now() - t;
  t = performance.now();
  const q = 50;
  for (let i = 0; i < q; i++) router.score(prompts[i]!, embeddings[i]!);
  const scoreMs = (performance.now() - t) / q;
  const work = estimateWork(name, n, embedder.dim);
  console.log(
    `${name.padEnd(10)} train ${trainMs.toFixed(0).padStart(6)} ms (estimateWork ${(work / 1e6).toFixed(0)} M units, ` +
      `${(work / 1e3 / Math.max(trainMs, 1)).toFixed(0)} k units/ms)` +
      `, artifact ${(size / 1e6).toFixed(2)} MB, load ${loadMs.toFixed(0)} ms, score ${scoreMs.toFixed(2)} ms/prompt`,
  );
}

t = performance.now();
const res = benchRouters(battles, embeddings, { strong: SYNTH_STRONG, weak: SYNTH_WEAK, embedder, seed: 0 });
console.log(`bench (train ${res.train}, test ${res.test}) in ${(performance.now() - t).toFixed(0)} ms, load ${load()}`);
for (const r of res.routers)
  console.log(`${r.router.padEnd(10)} APGR ${r.apgr.toFixed(3)} CPT ${JSON.stringify(r.cpt)}`);
