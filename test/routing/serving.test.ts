// The router served by the Worker (DESIGN section 12): `router-<router>-<threshold>` on /v1/chat/completions with
// the x-arena-route header, the operator's pair, training in the cron from consented battles played through the
// real stack, /v1/routers, calibration and the prompt leaderboard.
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../workers/index";
import { asProvider, setupProviders, waitRecorded, type TestProvider } from "../accounts/helpers";
import { ADMIN, call, createBattle, expectError, post, sendMessage } from "../helpers";

// Several provider keys in turn: the tests' per-key limit is 8 requests a minute (vitest.config.mts).
let keys: TestProvider[] = [];
let turn = 0;
const key = () => keys[turn++ % keys.length]!.apiKey;

const completion = (model: string, content: string, extra: Record<string, unknown> = {}) =>
  asProvider(key(), "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], ...extra }),
  });

const putPair = (pair: unknown) =>
  call("/api/admin/routing", { method: "PUT", headers: ADMIN, body: JSON.stringify(pair) });

const PROMPTS = [
  "Write a Python function that reverses a linked list.",
  "hi there!",
  "Explain the difference between TCP and UDP in detail, with examples of when to use each.",
  "```js\nconst x = [1,2,3].map(n => n * 2);\n``` what does this print?",
  "Tell me a joke about cats.",
  "Summarise the causes of the French revolution.",
];

beforeAll(async () => {
  keys = [...(await setupProviders(...["A", "B", "C", "D", "E", "F"].map((n) => ({ name: `Router Tester ${n}` }))))];
});

