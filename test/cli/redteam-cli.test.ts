// `npm run --silent ratings -- --redteam FILE` as a user runs it (DESIGN section 11): it prints buildRedteamJson's
// output byte for byte (the function the cron publishes /redteam.json with), reproduces a published board exactly
// from its export with --meta, validates against shared/ratings/redteam.schema.json, and names a bad line.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { buildRedteamJson, redteamJsonText, type RedteamRow } from "../../shared/ratings/redteam";
import { scriptedGames } from "../ratings/redteam/helpers";
import { ratings, root } from "./run-ratings";

const dir = mkdtempSync(path.join(tmpdir(), "redteam-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};
const exportText = (rows: RedteamRow[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/redteam.schema.json"), "utf8"));
const validate = (value: unknown) => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.validate(schema, value);
  return ajv.errors ?? [];
};

describe("ratings --redteam", () => {
  const { rows } = scriptedGames({ players: 20, models: 6, targets: 12, games: 600, seed: 3 });
  const text = exportText(rows);
  const file = write("redteam.jsonl", text);

  it("prints buildRedteamJson's output byte for byte, valid against the schema", async () => {
    const run = await ratings(["--redteam", file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^ratings: redteam: 600 games, 20 players, 6 models, 12 targets in /);
    const latest = Math.max(...rows.map((r) => r.tstamp));
    const expected = redteamJsonText(
      buildRedteamJson(rows, {
        snapshot: `cli-${sha256(text).slice(0, 12)}`,
        generatedAt: new Date(latest * 1000).toISOString(),
        sha256: sha256(text),
      }),
    );
    expect(run.stdout).toBe(expected);
    expect(validate(JSON.parse(run.stdout))).toEqual([]);
  }, 60_000);

  it("reproduces a published board exactly from its export and --meta (the published file)", async () => {
    // What the cron publishes: the export's sha256, its own snapshot id and time, handles and display names from D1.
    const handles = Object.fromEntries([...new Set(rows.map((r) => r.player))].map((id, k) => [id, `handle_${k}`]));
    const modelNames = Object.fromEntries([...new Set(rows.map((r) => r.model))].map((id) => [id, `Name of ${id}`]));
    const published = redteamJsonText(
      buildRedteamJson(rows, {
        snapshot: "2026-12-03T12-00-00Z",
        generatedAt: "2026-12-03T12:00:00.123Z",
        sha256: sha256(text),
        handles,
        modelNames,
      }),
    );
    expect(validate(JSON.parse(published))).toEqual([]);
    const run = await ratings(["--redteam", file, "--meta", write("published.json", published)]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(published);
    // The plain meta shape gives the same bytes.
    const meta = write(
      "meta.json",
      JSON.stringify({
        snapshot: "2026-12-03T12-00-00Z",
        generatedAt: "2026-12-03T12:00:00.123Z",
        handles,
        modelNames,
      }),
    );
    expect((await ratings(["--redteam", file, "--meta", meta])).stdout).toBe(published);
  }, 60_000);

  it("small inputs (no games, one game) print valid JSON", async () => {
    for (const [name, body] of [
      ["empty.jsonl", ""],
      ["one.jsonl", exportText(rows.slice(0, 1))],
    ] as const) {
      const run = await ratings(["--redteam", write(name, body)]);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toMatch(/NaN|Infinity/);
      expect(validate(JSON.parse(run.stdout))).toEqual([]);
    }
  }, 60_000);

  it("stops at a bad line with its number, and rejects battle-board options", async () => {
    const bad = write("bad.jsonl", `${JSON.stringify(rows[0])}\n${JSON.stringify({ ...rows[1], outcome: "tie" })}\n`);
    const run = await ratings(["--redteam", bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`ratings: line 2: "outcome" must be "win", "loss" or "forfeit" (got "tie")\n`);
    const usage = await ratings(["--redteam", file, "--ipw"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--ipw cannot be used with --redteam/);
  }, 60_000);
});
