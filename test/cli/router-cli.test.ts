// The router CLI as a user runs it (`npm run --silent router -- bench|train|route …`, i.e. node scripts/router.mjs):
// the bench JSON shape of DESIGN section 12 on our conversations export and on the 55k format, the SVG plot,
// train → route, determinism, and clear errors with non-zero exits. Inputs come from bench/router-synthetic.ts.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { SYNTH_STRONG, SYNTH_WEAK, syntheticConversations } from "../../bench/router-synthetic";
import { root } from "./run-ratings";

async function router(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/router.mjs", ...args], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(path.join(tmpdir(), "router-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

const rows = syntheticConversations({ n: 1500, seed: 21 });
// Our export rows: the generator's ground-truth fields (topic, long) are not part of the export.
const exportFile = write(
  "conversations.jsonl",
  rows.map(({ topic: _t, long: _l, ...r }) => JSON.stringify(r)).join("\n") + "\n",
);
// The same battles as lmsys-arena-human-preference-55k rows.
const kaggleFile = write(
  "55k.jsonl",
  rows
    .map((r, i) =>
      JSON.stringify({
        id: i,
        model_a: r.model_a,
        model_b: r.model_b,
        prompt: JSON.stringify([r.conversation_a[0]!.content]),
        response_a: JSON.stringify([r.conversation_a[1]!.content]),
        response_b: JSON.stringify([r.conversation_b[1]!.content]),
        winner_model_a: r.winner === "model_a" ? 1 : 0,
        winner_model_b: r.winner === "model_b" ? 1 : 0,
        winner_tie: r.winner === "tie" ? 1 : 0,
      }),
    )
    .join("\n") + "\n",
);
const pairArgs = ["--strong", SYNTH_STRONG, "--weak", SYNTH_WEAK];

describe("router bench", () => {
  let out: any;
  it("prints arena-router-bench/v1 for every router and writes the plot", async () => {
    const svg = path.join(dir, "plot.svg");
    const run = await router(["bench", exportFile, ...pairArgs, "--seed", "3", "--plot", svg]);
    expect(run.stderr).toMatch(/embedded 1500 prompts/);
    expect(run.code).toBe(0);
    out = JSON.parse(run.stdout);
    expect(Object.keys(out)).toEqual(["schema", "strong", "weak", "train", "test", "routers"]);
    expect(out.schema).toBe("arena-router-bench/v1");
    expect(out.routers.map((r: any) => r.router)).toEqual(["random", "category", "sw_ranking", "mf", "p2l"]);
    for (const r of out.routers) {
      expect(Object.keys(r)).toEqual(["router", "apgr", "cpt", "curve"]);
      expect(Object.keys(r.cpt)).toEqual(["20", "50", "80"]);
      expect(r.curve).toHaveLength(11);
    }
    const best = Math.max(...out.routers.filter((r: any) => r.router !== "random").map((r: any) => r.apgr));
    expect(best).toBeGreaterThanOrEqual(0.62);
    const text = readFileSync(svg, "utf8");
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text.match(/<polyline /g)).toHaveLength(5);
  });
  it("reads the 55k format to the same result, and is deterministic for a seed", async () => {
    const run = await router(["bench", kaggleFile, ...pairArgs, "--seed", "3"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(out);
  });
  it("honours --test-share and --routers", async () => {
    const run = await router(["bench", exportFile, ...pairArgs, "--test-share", "0.5", "--routers", "random,mf"]);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.stdout);
    expect(r.routers.map((x: any) => x.router)).toEqual(["random", "mf"]);
    expect(r.train).toBeLessThan(out.train);
  });
});

describe("router train and route", () => {
  it("trains an artifact and routes prompts with it", async () => {
    const art = path.join(dir, "mf.json");
    const run = await router([
      "train",
      exportFile,
      ...pairArgs,
      "--router",
      "mf",
      "--out",
      art,
      "--trained-at",
      "2026-12-01T00:00:00Z",
    ]);
    expect(run.code).toBe(0);
    const a = JSON.parse(readFileSync(art, "utf8"));
    expect(a).toMatchObject({ schema: "arena-router/v1", router: "mf", strong: SYNTH_STRONG, weak: SYNTH_WEAK });
    expect(a.trainedAt).toBe("2026-12-01T00:00:00Z");
    expect(a.embedder).toEqual({ id: "hashed-ngram-v1-256", dim: 256 });
    const code = await router([
      "route",
      "--artifact",
      art,
      "--threshold",
      "0.5",
      "Write a Python function that sorts a linked list",
    ]);
    const hi = await router(["route", "--artifact", art, "--threshold", "0.5", "hi"]);
    expect(code.code).toBe(0);
    const c = JSON.parse(code.stdout);
    const h = JSON.parse(hi.stdout);
    expect(Object.keys(c)).toEqual(["router", "score", "threshold", "to"]);
    expect(c.score).toBeGreaterThan(h.score);
    const always = await router(["route", "--artifact", art, "--threshold", "0", "hi"]);
    expect(JSON.parse(always.stdout).to).toBe(SYNTH_STRONG);
    const never = await router(["route", "--artifact", art, "--threshold", "1", "hi"]);
    expect(JSON.parse(never.stdout).to).toBe(SYNTH_WEAK);
  });
});

describe("router CLI errors", () => {
  const cases: [string, string[], number, RegExp][] = [
    ["no subcommand", [], 2, /a subcommand is required/],
    ["unknown subcommand", ["rank", exportFile], 2, /unknown subcommand "rank"/],
    ["missing --weak", ["bench", exportFile, "--strong", SYNTH_STRONG], 2, /bench needs --weak/],
    ["same pair", ["bench", exportFile, "--strong", "x", "--weak", "x"], 2, /must differ/],
    [
      "bad test share",
      ["bench", exportFile, ...pairArgs, "--test-share", "1.5"],
      2,
      /--test-share must be in \(0, 1\)/,
    ],
    ["bad seed", ["bench", exportFile, ...pairArgs, "--seed", "-1"], 2, /--seed must be an integer >= 0/],
    ["unknown router", ["bench", exportFile, ...pairArgs, "--routers", "mf,bert"], 2, /unknown router "bert"/],
    ["unknown option", ["bench", exportFile, ...pairArgs, "--fast"], 2, /unknown option --fast/],
    ["missing file", ["bench", path.join(dir, "nope.jsonl"), ...pairArgs], 1, /cannot read .*nope\.jsonl/],
    [
      "model not in file",
      ["bench", exportFile, "--strong", "gpt-9", "--weak", SYNTH_WEAK],
      1,
      /"gpt-9" is in no battle/,
    ],
    ["train without --out", ["train", exportFile, ...pairArgs, "--router", "mf"], 2, /train needs --out/],
    [
      "bad threshold",
      ["route", "--artifact", "x.json", "--threshold", "abc", "hi"],
      2,
      /--threshold must be a number in \[0, 1\]/,
    ],
    [
      "bad artifact",
      ["route", "--artifact", exportFile, "--threshold", "0.5", "hi"],
      1,
      /cannot read artifact|not an arena-router\/v1/,
    ],
  ];
  for (const [name, args, code, message] of cases) {
    it(name, async () => {
      const run = await router(args);
      expect(run.code).toBe(code);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }
  it("names the line of a malformed row, or skips it with --skip-invalid", async () => {
    const bad = write("bad.jsonl", readFileSync(exportFile, "utf8").split("\n").slice(0, 400).join("\n") + "\n{oops\n");
    const run = await router(["bench", bad, ...pairArgs]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.jsonl:401: not valid JSON/);
    const skip = await router(["bench", bad, ...pairArgs, "--skip-invalid", "--routers", "random"]);
    expect(skip.code).toBe(0);
    expect(skip.stderr).toMatch(/skipped 1 invalid rows/);
  });
});
