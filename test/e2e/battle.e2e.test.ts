// A person's battle, scripted over HTTP against the real `npm start` (wrangler dev with local D1/DO/Queues/R2).
import { describe, expect, inject, it } from "vitest";
import seed from "../../d1/seed/models.json";
import { localD1 } from "../../scripts/arena-process.mjs";
import { parseEvents } from "../../shared/battle/sse";

const base = inject("arenaUrl");
const state = inject("arenaState");

interface TimedEvent {
  event: string;
  data: any;
  at: number;
}

/** Reads an SSE response as it arrives, stamping each event with its arrival time. */
async function readTimed(
  res: Response,
  stopAfter?: (e: TimedEvent) => boolean,
): Promise<{ events: TimedEvent[]; raw: string }> {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: TimedEvent[] = [];
  let raw = "";
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    raw += value;
    buffer += value;
    const blocks = buffer.split("\n\n");
    buffer = blocks.pop()!;
    for (const block of blocks) {
      for (const e of parseEvents(`${block}\n\n`)) {
        const timed = { ...e, at: performance.now() };
        events.push(timed);
        if (stopAfter?.(timed)) {
          await reader.cancel();
          return { events, raw };
        }
      }
    }
  }
  return { events, raw };
}

const post = (p: string, body?: unknown) =>
  fetch(`${base}${p}`, {
    method: "POST",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function create(): Promise<string> {
  const res = await post("/api/battles", { mode: "anonymous" });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const getBattle = async (id: string) => (await (await fetch(`${base}/api/battles/${id}`)).json()) as any;

const text = (events: TimedEvent[], side: "a" | "b") =>
  events
    .filter((e) => e.event === "token" && e.data.side === side)
    .map((e) => e.data.text)
    .join("");

async function d1Count(id: string): Promise<number> {
  const stdout = await localD1(state, ["--json", "--command", `SELECT COUNT(*) AS n FROM battles WHERE id = '${id}'`]);
  return JSON.parse(stdout)[0].results[0].n;
}

describe("the battle loop against npm start", () => {
  it("create → prompt → both sides stream interleaved → done → vote → reveal → recorded once in D1", async () => {
    const id = await create();
    const { events } = await readTimed(
      await post(`/api/battles/${id}/messages`, { content: "What makes a good unit test?" }),
    );

    const tokens = events.filter((e) => e.event === "token");
    const first = (side: string) => tokens.find((e) => e.data.side === side)!.at;
    const last = (side: string) => tokens.filter((e) => e.data.side === side).at(-1)!.at;
    // Both sides were generated at the same time: each side's first token came before the other side's last.
    expect(first("a")).toBeLessThan(last("b"));
    expect(first("b")).toBeLessThan(last("a"));
    // …and forwarded as generated, not buffered to the end.
    expect(tokens.at(-1)!.at - tokens[0]!.at).toBeGreaterThan(50);
    const sideChanges = tokens.filter((e, i) => i > 0 && e.data.side !== tokens[i - 1]!.data.side).length;
    expect(sideChanges).toBeGreaterThan(1);

    const sideDone = events.filter((e) => e.event === "side-done");
    expect(sideDone.map((e) => e.data.side).sort()).toEqual(["a", "b"]);
    for (const e of sideDone) expect(e.data).toMatchObject({ finish: "stop", tokens: expect.any(Number) });
    expect(events.at(-1)).toMatchObject({
      event: "done",
      data: { turn: 1, canVote: true, counted: true, reason: null },
    });

    const before = await getBattle(id);
    expect(before.models).toBeNull();
    expect(before.turns[0]).toEqual({
      user: "What makes a good unit test?",
      a: text(events, "a"),
      b: text(events, "b"),
    });

    const voteRes = await post(`/api/battles/${id}/vote`, { winner: "b" });
    expect(voteRes.status).toBe(200);
    const vote = (await voteRes.json()) as any;
    const ids = seed.map((m) => m.id);
    expect(ids).toContain(vote.models.a.id);
    expect(ids).toContain(vote.models.b.id);
    expect(vote.models.a.id).not.toBe(vote.models.b.id);
    expect(vote).toMatchObject({ winner: "b", counted: true, reason: null });

    const votedAt = performance.now();
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000, interval: 250 }).toBe(true);
    expect(performance.now() - votedAt).toBeLessThan(10_000);
    expect(await d1Count(id)).toBe(1);
  });

  it("keeps a three-turn conversation, each side seeing its own history", async () => {
    const id = await create();
    const prompts = ["Name a sorting algorithm.", "Why is it fast?", "When would you avoid it?"];
    for (const [i, p] of prompts.entries()) {
      const { events } = await readTimed(await post(`/api/battles/${id}/messages`, { content: p }));
      expect(events.at(-1)).toMatchObject({ event: "done", data: { turn: i + 1, canVote: true } });
    }
    const battle = await getBattle(id);
    expect(battle.turns.map((t: any) => t.user)).toEqual(prompts);
    for (const t of battle.turns) expect(t.a.length * t.b.length).toBeGreaterThan(0);
    expect((await post(`/api/battles/${id}/vote`, { winner: "tie" })).status).toBe(200);
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000, interval: 250 }).toBe(true);
  });

  it("regenerates the last turn on both sides", async () => {
    const id = await create();
    const firstTurn = await readTimed(
      await post(`/api/battles/${id}/messages`, { content: "Suggest a name for a cat." }),
    );
    const again = await readTimed(await post(`/api/battles/${id}/regenerate`));
    expect(again.events.at(-1)).toMatchObject({ event: "done", data: { turn: 1, canVote: true } });
    const battle = await getBattle(id);
    expect(battle.turns).toHaveLength(1);
    expect(battle.turns[0].a).toBe(text(again.events, "a"));
    expect(battle.turns[0].b).toBe(text(again.events, "b"));
    // A regenerated answer is a new sample, not a replay of the first.
    const before = text(firstTurn.events, "a") + text(firstTurn.events, "b");
    expect(battle.turns[0].a + battle.turns[0].b).not.toBe(before);
  });

  it("stop ends the sides still generating with `stopped`; the vote then does not count", async () => {
    const id = await create();
    const res = await post(`/api/battles/${id}/messages`, { content: "Write a long essay about rivers." });
    let stopped = false;
    const { events } = await readTimed(res, (e) => {
      if (e.event === "token" && !stopped) {
        stopped = true;
        void post(`/api/battles/${id}/stop`).then(async (r) => expect(await r.json()).toEqual({ stopped: true }));
      }
      return false;
    });
    const finishes = events.filter((e) => e.event === "side-done").map((e) => e.data.finish);
    expect(finishes).toContain("stopped");
    expect(events.at(-1)).toMatchObject({
      event: "done",
      data: { canVote: true, counted: false, reason: "unfinished" },
    });
    const vote = (await (await post(`/api/battles/${id}/vote`, { winner: "a" })).json()) as any;
    expect(vote).toMatchObject({ counted: false, reason: "unfinished" });
  });

  it("a client that disconnects mid-stream comes back to a finished, votable turn", async () => {
    const id = await create();
    const res = await post(`/api/battles/${id}/messages`, { content: "Explain how tides work." });
    const partial = await readTimed(res, (e) => e.event === "token"); // hang up after the first token
    expect(partial.events.some((e) => e.event === "done")).toBe(false);

    await expect.poll(async () => (await getBattle(id)).canVote, { timeout: 20_000, interval: 250 }).toBe(true);
    const battle = await getBattle(id);
    expect(battle.turns[0].a.length).toBeGreaterThan(0);
    expect(battle.turns[0].b.length).toBeGreaterThan(0);
    expect(battle.counted).toBe(true);
    const vote = await post(`/api/battles/${id}/vote`, { winner: "a" });
    expect(vote.status).toBe(200);
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000, interval: 250 }).toBe(true);
    expect(await d1Count(id)).toBe(1);
  });
});

describe("errors answered before the body is read", () => {
  it("leave the connection usable: the requests after them are answered normally", async () => {
    const statuses: number[] = [];
    // A new connection per request, as curl makes: the failure seen was a 503 on the request after a refusal.
    for (let i = 0; i < 15; i++) {
      const refused = await fetch(`${base}/api/admin/models/demo-x`, {
        method: "PUT",
        headers: {
          authorization: "Bearer wrong",
          "content-type": "application/x-www-form-urlencoded",
          connection: "close",
        },
        body: JSON.stringify({ name: "x".repeat(5000) }),
      });
      statuses.push(refused.status);
      await refused.text();
      const next = await fetch(`${base}/api/battles`, {
        method: "POST",
        headers: { connection: "close" },
        body: JSON.stringify({ mode: "anonymous" }),
      });
      statuses.push(next.status);
      await next.text();
    }
    expect(statuses).toEqual(Array.from({ length: 15 }, () => [401, 201]).flat());
  });
});
