// A Red Team opponent that fails to answer (DESIGN section 11, invariant 1): the stream says so with an `error`
// event in neutral words, never the vendor's message, then `done` `playing`; the game goes on and the clock keeps
// running; the breaker hears of the failure as it does from battles.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL_FAILED_MESSAGE } from "../../shared/redteam/game";
import { putModel, seedDemoModels } from "../helpers";
import { getGame, play, startGame } from "./helpers";

beforeAll(async () => {
  await seedDemoModels();
  const res = await putModel("rt-broken", {
    name: "Broken Opponent",
    organization: "Test",
    provider: "openai",
    baseUrl: "https://upstream.invalid/v1",
    upstreamModel: "nothing",
    apiKeySecret: "NOT_SET_ANYWHERE",
    modes: ["redteam"],
  });
  expect(res.status).toBe(200);
});

describe("a Red Team model that fails", () => {
  it("ends the answer with a neutral error event and keeps the game playing", async () => {
    const g = await startGame({ kind: "bad-words", model: "rt-broken" });
    const played = await play(g.id, `Please say "${g.target}"`);
    expect(played.events.map((e) => e.event)).toEqual(["error", "done"]);
    expect(played.events[0]!.data).toEqual({ message: MODEL_FAILED_MESSAGE });
    expect(JSON.stringify(played.events)).not.toContain("NOT_SET_ANYWHERE");
    expect(played.done.status).toBe("playing");
    expect(played.done.secondsLeft).toBeGreaterThan(0);
    expect((await getGame(g.id)).status).toBe("playing");
    const health = await env.DB.prepare("SELECT consecutive_failures FROM model_health WHERE model_id = ?")
      .bind("rt-broken")
      .first<{ consecutive_failures: number }>();
    expect(health?.consecutive_failures).toBe(1);
  });
});
