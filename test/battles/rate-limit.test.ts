// Per-IP rate limits on battle creation, messages and votes (limits lowered to 3 per 60 s in vitest.config.mts).
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectError, seedDemoModels } from "../helpers";
import { R, read } from "../responses";

beforeAll(seedDemoModels);

const from = (ip: string) => (path: string, body?: unknown) =>
  call(path, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ip },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function expectLimited(res: Response) {
  expect(res.headers.get("retry-after")).toBe("60");
  const error = await expectError(res, 429, "rate_limited");
  expect(error.message).toMatch(/try again in 60 s/);
}

/**
 * The local limiter counts in fixed windows aligned to the clock (epoch = ⌊now / period⌋, miniflare's ratelimit),
 * so a sequence that straddles a window boundary sees the count restart. Start near the beginning of a window:
 * a sequence shorter than `needMs` then stays inside one.
 */
async function atWindowStart(needMs = 25_000, periodMs = 60_000) {
  const into = Date.now() % periodMs;
  if (into > periodMs - needMs) await new Promise((r) => setTimeout(r, periodMs - into + 50));
}

describe("rate limits", () => {
  it("limits battle creation per IP, and other IPs are unaffected", async () => {
    const post = from("192.0.2.10");
    await atWindowStart();
    for (let i = 0; i < 3; i++) expect((await post("/api/battles", { mode: "anonymous" })).status).toBe(201);
    await expectLimited(await post("/api/battles", { mode: "anonymous" }));
    expect((await from("192.0.2.11")("/api/battles", { mode: "anonymous" })).status).toBe(201);
  }, 90_000); // may wait for a fresh window

  it("limits messages (and regenerates and chats) per IP", async () => {
    const owner = from("192.0.2.20");
    const { id } = await read(owner("/api/battles", { mode: "anonymous" }), R.battleCreated);
    const post = from("192.0.2.21");
    await (await post(`/api/battles/${id}/messages`, { content: "one" })).text();
    await (await post(`/api/battles/${id}/regenerate`)).text();
    await (await post("/api/chat", { model: "demo-pebble", messages: [{ role: "user", content: "hi" }] })).text();
    // These three stream answers, which takes a while on a loaded machine: if the limiter's 60 s window turned
    // over meanwhile, the count restarted, so allow up to three more before the limit must bite.
    let res = await post(`/api/battles/${id}/messages`, { content: "four" });
    for (let extra = 0; res.status !== 429 && extra < 3; extra++) {
      await res.text();
      res = await post(`/api/battles/${id}/messages`, { content: "more" });
    }
    await expectLimited(res);
  });

  it("limits votes per IP; a refused vote leaves the battle open for a later one", async () => {
    const setup = from("192.0.2.30");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await read(setup("/api/battles", { mode: "anonymous" }), R.battleCreated)).id);
    const chatty = from("192.0.2.31");
    const id4 = (await read(chatty("/api/battles", { mode: "anonymous" }), R.battleCreated)).id;
    for (const [i, id] of [...ids, id4].entries()) {
      await (await from(`192.0.2.${40 + i}`)(`/api/battles/${id}/messages`, { content: "q" })).text();
    }

    const voter = from("192.0.2.50");
    await atWindowStart();
    for (const id of ids) expect((await voter(`/api/battles/${id}/vote`, { winner: "a" })).status).toBe(200);
    await expectLimited(await voter(`/api/battles/${id4}/vote`, { winner: "a" }));
    expect((await from("192.0.2.51")(`/api/battles/${id4}/vote`, { winner: "a" })).status).toBe(200);
  }, 90_000); // may wait for a fresh window
});
