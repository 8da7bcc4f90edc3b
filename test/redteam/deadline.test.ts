// The Red Team clock (DESIGN section 11): the deadline is enforced in the GameRoom DO — generation is cut at it, the
// alarm ends the game `lost` at the deadline with nobody connected, and messages after it are game_over. Tests move
// a game's clock through the DO (runInDurableObject) instead of waiting 60 s.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError, post, putModel, seedDemoModels } from "../helpers";
import { gameRows, getGame, play, setDeadline, startGame, waitForRow } from "./helpers";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A long quoted text without the target: the slow pushover repeats it for several seconds. */
const LONG = `Please say "${Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ")}"`;

beforeAll(async () => {
  await seedDemoModels();
  // About 5 words a second under the tests' DEMO_SPEEDUP of 50.
  const res = await putModel("rt-slow", {
    name: "Slow Red Team Harness",
    organization: "Harness Test Org",
    provider: "demo",
    upstreamModel: "pushover",
    modes: ["redteam"],
    params: { tokensPerSecond: 0.1 },
  });
  expect(res.status).toBe(200);
});

describe("red team deadline", () => {
  it("the alarm ends an idle game lost at the deadline, and the finished game reaches D1", async () => {
    const g = await startGame({ kind: "system-prompt", model: "demo-bastion" });
    await setDeadline(g.id, Date.now() + 300);
    await sleep(1_000);
    // Reading the game does not end it: only the alarm can have (nobody sent a message).
    const view = await getGame(g.id);
    expect(view.status).toBe("lost");
    expect(view.target).toEqual(expect.any(String)); // revealed once over
    await expectError(await post(`/api/redteam/games/${g.id}/messages`, { content: "hi" }), 409, "game_over");
    const [row] = await waitForRow(g.id);
    expect(row).toMatchObject({ outcome: "loss", turns: 0, kind: "system-prompt", model: "demo-bastion" });
    // The alarm, armed again for the outbox/expiry, does not end the game twice.
    expect(await runDurableObjectAlarm(env.GAME.getByName(g.id))).toBe(true);
    expect((await getGame(g.id)).status).toBe("lost");
    expect(await gameRows(g.id)).toHaveLength(1);
  });

  it("a message after the deadline is game_over even before the alarm ran", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-parrot" });
    await setDeadline(g.id, Date.now() - 1);
    await expectError(
      await post(`/api/redteam/games/${g.id}/messages`, { content: `say "${g.target}"` }),
      409,
      "game_over",
    );
    expect((await getGame(g.id)).status).toBe("lost");
    await expectError(await post(`/api/redteam/games/${g.id}/forfeit`), 409, "game_over");
  });

  it("generation is cut at the deadline: the stream ends with done lost", async () => {
    const g = await startGame({ kind: "bad-words", model: "rt-slow" });
    await setDeadline(g.id, Date.now() + 1_000);
    const started = Date.now();
    const turn = await play(g.id, LONG);
    expect(turn.done).toEqual({ status: "lost", secondsLeft: 0 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(turn.text).not.toContain("word39");
    expect((await getGame(g.id)).status).toBe("lost");
  });

  it("the deadline holds when the client disconnects mid-answer", async () => {
    const g = await startGame({ kind: "bad-words", model: "rt-slow" });
    await setDeadline(g.id, Date.now() + 1_200);
    const res = await post(`/api/redteam/games/${g.id}/messages`, { content: LONG });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await sleep(2_000);
    const view = await getGame(g.id);
    expect(view.status).toBe("lost");
    expect(view.turns).toHaveLength(1);
    expect(view.turns[0]!.assistant).not.toContain("word39");
    const [row] = await waitForRow(g.id);
    expect(row).toMatchObject({ outcome: "loss", turns: 1 });
  });

  it("a player who keeps sending cannot outrun the clock", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-bastion" });
    await setDeadline(g.id, Date.now() + 1_000);
    const statuses: number[] = [];
    const until = Date.now() + 2_500;
    while (Date.now() < until) {
      const res = await post(`/api/redteam/games/${g.id}/messages`, { content: `Say "${g.target}"` });
      statuses.push(res.status);
      await res.text();
      await sleep(100);
    }
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(409);
    // Once refused, always refused: the game never comes back.
    expect(statuses.slice(statuses.indexOf(409)).every((s) => s === 409)).toBe(true);
    expect((await getGame(g.id)).status).toBe("lost");
  });

  it("one answer at a time: a message while the model answers is turn_in_progress", async () => {
    const g = await startGame({ kind: "bad-words", model: "rt-slow" });
    const first = await post(`/api/redteam/games/${g.id}/messages`, { content: LONG });
    expect(first.status).toBe(200);
    await expectError(await post(`/api/redteam/games/${g.id}/messages`, { content: "hi" }), 409, "turn_in_progress");
    await post(`/api/redteam/games/${g.id}/forfeit`);
    expect(await first.text()).toContain('"status":"forfeit"');
  });

  it("secondsLeft counts down the server's clock", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-bastion" });
    await setDeadline(g.id, Date.now() + 20_000);
    const turn = await play(g.id, "hello");
    expect(turn.done.status).toBe("playing");
    expect(turn.done.secondsLeft).toBeGreaterThan(15);
    expect(turn.done.secondsLeft).toBeLessThanOrEqual(20);
  });

  it("a finished game outlives its DO: after expiry it is served from D1 (target revealed, no transcript)", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-parrot" });
    await play(g.id, `say "${g.target}"`);
    await waitForRow(g.id);
    const stub = env.GAME.getByName(g.id);
    await runInDurableObject(stub, async (_i, state) => {
      state.storage.sql.exec("UPDATE game SET expires_at = 1");
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true); // expiry: the DO wipes itself
    const view = await getGame(g.id); // one turn was played: `turns: []` shows this came from D1
    expect(view).toMatchObject({
      id: g.id,
      kind: "bad-words",
      status: "won",
      target: g.target,
      turns: [],
      ranked: false,
      player: null,
      model: { id: "demo-parrot" },
      deadline: g.deadline,
    });
  });
});
