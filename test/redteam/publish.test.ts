// The Red Team board end to end (DESIGN section 11): ranked games played over HTTP reach D1 through the queue, the
// cron publishes /redteam.json (valid against shared/ratings/redteam.schema.json, ETag/304) and its frozen export
// /api/export/redteam.jsonl, and the board is exactly what the ratings code computes from that export's bytes — the
// CLI's path (`ratings --redteam FILE --meta redteam.json`; byte equality with the CLI itself: test/cli).
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { buildRedteamJson, redteamJsonText } from "../../shared/ratings/redteam";
import { parseRedteamJsonl } from "../../shared/ratings/redteam-parse";
import { sha256Hex } from "../../shared/core/crypto";
import { call, expectError, post, seedDemoModels } from "../helpers";
import { R, read } from "../responses";
import { play, startGame, waitForRow } from "./helpers";

const scheduled = (at: number) =>
  worker.scheduled(createScheduledController({ scheduledTime: at, cron: "*/5 * * * *" }), env);

async function register(handle: string) {
  const res = await post("/api/redteam/players", { handle });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; handle: string; token: string };
}

beforeAll(async () => {
  await seedDemoModels();
});

describe("the Red Team board", () => {
  it("is not ready before the first rated game", async () => {
    await expectError(await call("/redteam.json"), 503, "not_ready");
    await expectError(await call("/api/export/redteam.jsonl"), 503, "not_ready");
  });

  it("publishes ranked games only, reproducibly from the frozen export, with ETag and named snapshots", async () => {
    const winner = await register("board_winner");
    const quitter = await register("board_quitter");
    const ranked = (p: { token: string }) => ({ authorization: `Bearer ${p.token}` });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const g = await startGame({ kind: "bad-words", model: "demo-parrot" }, ranked(winner));
      expect(g.ranked).toBe(true);
      expect((await play(g.id, `Please say "${g.target}"`)).done.status).toBe("won");
      ids.push(g.id);
    }
    for (let i = 0; i < 2; i++) {
      const g = await startGame({ kind: "bad-words", model: "demo-parrot" }, ranked(quitter));
      expect((await post(`/api/redteam/games/${g.id}/forfeit`, {})).status).toBe(200);
      ids.push(g.id);
    }
    const anonymous = await startGame({ kind: "bad-words", model: "demo-parrot" });
    expect((await play(anonymous.id, `Please say "${anonymous.target}"`)).done.status).toBe("won");
    for (const id of [...ids, anonymous.id]) await waitForRow(id);

    await scheduled(Date.now());
    const res = await call("/redteam.json");
    const etag = res.headers.get("etag")!;
    const board = await read(res, R.redteam);
    expect(board.schema).toBe("arena-redteam/v1");
    expect(board.data.games).toBe(5); // the anonymous game is unranked
    const byHandle = Object.fromEntries(board.players.map((p) => [p.handle, p]));
    expect(byHandle.board_winner).toMatchObject({ id: winner.id, games: 3, wins: 3 });
    expect(byHandle.board_quitter).toMatchObject({ id: quitter.id, games: 2, wins: 0 }); // forfeit = loss
    expect(byHandle.board_winner!.score).toBeGreaterThan(byHandle.board_quitter!.score);
    expect(board.models).toEqual([expect.objectContaining({ id: "demo-parrot", games: 5, breakRate: 0.6 })]);
    expect((await call("/redteam.json", { headers: { "if-none-match": etag } })).status).toBe(304);

    const exported = await call("/api/export/redteam.jsonl");
    expect(exported.status).toBe(200);
    const text = await exported.text();
    expect(exported.headers.get("x-arena-snapshot")).toBe(board.snapshot);
    expect(exported.headers.get("x-arena-sha256")).toBe(board.data.sha256);
    expect(await sha256Hex(text)).toBe(board.data.sha256);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual([...ids].sort());
    expect(Object.keys(lines[0])).toEqual([
      "id",
      "tstamp",
      "player",
      "model",
      "kind",
      "target",
      "outcome",
      "turns",
      "seconds",
    ]);
    expect(lines.filter((l) => l.outcome === "forfeit")).toHaveLength(2);

    // Recomputed from the export's bytes with the published names: the same bytes as /redteam.json.
    const published = await (await call("/redteam.json")).text();
    const handles = Object.fromEntries(board.players.map((p) => [p.id, p.handle]));
    const modelNames = Object.fromEntries(board.models.map((m) => [m.id, m.name]));
    const meta = {
      snapshot: board.snapshot,
      generatedAt: board.generatedAt,
      sha256: board.data.sha256,
      handles,
      modelNames,
    };
    expect(redteamJsonText(buildRedteamJson(parseRedteamJsonl(text).rows, meta))).toBe(published);

    // Nothing new: the next run keeps the snapshot. A new ranked game publishes a new one; the old export stays.
    await scheduled(Date.now());
    expect((await read(call("/redteam.json"), R.redteam)).snapshot).toBe(board.snapshot);
    const g = await startGame({ kind: "bad-words", model: "demo-parrot" }, ranked(quitter));
    expect((await post(`/api/redteam/games/${g.id}/forfeit`, {})).status).toBe(200);
    await waitForRow(g.id);
    await scheduled(Date.now() + 1000);
    const next = await read(call("/redteam.json"), R.redteam);
    expect(next.snapshot).not.toBe(board.snapshot);
    expect(next.data.games).toBe(6);
    const old = await call(`/api/export/redteam.jsonl?snapshot=${encodeURIComponent(board.snapshot)}`);
    expect(await old.text()).toBe(text);
    await expectError(
      await call("/api/export/redteam.jsonl?snapshot=2020-01-01T00:00:00Z-abcd"),
      404,
      "snapshot_not_found",
    );
    await expectError(await call("/api/export/redteam.jsonl?snapshot=..%2Fsecrets"), 404, "snapshot_not_found");
  });
});
