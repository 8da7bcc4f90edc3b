// Invariant 4, identity leaks: an answer naming a model of the pool (word boundary, any case) makes the battle not
// count, `done` says so without naming anyone, and the stored battle carries excluded_reason = identity_leak.
// Demo models restate the user's topic, so a prompt that names a model makes both answers name it.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createBattle, getBattle, post, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

let pool: Awaited<ReturnType<typeof seedDemoModels>>;
beforeAll(async () => {
  pool = await seedDemoModels();
});

const recordedRow = async (id: string) => {
  await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 10_000 }).toBe(true);
  return env.DB.prepare("SELECT excluded_reason, anony FROM battles WHERE id = ?")
    .bind(id)
    .first<{ excluded_reason: string | null }>();
};

describe("identity leak", () => {
  it("an answer naming a pool model (different case) excludes the battle, live and on record", async () => {
    const id = await createBattle();
    const turn = await sendMessage(id, "is WISTERIA LONGFORM better than the rest?");
    expect(`${turn.text.a}\n${turn.text.b}`.toLowerCase()).toContain("wisteria longform");
    const done = turn.events.at(-1)!;
    expect(done.event).toBe("done");
    expect(done.data).toEqual({ turn: 1, canVote: true, counted: false, reason: "identity_leak" });

    const vote = await read(post(`/api/battles/${id}/vote`, { winner: "a" }), R.vote);
    expect(vote).toMatchObject({ counted: false, reason: "identity_leak" });
    expect((await recordedRow(id))?.excluded_reason).toBe("identity_leak");
  });

  it("an organization or alias counts too, and the leak stays after regenerate", async () => {
    const id = await createBattle();
    const first = await sendMessage(id, "What does Paperfold think?");
    expect(first.events.at(-1)!.data.reason).toBe("identity_leak");
    const again = await post(`/api/battles/${id}/regenerate`);
    const text = await again.text();
    expect(text).toContain('"reason":"identity_leak"');
  });

  it("a word that only contains a name is not a leak", async () => {
    const id = await createBattle();
    const turn = await sendMessage(id, "Why do gazettes and abacuses fascinate collectors?");
    expect(turn.events.at(-1)!.data).toMatchObject({ counted: true, reason: null });
    const vote = await read(post(`/api/battles/${id}/vote`, { winner: "tie" }), R.vote);
    expect(vote.counted).toBe(true);
    expect((await recordedRow(id))?.excluded_reason).toBeNull();
  });

  it("the done event never names a model, even when it reports a leak", async () => {
    const id = await createBattle();
    const turn = await sendMessage(id, `Compare ${pool[0]!.name} with ${pool[1]!.organization}`);
    const nonToken = turn.events.filter((e) => e.event !== "token");
    const serialized = JSON.stringify(nonToken).toLowerCase();
    for (const m of pool) {
      for (const term of [m.id, m.name, m.organization, ...m.aliases])
        expect(serialized).not.toContain(term.toLowerCase());
    }
  });
});