describe("the router, served", () => {
  it("routes before any training (every score ½) and says so in x-arena-route", async () => {
    await expectError(await call("/api/leaderboard/prompt?q=hello"), 503, "not_ready");
    const strong = await completion("router-mf-0.5", "Explain recursion.");
    expect(strong.status).toBe(200);
    expect(strong.headers.get("x-arena-route")).toBe("mf;s=0.5000;to=demo-wisteria");
    expect(((await strong.json()) as { model: string }).model).toBe("demo-wisteria");
    const weak = await completion("router-sw_ranking-0.7", "Explain recursion.");
    expect(weak.headers.get("x-arena-route")).toBe("sw_ranking;s=0.5000;to=demo-pebble");
    expect(((await weak.json()) as { model: string }).model).toBe("demo-pebble");

    const streamed = await completion("router-category-0.2", "hello", { stream: true });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get("x-arena-route")).toMatch(/^category;s=0\.5000;to=demo-wisteria$/);
    const text = await streamed.text();
    expect(text).toContain('"model":"demo-wisteria"');
    expect(text).toContain("data: [DONE]");
  });

  it("answers bad router names and thresholds with OpenAI-shaped 400s", async () => {
    for (const model of ["router-nope-0.5", "router-mf-1.5", "router-mf", "router-mf-abc", "router--0.5"]) {
      const res = await completion(model, "x");
      expect(res.status, model).toBe(400);
      const body = (await res.json()) as { error: { message: string; type: string; code: string } };
      expect(body.error.type).toBe("invalid_request_error");
      expect(body.error.code).toBe("invalid_model");
      expect(body.error.message.length).toBeGreaterThan(10);
    }
    const cheap = await completion("router-p2l-0.5", "x", { max_cost: 0.01 });
    expect(cheap.status).toBe(400);
    expect(((await cheap.json()) as { error: { code: string } }).error.code).toBe("no_model_within_cost");
  });

  it("validates the operator's pair", async () => {
    await expectError(await putPair({ strong: "demo-pebble", weak: "demo-pebble" }), 422, "invalid_request");
    await expectError(await putPair({ strong: "nope", weak: "demo-pebble" }), 404, "model_not_found");
    await expectError(await putPair({ strong: "demo-parrot", weak: "demo-pebble" }), 422, "invalid_request");
    await expectError(await putPair({ strong: "demo-wisteria" }), 422, "invalid_request");
    expect((await call("/api/admin/routing", { headers: ADMIN }).then((r) => r.json())) as object).toMatchObject({
      strong: "demo-wisteria",
      weak: "demo-pebble",
    });
    expect((await call("/api/admin/routing")).status).toBe(401);
  });

  it("trains in the cron from consented battles, then serves /v1/routers, calibration and the prompt board", async () => {
    const ids: string[] = [];
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        PROMPTS.map(async (prompt, i) => {
          const id = await createBattle({ mode: "anonymous", consent: true });
          await sendMessage(id, prompt);
          const vote = await post(`/api/battles/${id}/vote`, { winner: (i + round) % 3 === 0 ? "b" : "a" });
          expect(vote.status).toBe(200);
          ids.push(id);
        }),
      );
    }
    for (const id of ids) await waitRecorded(id);
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);

    const cached = await env.DB.prepare("SELECT count(*) AS n FROM prompt_embeddings").first<{ n: number }>();
    expect(cached?.n).toBe(PROMPTS.length); // one cached embedding per distinct prompt
    const routers = (await (await asProvider(key(), "/v1/routers")).json()) as {
      router: string;
      strong: string;
      weak: string;
      trainedAt: string | null;
      battles: number;
      thresholds: Record<string, number>;
    }[];
    expect(routers.map((r) => r.router)).toEqual(["random", "category", "sw_ranking", "mf", "p2l"]);
    for (const r of routers) {
      expect(r).toMatchObject({ strong: "demo-wisteria", weak: "demo-pebble", battles: ids.length });
      expect(r.trainedAt).not.toBeNull();
      expect(Object.keys(r.thresholds)).toEqual(["0.2", "0.5", "0.8"]);
      expect(r.thresholds["0.2"]).toBeGreaterThanOrEqual(r.thresholds["0.8"]!);
    }

    const cal = await asProvider(key(), "/v1/routers/mf/calibrate?strongFraction=0.5");
    expect(cal.status).toBe(200);
    const calibration = (await cal.json()) as { threshold: number; strongFraction: number; prompts: number };
    expect(calibration).toMatchObject({ strongFraction: 0.5, prompts: PROMPTS.length });
    expect(calibration.threshold).toBeGreaterThanOrEqual(0);
    expect((await asProvider(key(), "/v1/routers/nope/calibrate?strongFraction=0.5")).status).toBe(404);
    expect((await asProvider(key(), "/v1/routers/mf/calibrate?strongFraction=2")).status).toBe(422);

    // A trained router: the header's score is the model's, the routed model one of the pair.
    const routed = await completion("router-mf-0.5", PROMPTS[0]!);
    const header = routed.headers.get("x-arena-route")!;
    expect(header).toMatch(/^mf;s=[01]\.\d{4};to=demo-(wisteria|pebble)$/);
    expect(((await routed.json()) as { model: string }).model).toBe(header.split("to=")[1]);

    // Cost-aware p2l: the pick is priced within max_cost.
    const p2l = await completion("router-p2l-0.5", PROMPTS[1]!, { max_cost: 1.5 });
    expect(p2l.status).toBe(200);
    const to = p2l.headers.get("x-arena-route")!.split("to=")[1]!;
    expect(["demo-pebble", "demo-abacus"]).toContain(to); // output price ≤ 1.5 (d1/seed/models.json)

    const board = await call(`/api/leaderboard/prompt?q=${encodeURIComponent("Write a function in Rust")}`);
    expect(board.status).toBe(200);
    const json = (await board.json()) as {
      schema: string;
      categories: { prompt: { battles: number; models: { model: string; rating: number; ci: number[] }[] } };
    };
    expect(json.schema).toBe("arena-leaderboard/v1");
    expect(Object.keys(json.categories)).toEqual(["prompt"]);
    const models = json.categories.prompt.models;
    expect(models.length).toBeGreaterThanOrEqual(2);
    for (const m of models) {
      expect(m.ci[0]).toBeLessThanOrEqual(m.rating);
      expect(m.ci[1]).toBeGreaterThanOrEqual(m.rating);
    }
    await expectError(await call("/api/leaderboard/prompt"), 422, "invalid_request");

    // Nothing new: the next run keeps the artifacts.
    const before = await env.STORE.get("routing/latest.json").then((o) => o!.text());
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" }), env);
    expect(await env.STORE.get("routing/latest.json").then((o) => o!.text())).toBe(before);
  });
});
