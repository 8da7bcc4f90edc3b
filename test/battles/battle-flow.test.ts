import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBattle, getBattle, post, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

beforeAll(async () => {
  await seedDemoModels();
});

describe("anonymous battle over HTTP", () => {
  it("streams both sides, accepts one vote, reveals the models and records the vote in D1", async () => {
    const id = await createBattle();
    const turn = await sendMessage(id, "How do I sort a list of numbers?");
    const names = turn.events.map((e) => e.event);
    expect(names).toContain("token");
    expect(turn.text.a.length).toBeGreaterThan(0);
    expect(turn.text.b.length).toBeGreaterThan(0);
    const done = turn.events.at(-1)!;
    expect(done.event).toBe("done");
    expect(done.data).toEqual({ turn: 1, canVote: true, counted: true, reason: null });

    const vote = await post(`/api/battles/${id}/vote`, { winner: "a" });
    expect(vote.status).toBe(200);
    const body = await read(vote, R.vote);
    expect(body.winner).toBe("a");
    expect(body.models.a.id).toMatch(/^demo-/);
    expect(body.counted).toBe(true);

    await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
    const rows = await env.DB.prepare("SELECT * FROM battles WHERE id = ?").bind(id).all();
    expect(rows.results).toHaveLength(1);
  });
});
