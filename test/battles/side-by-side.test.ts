// Named side-by-side battles: the models are shown from creation, the vote is stored but never rated.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBattle, expectError, getBattle, post, readStream, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

beforeAll(seedDemoModels);

describe("side-by-side", () => {
  it("names both models at creation, stores the vote as not anonymous with style counts per side", async () => {
    const res = await post("/api/battles", { mode: "side-by-side", models: ["demo-gazette", "demo-origami"] });
    expect(res.status).toBe(201);
    const created = await read(res, R.battleCreated);
    expect(created.models?.a).toEqual({
      id: "demo-gazette",
      name: "Gazette Markdown (demo)",
      organization: "Broadsheet Demo Press",
    });
    expect(created.models?.b.id).toBe("demo-origami");

    const turn = await sendMessage(created.id, "How should I structure a small web project?");
    expect(turn.events.at(-1)!.data).toMatchObject({ canVote: true, counted: false, reason: "side_by_side" });
    const vote = await read(post(`/api/battles/${created.id}/vote`, { winner: "a" }), R.vote);
    expect(vote).toMatchObject({ counted: false, reason: "side_by_side" });

    await expect.poll(async () => (await getBattle(created.id)).recorded, { timeout: 10_000 }).toBe(true);
    const row = await env.DB.prepare("SELECT * FROM battles WHERE id = ?").bind(created.id).first<any>();
    expect(row).toMatchObject({
      mode: "side-by-side",
      anony: 0,
      model_a: "demo-gazette",
      model_b: "demo-origami",
      winner: "model_a",
      turns: 1,
    });
    expect(row.sampling_probability).toBeNull();
    // The markdown model writes headers and bold; the code model's fenced block is not counted as markdown.
    const headerA = JSON.parse(row.header_count_a);
    expect(headerA.h2 + headerA.h3).toBeGreaterThan(0);
    expect(JSON.parse(row.bold_count_a)["**"]).toBeGreaterThan(0);
    expect(JSON.parse(row.header_count_b)).toEqual({ h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 });
    expect(row.tokens_a).toBeGreaterThan(20);
    expect(row.user_tokens).toBeGreaterThan(5);
  });

  it("refuses unknown, repeated or unavailable models", async () => {
    await expectError(
      await post("/api/battles", { mode: "side-by-side", models: ["demo-gazette", "nope"] }),
      404,
      "model_not_found",
    );
    await expectError(
      await post("/api/battles", { mode: "side-by-side", models: ["demo-gazette", "demo-gazette"] }),
      422,
    );
    await expectError(await post("/api/battles", { mode: "side-by-side", models: ["demo-gazette"] }), 422);
    await expectError(await post("/api/battles", { mode: "side-by-side" }), 422);
  });

  it("applies the requested temperature and max tokens to every turn, regenerate included (/compare)", async () => {
    const id = await createBattle({
      mode: "side-by-side",
      models: ["demo-wisteria", "demo-abacus"],
      temperature: 0.2,
      maxTokens: 3,
    });
    // The demo models stream one word per token event and stop at maxTokens words with finish "length".
    const shape = (turn: Awaited<ReturnType<typeof sendMessage>>) =>
      (["a", "b"] as const).map((side) => ({
        words: turn.events.filter((e) => e.event === "token" && e.data.side === side).length,
        finish: turn.events.find((e) => e.event === "side-done" && e.data.side === side)?.data.finish,
      }));
    const capped = { words: 3, finish: "length" };
    expect(shape(await sendMessage(id, "Explain how tides work in detail."))).toEqual([capped, capped]);
    expect(shape(await readStream(await post(`/api/battles/${id}/regenerate`)))).toEqual([capped, capped]);
    await expectError(
      await post("/api/battles", { mode: "side-by-side", models: ["demo-wisteria", "demo-abacus"], temperature: 3 }),
      422,
    );
    await expectError(
      await post("/api/battles", { mode: "side-by-side", models: ["demo-wisteria", "demo-abacus"], maxTokens: 0 }),
      422,
    );
  });

  it("anonymous battles record the probability of the shown pair", async () => {
    const id = await createBattle();
    await sendMessage(id, "hello");
    await post(`/api/battles/${id}/vote`, { winner: "b" });
    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
    const row = await env.DB.prepare("SELECT anony, sampling_probability FROM battles WHERE id = ?")
      .bind(id)
      .first<any>();
    expect(row.anony).toBe(1);
    // Five equally weighted models: every pair has probability 1/10.
    expect(row.sampling_probability).toBeCloseTo(0.1, 10);
  });
});
