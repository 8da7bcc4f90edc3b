// The ratings CLI as a user runs it (`npm run --silent ratings -- [options] FILE`), on the real 135,634 LMArena
// votes and on small hand-made inputs: the MLE score equations, the category boards, determinism, and clear
// errors (never a stack trace) for bad input.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ratings, root } from "./run-ratings";

const dir = mkdtempSync(path.join(tmpdir(), "ratings-cli-"));
const golden = path.join(dir, "arena_140k_battles.csv");

/** Lowers the CLI's threshold for parsing on threads, so a test-sized JSONL file takes that path. */
const parallelParse = { RATINGS_PARALLEL_PARSE_MIN_BYTES: "0" };

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

beforeAll(() => {
  writeFileSync(golden, gunzipSync(readFileSync(path.join(root, "test/fixtures/golden/arena_140k_battles.csv.gz"))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ratings CLI on the real LMArena votes", () => {
  let board: any;
  beforeAll(async () => {
    const run = await ratings([golden]);
    expect(run.code).toBe(0);
    board = JSON.parse(run.stdout);
  }, 120_000);

  it("prints a leaderboard whose overall ratings satisfy the MLE score equations", () => {
    expect(board.schema).toBe("arena-leaderboard/v1");
    expect(board.data).toMatchObject({
      battles: 135_634,
      sha256: "452717c43c27499f630f07586f85c1b4bc57ca84ba66bcb3f0ac9f3559de6d6e",
    });
    const rating = new Map<string, number>(board.categories.overall.models.map((m: any) => [m.model, m.rating]));
    expect(rating.size).toBe(53);
    const observed = new Map<string, number>();
    const expected = new Map<string, number>();
    const battles = new Map<string, number>();
    const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    const lines = readFileSync(golden, "utf8").trim().split("\n").slice(1);
    for (const line of lines) {
      const [, , a, b, winner] = line.split(",");
      if (a === b) continue; // a self-battle adds the same to both sides of A's equation
      const pa = 1 / (1 + 10 ** ((rating.get(b!)! - rating.get(a!)!) / 400));
      const sa = winner === "model_a" ? 1 : winner === "model_b" ? 0 : 0.5;
      add(observed, a!, sa);
      add(observed, b!, 1 - sa);
      add(expected, a!, pa);
      add(expected, b!, 1 - pa);
      add(battles, a!, 1);
      add(battles, b!, 1);
    }
    for (const [model, n] of battles) {
      expect(Math.abs(expected.get(model)! - observed.get(model)!)).toBeLessThan(1e-6 * n);
    }
    const mean = [...rating.values()].reduce((s, r) => s + r, 0) / rating.size;
    expect(mean).toBeCloseTo(1000, 4);
  });

  it("builds each category board from the CSV flags, ranks from intervals, and keeps self-battles", () => {
    expect(board.categories.hard_prompts.battles).toBe(50_884);
    expect(board.categories.math.battles).toBe(10_892);
    expect(board.categories.creative_writing.battles).toBe(11_587);
    expect(board.categories.instruction_following.battles).toBe(24_666);
    const models = board.categories.overall.models;
    for (const m of models) {
      const above = models.filter((o: any) => o.ci[0] > m.ci[1]).length;
      expect(m.rank).toBe(1 + above);
    }
    // 10 self-battles of gemini-2.5-flash-preview-04-17 count twice toward its votes.
    const self = readFileSync(golden, "utf8")
      .split("\n")
      .filter((l) => l.includes("gemini-2.5-flash-preview-04-17,gemini-2.5-flash-preview-04-17,"));
    expect(self).toHaveLength(10);
    const total = readFileSync(golden, "utf8")
      .split("\n")
      .filter((l) => l.split(",").slice(2, 4).includes("gemini-2.5-flash-preview-04-17")).length;
    expect(models.find((m: any) => m.model === "gemini-2.5-flash-preview-04-17").votes).toBe(total + 10);
  });

  it("is deterministic for a seed, and seeds move intervals only a little", async () => {
    const again = await ratings(["--category", "overall", golden]);
    const once = await ratings(["--category", "overall", golden]);
    expect(again.stdout).toBe(once.stdout);
    const other = JSON.parse((await ratings(["--category", "overall", "--seed", "7", golden])).stdout);
    const first = JSON.parse(once.stdout);
    for (const m of first.categories.overall.models.filter((x: any) => x.votes >= 3000)) {
      const o = other.categories.overall.models.find((x: any) => x.model === m.model);
      expect(o.rating).toBe(m.rating);
      expect(Math.abs(o.ci[0] - m.ci[0])).toBeLessThan(6);
      expect(Math.abs(o.ci[1] - m.ci[1])).toBeLessThan(6);
    }
  }, 120_000);
});

describe("ratings CLI: provisional models", () => {
  it("six battles, every model its own strongly connected component: all five provisional, gazette too", async () => {
    // gazette won its three battles and lost none; no two models beat each other both ways.
    const rows = [
      ["gazette", "alpha", "model_a"],
      ["gazette", "beta", "model_a"],
      ["coda", "gazette", "model_b"],
      ["alpha", "beta", "model_a"],
      ["beta", "delta", "model_a"],
      ["coda", "delta", "model_a"],
    ];
    const lines = rows.map(([a, b, w], i) =>
      JSON.stringify({ id: `six-${i + 1}`, tstamp: 1_700_000_000 + i, model_a: a, model_b: b, winner: w }),
    );
    const run = await ratings([write("six.jsonl", `${lines.join("\n")}\n`)]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.data.battles).toBe(6);
    expect(out.method.ridge).toBeGreaterThan(0);
    const overall = out.categories.overall;
    expect(overall.models.map((m: any) => m.model)[0]).toBe("gazette");
    for (const m of overall.models) expect(m.provisional, m.model).toBe(true);
    expect([...overall.method.provisional].sort()).toEqual(["alpha", "beta", "coda", "delta", "gazette"]);
    // The rule is stated in the JSON (the ridge alone does not say which models it holds up).
    expect(out.method.identification).toMatchObject({ rule: "main-strongly-connected-component", minModels: 2 });
  });
});

describe("ratings CLI on bad input", () => {
  const header = "model_a,model_b,winner\n";
  const cases: [string, string, RegExp][] = [
    ["unknown-winner.csv", `${header}x,y,model_a\nx,y,nobody\n`, /line 3: unknown winner "nobody"/],
    ["missing-column.csv", "model_a,winner\nx,model_a\n", /model_b/],
    ["empty.csv", "", /no battles/],
    ["empty-model.csv", `${header}x,y,tie\n,y,model_b\n`, /line 3: .*model_a/],
    ["bad.jsonl", '{"model_a":"x","model_b":"y","winner":"tie"}\n{"model_a":"x",\n', /line 2/],
  ];
  it.each(cases)("%s: a clear message on stderr, exit 1, no stack trace", async (name, text, message) => {
    const run = await ratings([write(name, text)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("--skip-invalid skips malformed rows and says how many", async () => {
    const run = await ratings([
      "--skip-invalid",
      "--bootstrap",
      "0",
      write("mixed.csv", `${header}x,y,model_a\nx,y,nobody\ny,x,tie\n`),
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).data.battles).toBe(2);
    expect(run.stderr).toMatch(/skipped 1 /);
  });

  it("bad options are a usage error (exit 2)", async () => {
    const file = write("ok.csv", `${header}x,y,model_a\ny,x,model_a\n`);
    for (const args of [
      ["--bootstrap", "-1", file],
      ["--anchor", "x", file],
      ["--ci", "magic", file],
      [],
      [path.join(dir, "nope.txt")],
    ]) {
      const run = await ratings(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^ratings: /);
    }
  });

  it("reads JSONL and FastChat JSON to the same ratings as CSV", async () => {
    const rows = [
      ["x", "y", "model_a"],
      ["y", "z", "tie"],
      ["z", "x", "model_b"],
      ["x", "z", "tie (bothbad)"],
      ["y", "x", "model_b"],
    ];
    const csv = write("same.csv", header + rows.map((r) => r.join(",")).join("\n"));
    const objects = rows.map(([a, b, w]) => ({ model_a: a, model_b: b, winner: w }));
    const jsonl = write("same.jsonl", objects.map((o) => JSON.stringify(o)).join("\n"));
    const json = write("same.json", JSON.stringify(objects));
    const out = await Promise.all([csv, jsonl, json].map((f) => ratings(["--bootstrap", "0", f])));
    const boards = out.map((o) => JSON.parse(o.stdout).categories.overall.models);
    expect(boards[1]).toEqual(boards[0]);
    expect(boards[2]).toEqual(boards[0]);
  });

  it("style control: the same bytes with 1 or 2 threads, and coefficients with intervals", async () => {
    const models = ["alpha", "beta", "gamma", "delta"];
    const winners = ["model_a", "model_b", "tie", "tie (bothbad)"];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const side = (s: "a" | "b", verbose: number) => ({
      [`sum_assistant_${s}_tokens`]: Math.round(100 * verbose * (0.5 + rand())),
      [`header_count_${s}`]: { h1: Math.floor(rand() * 3), h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
      [`list_count_${s}`]: { ordered: Math.floor(rand() * 4), unordered: 0 },
      [`bold_count_${s}`]: { "**": Math.floor(rand() * 3), __: 0 },
    });
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const a = Math.floor(rand() * 4);
      const b = (a + 1 + Math.floor(rand() * 3)) % 4;
      return JSON.stringify({
        id: `r${i}`,
        tstamp: 1000 + i,
        model_a: models[a],
        model_b: models[b],
        winner: winners[Math.floor(rand() * 4)],
        conv_metadata: { sum_user_tokens: 12, ...side("a", a + 1), ...side("b", b + 1), turns: 1 },
      });
    });
    const file = write("style.jsonl", lines.join("\n"));
    const one = await ratings(["--threads", "1", "--bootstrap", "40", file]);
    const two = await ratings(["--threads", "2", "--bootstrap", "40", file]);
    // The file parsed on two threads too (the threshold lowered so a small file takes that path).
    const parsedOnTwo = await ratings(["--threads", "2", "--bootstrap", "40", file], parallelParse);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(parsedOnTwo.stdout).toBe(one.stdout);
    const style = JSON.parse(one.stdout).categories.overall.styleControl;
    expect(Object.keys(style.coefficients)).toEqual(["length", "header", "list", "bold"]);
    for (const [name, [lo, hi]] of Object.entries(style.coefficientsCi) as [string, [number, number]][]) {
      expect(lo).toBeLessThanOrEqual(style.coefficients[name]);
      expect(hi).toBeGreaterThanOrEqual(style.coefficients[name]);
    }
    expect(style.models).toHaveLength(4);
  });
});

describe("ratings CLI: a JSONL file parsed on two threads", () => {
  it("says what the one-thread parse says about a bad line and about skipped rows", async () => {
    const good = (i: number) => JSON.stringify({ id: `g${i}`, model_a: `m${i % 7}`, model_b: "z", winner: "model_a" });
    const lines = Array.from({ length: 4000 }, (_, i) => good(i));
    lines[3100] = '{"model_a": "m1", "model_b": "z", "winner": "nobody"}';
    lines[3500] = JSON.stringify({ model_a: "m2", model_b: "z", winner: "tie", excluded_reason: "leaked_identity" });
    const file = write("threads-bad.jsonl", lines.join("\n"));
    const one = await ratings(["--threads", "1", "--bootstrap", "0", file]);
    const two = await ratings(["--threads", "2", "--bootstrap", "0", file], parallelParse);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain("line 3101:");
    expect([two.code, two.stderr]).toEqual([one.code, one.stderr]);
    const skipOne = await ratings(["--threads", "1", "--bootstrap", "0", "--skip-invalid", file]);
    const skipTwo = await ratings(["--threads", "2", "--bootstrap", "0", "--skip-invalid", file], parallelParse);
    const counts = (stderr: string) => stderr.split("\n").filter((l) => l.includes("skipped"));
    expect(counts(skipOne.stderr)).toEqual(["ratings: skipped 1 invalid:unknown_winner, 1 excluded:leaked_identity"]);
    expect(counts(skipTwo.stderr)).toEqual(counts(skipOne.stderr));
    expect(skipTwo.stdout).toBe(skipOne.stdout);
  });
});

describe("ratings CLI: --style-features (style control v2, emoji)", () => {
  // Four equally strong models; each answer has 0–6 emoji and the side with more emoji wins more often
  // (logit 2·d, d = (a − b)/(a + b + 1)); the first 400 rows predate emoji counting (no emoji_count_a/b).
  const models = ["alpha", "beta", "gamma", "delta"];
  let seed = 11;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const counts = (s: "a" | "b") => ({
    [`sum_assistant_${s}_tokens`]: 80 + Math.floor(rand() * 200),
    [`header_count_${s}`]: { h1: Math.floor(rand() * 2), h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 },
    [`list_count_${s}`]: { ordered: Math.floor(rand() * 3), unordered: 0 },
    [`bold_count_${s}`]: { "**": Math.floor(rand() * 2), __: 0 },
  });
  const rows = Array.from({ length: 3400 }, (_, i) => {
    const a = Math.floor(rand() * 4);
    const b = (a + 1 + Math.floor(rand() * 3)) % 4;
    const ea = Math.floor(rand() * 7);
    const eb = Math.floor(rand() * 7);
    const p = 1 / (1 + Math.exp(-2 * ((ea - eb) / (ea + eb + 1))));
    const u = rand();
    const winner = u < 0.1 ? "tie" : rand() < p ? "model_a" : "model_b";
    const meta = { sum_user_tokens: 20, ...counts("a"), ...counts("b"), turns: 1 };
    return {
      id: `e${i}`,
      tstamp: 2000 + i,
      model_a: models[a],
      model_b: models[b],
      winner,
      conv_metadata: i < 400 ? meta : { ...meta, emoji_count_a: ea, emoji_count_b: eb },
    };
  });
  const withoutEmoji = rows.map((r) => {
    const { emoji_count_a: _a, emoji_count_b: _b, ...meta } = r.conv_metadata as Record<string, unknown>;
    return { ...r, conv_metadata: meta };
  });
  const jsonl = (rs: unknown[]) => rs.map((r) => JSON.stringify(r)).join("\n");
  let file: string;
  let plain: string;
  beforeAll(() => {
    file = write("emoji.jsonl", jsonl(rows));
    plain = write("emoji-stripped.jsonl", jsonl(withoutEmoji));
  });
  /** The output without the fields that name the input file (its hash and the snapshot id made from it). */
  const content = (stdout: string) => {
    const j = JSON.parse(stdout);
    delete j.snapshot;
    delete j.data.sha256;
    return JSON.stringify(j);
  };

  it("without the flag, emoji counts in the input change nothing: the default four features, same bytes", async () => {
    const [run, explicit, stripped] = await Promise.all([
      ratings(["--bootstrap", "20", file]),
      ratings(["--bootstrap", "20", "--style-features", "bold,length,list,header", file]),
      ratings(["--bootstrap", "20", plain]),
    ]);
    expect(run.code).toBe(0);
    expect(explicit.stdout).toBe(run.stdout);
    expect(content(run.stdout)).toBe(content(stripped.stdout));
    const json = JSON.parse(run.stdout);
    expect(json.method.styleControl.features).toEqual(["length", "header", "list", "bold"]);
    expect(Object.keys(json.categories.overall.styleControl.coefficients)).toEqual([
      "length",
      "header",
      "list",
      "bold",
    ]);
    expect(json.categories.overall.styleControl.battles).toBe(3400);
  });

  it("with emoji: the coefficient is positive, reported with its interval, over the rows that have counts", async () => {
    const run = await ratings(["--bootstrap", "40", "--style-features", "length,header,list,bold,emoji", file]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.method.styleControl).toEqual({ features: ["length", "header", "list", "bold", "emoji"], l2: 0.5 });
    const style = json.categories.overall.styleControl;
    expect(Object.keys(style.coefficients)).toEqual(["length", "header", "list", "bold", "emoji"]);
    // Rows from before emoji were counted are left out of the style fit (NaN, like rows without counts).
    expect(style.battles).toBe(3000);
    expect(style.coefficients.emoji).toBeGreaterThan(0.3);
    const [lo, hi] = style.coefficientsCi.emoji;
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeGreaterThanOrEqual(style.coefficients.emoji);
    // The planted effect is on emoji alone: the other features stay near zero.
    for (const f of ["length", "header", "list", "bold"]) expect(Math.abs(style.coefficients[f])).toBeLessThan(0.15);
    // The raw boards do not depend on the style features.
    const plainRun = JSON.parse((await ratings(["--bootstrap", "40", file])).stdout);
    expect(json.categories.overall.models).toEqual(plainRun.categories.overall.models);
    // And the output validates against the leaderboard schema.
    const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/leaderboard.schema.json"), "utf8"));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    expect(ajv.validate(schema, json), JSON.stringify(ajv.errors)).toBe(true);
  });

  it("asks for emoji on data without emoji counts: says so on stderr and uses the four", async () => {
    const run = await ratings(["--bootstrap", "0", "--style-features", "length,header,list,bold,emoji", plain]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/no row has counts for style feature emoji/);
    expect(JSON.parse(run.stdout).method.styleControl.features).toEqual(["length", "header", "list", "bold"]);
  });

  it("bad --style-features values are a usage error (exit 2) naming the problem", async () => {
    for (const [value, message] of [
      ["length,sparkle", /unknown style feature "sparkle"/],
      ["emoji,emoji", /given twice/],
      ["length,,bold", /comma-separated list/],
    ] as const) {
      const run = await ratings(["--style-features", value, file]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^ratings: --style-features: /);
      expect(run.stderr).toMatch(message);
    }
    const missing = await ratings([file, "--style-features"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--style-features needs a value/);
  });
});
