// Invariant 5 end to end: votes flow through `npm start` (battle → queue → D1), the cron runs (/__scheduled), and
// the published /leaderboard.json validates against the JSON Schema kept in the repo; the ratings CLI run on
// /api/export/battles.jsonl reproduces every board exactly, and data.sha256 is the export's SHA-256.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, inject, it } from "vitest";

const base = inject("arenaUrl");
const root = path.resolve(import.meta.dirname, "../..");
const schema = JSON.parse(readFileSync(path.join(root, "shared/ratings/leaderboard.schema.json"), "utf8"));

const post = (p: string, body?: unknown) =>
  fetch(`${base}${p}`, { method: "POST", body: body === undefined ? undefined : JSON.stringify(body) });
const getBattle = async (id: string) => (await (await fetch(`${base}/api/battles/${id}`)).json()) as any;

// Prompts that land on different boards through the heuristic classifiers (issue 6): coding, another language,
// a short query, a two-turn conversation, plain English.
const conversations = [
  [`Tell me something about the number ${Math.random()}`],
  ["Write a Python function that reverses a list:\n```python\ndef rev(xs):\n    return xs[::-1]\n```\nand explain it."],
  ["Schreibe mir bitte ein kurzes Gedicht über den Herbst und die fallenden bunten Blätter im Wald."],
  ["hi"],
  ["What is the capital of Australia, and why was it chosen?", "And how many people live there today?"],
];

/** A voted anonymous battle; `public` is false when the pair held a private model (other test files on the same
 * `npm start` register some), which the public export rightly leaves out. */
async function votedBattle(winner: string, turns: string[]): Promise<{ id: string; public: boolean }> {
  const { id } = (await (await post("/api/battles", { mode: "anonymous" })).json()) as { id: string };
  for (const content of turns) await (await post(`/api/battles/${id}/messages`, { content })).text();
  const vote = await post(`/api/battles/${id}/vote`, { winner });
  expect(vote.status).toBe(200);
  const { models } = (await vote.json()) as { models: { a: { organization: string }; b: { organization: string } } };
  return { id, public: models.a.organization !== "undisclosed" && models.b.organization !== "undisclosed" };
}

describe("the published leaderboard", () => {
  it("is reproducible from its export with the ratings CLI", async () => {
    const winners = ["a", "b", "tie", "bothbad"];
    const voted = await Promise.all(
      Array.from({ length: 20 }, (_, i) => votedBattle(winners[i % 4]!, conversations[i % conversations.length]!)),
    );
    const ids = voted.map((v) => v.id);
    const publicIds = voted.filter((v) => v.public).map((v) => v.id);
    expect(publicIds.length).toBeGreaterThan(10);
    for (const id of ids) await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 15_000 }).toBe(true);

    const cron = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    expect(cron.status).toBe(200);
    await cron.text();

    // /__scheduled returned after publishing: the snapshot is there now.
    const res = await fetch(`${base}/leaderboard.json`);
    expect(res.status).toBe(200);
    const etag = res.headers.get("etag")!;
    expect(res.headers.get("cache-control")).toMatch(/max-age=\d+/);
    const published = (await res.json()) as any;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    const valid = ajv.validate(schema, published);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(published.data.battles).toBeGreaterThanOrEqual(20);
    expect(published.categories.overall.styleControl.coefficients).toHaveProperty("length");
    // Every board the data supports (categories from the classifiers, the dedup tags of the cron's maintenance,
    // the views), each raw and style-controlled.
    for (const board of ["overall", "coding", "multi_turn", "english", "non_english", "dedup", "no_tie", "no_short"]) {
      expect(published.categories[board], board).toBeDefined();
      expect(published.categories[board].models.length, board).toBeGreaterThan(0);
      expect(published.categories[board].styleControl, board).toBeDefined();
    }
    expect(Object.keys(published.categories).some((k) => k.startsWith("lang_"))).toBe(true);

    const notModified = await fetch(`${base}/leaderboard.json`, { headers: { "if-none-match": etag } });
    expect(notModified.status).toBe(304);

    // By snapshot id: npm start's own minute refresh may publish a newer snapshot meanwhile.
    const exported = await fetch(`${base}/api/export/battles.jsonl?snapshot=${encodeURIComponent(published.snapshot)}`);
    expect(exported.status).toBe(200);
    const text = await exported.text();
    expect(createHash("sha256").update(text).digest("hex")).toBe(published.data.sha256);
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(published.data.battles);
    for (const id of publicIds) expect(lines.some((l) => l.id === id)).toBe(true);
    const sorted = [...lines].sort((x, y) => x.tstamp - y.tstamp || (x.id < y.id ? -1 : 1));
    expect(lines.map((l) => l.id)).toEqual(sorted.map((l) => l.id));

    const dir = mkdtempSync(path.join(tmpdir(), "repro-"));
    try {
      const file = path.join(dir, "battles.jsonl");
      writeFileSync(file, text);
      // The metadata the snapshot froze beside its export (DESIGN section 14).
      const modelsRes = await fetch(
        `${base}/api/export/models.json?snapshot=${encodeURIComponent(published.snapshot)}`,
      );
      expect(modelsRes.status).toBe(200);
      const modelsFile = path.join(dir, "models.json");
      writeFileSync(modelsFile, await modelsRes.text());
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["scripts/ratings.mjs", "--models", modelsFile, file],
        { cwd: root },
      );
      const cli = JSON.parse(stdout);
      expect(cli.snapshot).toBe(published.snapshot);
      expect(cli.generatedAt).toBe(published.generatedAt);
      expect(cli.data.sha256).toBe(published.data.sha256);
      // Entries carry the frozen metadata (the demo models have price and size).
      expect(published.categories.overall.models.some((m: { pricing?: unknown }) => m.pricing)).toBe(true);
      expect(cli.method).toEqual(published.method);
      expect(JSON.stringify(cli.categories)).toBe(JSON.stringify(published.categories));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    // Every rated model has a history point for this snapshot.
    const model = published.categories.overall.models[0].model;
    const history = (await (await fetch(`${base}/api/leaderboard/history?model=${model}`)).json()) as any[];
    expect(history.some((h) => h.generatedAt === published.generatedAt)).toBe(true);
  });
});
