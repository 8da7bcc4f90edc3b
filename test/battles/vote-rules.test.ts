// Vote rules (invariant 2) and bad input (DESIGN section 4): every failure is a 4xx with the JSON envelope.
import { beforeAll, describe, expect, it } from "vitest";
import { call, createBattle, expectError, getBattle, post, readStream, seedSlowModels } from "../helpers";

beforeAll(seedSlowModels);

const MISSING = "7d1c2f0e-0000-4000-8000-000000000000";

describe("vote rules", () => {
  it("refuses a vote, a message or a regenerate while a turn is generating; accepts one vote after", async () => {
    const id = await createBattle();
    await expectError(await post(`/api/battles/${id}/vote`, { winner: "a" }), 409, "no_turns");
    await expectError(await post(`/api/battles/${id}/regenerate`), 409, "no_turns");

    const streaming = await post(`/api/battles/${id}/messages`, { content: "Tell me about lighthouses." });
    expect(streaming.status).toBe(200);
    await expectError(await post(`/api/battles/${id}/vote`, { winner: "a" }), 409, "turn_in_progress");
    await expectError(await post(`/api/battles/${id}/messages`, { content: "more" }), 409, "turn_in_progress");
    await expectError(await post(`/api/battles/${id}/regenerate`), 409, "turn_in_progress");
    expect((await getBattle(id)).canVote).toBe(false);

    expect(await (await post(`/api/battles/${id}/stop`)).json()).toEqual({ stopped: true });
    const turn = await readStream(streaming);
    expect(turn.events.at(-1)!.data).toMatchObject({ canVote: true, counted: false, reason: "unfinished" });

    const vote = await post(`/api/battles/${id}/vote`, { winner: "bothbad" });
    expect(vote.status).toBe(200);
    expect(await vote.json()).toMatchObject({ winner: "bothbad", counted: false, reason: "unfinished" });

    await expectError(await post(`/api/battles/${id}/vote`, { winner: "a" }), 409, "already_voted");
    await expectError(await post(`/api/battles/${id}/messages`, { content: "again" }), 409, "already_voted");
    await expectError(await post(`/api/battles/${id}/regenerate`), 409, "already_voted");
  });

  it("answers 404 for unknown and malformed battle ids on every battle route", async () => {
    for (const id of [MISSING, "not-a-uuid", "..%2F..%2Fetc", "0"]) {
      await expectError(await call(`/api/battles/${id}`), 404);
      await expectError(await post(`/api/battles/${id}/messages`, { content: "hi" }), 404);
      await expectError(await post(`/api/battles/${id}/regenerate`), 404);
      await expectError(await post(`/api/battles/${id}/stop`), 404);
      await expectError(await post(`/api/battles/${id}/vote`, { winner: "a" }), 404);
      await expectError(await post(`/api/battles/${id}/report`, { reason: "spam" }), 404);
    }
  });
});

describe("bad input", () => {
  it("malformed JSON is 400 bad_json", async () => {
    const id = await createBattle();
    for (const path of ["/api/battles", `/api/battles/${id}/messages`, `/api/battles/${id}/vote`, "/api/chat"]) {
      const res = await call(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{oops" });
      await expectError(res, 400, "bad_json");
    }
  });

  it("schema violations are 422 invalid_request naming the field", async () => {
    const id = await createBattle();
    const cases: [string, unknown, RegExp][] = [
      ["/api/battles", {}, /mode/],
      ["/api/battles", { mode: "royale" }, /mode/],
      [`/api/battles/${id}/messages`, {}, /content/],
      [`/api/battles/${id}/messages`, { content: 42 }, /content/],
      [`/api/battles/${id}/messages`, { content: "   " }, /content/],
      [`/api/battles/${id}/messages`, { content: "x".repeat(30_001) }, /content.*30000/],
      [`/api/battles/${id}/vote`, {}, /winner/],
      [`/api/battles/${id}/vote`, { winner: "c" }, /winner/],
      [`/api/battles/${id}/report`, { reason: "" }, /reason/],
    ];
    for (const [path, body, field] of cases) {
      const error = await expectError(await post(path, body), 422, "invalid_request");
      expect(error.message).toMatch(field);
    }
  });

  it("a prompt of exactly the limit is accepted", async () => {
    const id = await createBattle();
    const res = await post(`/api/battles/${id}/messages`, { content: "y".repeat(30_000) });
    expect(res.status).toBe(200);
    await post(`/api/battles/${id}/stop`);
    await readStream(res);
  });

  it("a JSON body is accepted whatever its Content-Type (curl -d sends form-urlencoded)", async () => {
    const res = await call("/api/battles", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ mode: "anonymous" }),
    });
    expect(res.status).toBe(201);
    for (const type of ["text/plain", "text/json", "application/x-ndjson", ""]) {
      const r = await call("/api/battles", {
        method: "POST",
        headers: type ? { "content-type": type } : {},
        body: '{"mode":"anonymous"}',
      });
      expect(r.status).toBe(201);
    }
  });

  it("unknown routes are a JSON 404", async () => {
    await expectError(await call("/api/nope"), 404, "not_found");
    await expectError(await post("/api/battles/x/y/z"), 404);
  });
});
