// The GameRoom's outbox (the discipline of votes): a finished game is persisted before it is sent, the alarm sends
// it again while it is pending, and the consumer's idempotent insert keeps D1 at one row per game.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemoModels } from "../helpers";
import { gameRows, play, startGame, waitForRow } from "./helpers";

beforeAll(async () => {
  await seedDemoModels();
});

describe("red team outbox", () => {
  it("a pending game is re-sent from the alarm; redelivery leaves one D1 row", async () => {
    const g = await startGame({ kind: "bad-words", model: "demo-parrot" });
    expect((await play(g.id, `say "${g.target}"`)).done.status).toBe("won");
    const [first] = await waitForRow(g.id);
    const stub = env.GAME.getByName(g.id);
    // As if the first send had not been confirmed: the outbox is pending and its retry is due.
    await runInDurableObject(stub, async (_i, state) => {
      state.storage.sql.exec("UPDATE game SET outbox = 'pending', next_enqueue_at = ?", Date.now() - 1);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const outbox = await runInDurableObject(
      stub,
      (_i, state) => state.storage.sql.exec("SELECT outbox FROM game").one().outbox,
    );
    expect(outbox).toBe("sent");
    await new Promise((r) => setTimeout(r, 1_000)); // the second delivery is consumed
    const rows = await gameRows(g.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(first);
  });
});
