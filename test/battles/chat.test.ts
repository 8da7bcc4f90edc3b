// Direct chat and its feedback: streamed as side "a" with a leading `meta` event; feedback stored, never rated.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { expectError, post, readStream, seedDemoModels } from "../helpers";
import { R, read } from "../responses";

beforeAll(seedDemoModels);

describe("direct chat", () => {
  it("streams one side after a meta event with the chat id, and stores feedback on it", async () => {
    const turn = await readStream(
      await post("/api/chat", {
        model: "demo-gazette",
        messages: [
          { role: "user", content: "Hello there" },
          { role: "assistant", content: "Hi! How can I help?" },
          { role: "user", content: "Explain caching" },
        ],
        temperature: 0.2,
        maxTokens: 500,
      }),
    );
    const [meta] = turn.events;
    expect(meta!.event).toBe("meta");
    const id = meta!.data.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(turn.events.filter((e) => e.event === "token").every((e) => e.data.side === "a")).toBe(true);
    expect(turn.text.a).toContain("## ");
    expect(turn.events.at(-1)).toMatchObject({ event: "done", data: { turn: 1, canVote: false, counted: false } });

    for (const kind of ["up", "flag"]) {
      const res = await post(`/api/chat/${id}/feedback`, { kind });
      expect(res.status).toBe(202);
    }
    const rows = await env.DB.prepare("SELECT kind, model FROM chat_feedback WHERE chat_id = ? ORDER BY id")
      .bind(id)
      .all();
    expect(rows.results).toEqual([
      { kind: "up", model: "demo-gazette" },
      { kind: "flag", model: "demo-gazette" },
    ]);
  });

  it("respects maxTokens: the reply ends with finish length", async () => {
    const turn = await readStream(
      await post("/api/chat", {
        model: "demo-wisteria",
        messages: [{ role: "user", content: "Talk a lot" }],
        maxTokens: 5,
      }),
    );
    expect(turn.events.find((e) => e.event === "side-done")!.data).toMatchObject({ finish: "length" });
  });

  it("rejects bad chat requests with the right status", async () => {
    await expectError(await post("/api/chat", { model: "demo-gazette", messages: [] }), 422, "invalid_request");
    await expectError(
      await post("/api/chat", { model: "demo-gazette", messages: [{ role: "assistant", content: "hi" }] }),
      422,
      "invalid_request",
    );
    await expectError(
      await post("/api/chat", { model: "demo-gazette", messages: [{ role: "user", content: "hi" }], temperature: 9 }),
      422,
      "invalid_request",
    );
    const huge = Array.from({ length: 80 }, (_, i) => ({
      role: i % 2 ? "assistant" : "user",
      content: "z".repeat(30_000),
    }));
    huge.push({ role: "user", content: "and?" });
    const error = await expectError(
      await post("/api/chat", { model: "demo-gazette", messages: huge }),
      422,
      "invalid_request",
    );
    expect(error.message).toMatch(/in all/);
    await expectError(
      await post("/api/chat", { model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
      404,
      "model_not_found",
    );
    await expectError(await post("/api/chat/7d1c2f0e-0000-4000-8000-000000000000/feedback", { kind: "up" }), 404);
    await expectError(await post("/api/chat/nope/feedback", { kind: "up" }), 404);
  });

  it("feedback with an unknown kind is 422, and a battle id is not a chat", async () => {
    const created = await read(post("/api/battles", { mode: "anonymous" }), R.battleCreated);
    await expectError(await post(`/api/chat/${created.id}/feedback`, { kind: "up" }), 404, "chat_not_found");
    await expectError(await post(`/api/chat/${created.id}/feedback`, { kind: "meh" }), 422, "invalid_request");
  });
});
