// Issue 7 acceptance against the real `npm start` (wrangler dev): the official `openai` npm package, pointed at the
// arena with a provider key, lists models and gets a streamed and a non-streamed completion from a demo model, and a
// bad key is a 401 in OpenAI's error format. Then a private model runs through the whole stack (battles → queue →
// D1 → cron), and /openapi.json validates against the OpenAPI 3.1 schema.
import OpenAI from "openai";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const base = inject("arenaUrl");
const token = inject("arenaAdminToken");
const ADMIN = { authorization: `Bearer ${token}`, "content-type": "application/json" };
const run = Date.now().toString(36);

const json = async (res: Response) => {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text);
};
const createProvider = async (name: string) =>
  json(await fetch(`${base}/api/admin/providers`, { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) }));

let provider: { id: string; apiKey: string };
let client: OpenAI;

beforeAll(async () => {
  provider = await createProvider(`SDK Harness ${run}`);
  client = new OpenAI({ apiKey: provider.apiKey, baseURL: `${base}/v1`, maxRetries: 0, timeout: 30_000 });
});

describe("the official openai package against the arena", () => {
  it("lists the public arena models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(["demo-pebble", "demo-wisteria", "demo-gazette", "demo-abacus"]));
    const one = await client.models.retrieve("demo-pebble");
    expect(one).toMatchObject({ id: "demo-pebble", object: "model" });
  });

  it("gets a non-streamed chat completion with usage", async () => {
    const completion = await client.chat.completions.create({
      model: "demo-pebble",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Why do leaves change colour?" },
      ],
      temperature: 0.2,
      max_tokens: 300,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("demo-pebble");
    const choice = completion.choices[0]!;
    expect(choice.message.role).toBe("assistant");
    expect(choice.message.content!.length).toBeGreaterThan(10);
    expect(choice.finish_reason).toBe("stop");
    expect(completion.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage!.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });

  it("streams a chat completion, token by token, with usage at the end", async () => {
    const stream = await client.chat.completions.create({
      model: "demo-gazette",
      messages: [{ role: "user", content: "Describe a lighthouse." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let deltas = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta?.content) {
        text += choice.delta.content;
        deltas++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas).toBeGreaterThan(3);
    expect(text).toMatch(/lighthouse/i);
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
    // The stream carries the same answer a non-streamed call gives (demo models are deterministic).
    const plain = await client.chat.completions.create({
      model: "demo-gazette",
      messages: [{ role: "user", content: "Describe a lighthouse." }],
    });
    expect(plain.choices[0]!.message.content).toBe(text);
  });

  it("routes router-mf-0.5 streamed and not streamed, naming the routed model (DESIGN section 12)", async () => {
    const pair = ["demo-wisteria", "demo-pebble"]; // d1/seed/routing.json
    const { data: plain, response } = await client.chat.completions
      .create({ model: "router-mf-0.5", messages: [{ role: "user", content: "Why is the sky blue?" }] })
      .withResponse();
    const header = response.headers.get("x-arena-route")!;
    expect(header).toMatch(/^mf;s=[01]\.\d{4};to=demo-(wisteria|pebble)$/);
    expect(pair).toContain(plain.model);
    expect(header.endsWith(`to=${plain.model}`)).toBe(true);
    expect(plain.choices[0]!.message.content!.length).toBeGreaterThan(10);

    const { data: stream, response: streamed } = await client.chat.completions
      .create({ model: "router-mf-0.5", messages: [{ role: "user", content: "Why is the sky blue?" }], stream: true })
      .withResponse();
    let text = "";
    let model = "";
    for await (const chunk of stream) {
      model = chunk.model;
      text += chunk.choices[0]?.delta?.content ?? "";
    }
    expect(streamed.headers.get("x-arena-route")).toBe(header); // the same prompt routes the same way
    expect(model).toBe(plain.model);
    expect(text).toBe(plain.choices[0]!.message.content);

    for (const bad of ["router-nope-0.5", "router-mf-2", "router-mf"]) {
      const err = await client.chat.completions
        .create({ model: bad, messages: [{ role: "user", content: "hi" }] })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err, bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as InstanceType<typeof OpenAI.BadRequestError>).code).toBe("invalid_model");
    }
  });

  it("surfaces a bad key as a 401 AuthenticationError in OpenAI's format", async () => {
    const bad = new OpenAI({ apiKey: "ak_000000000000_" + "0".repeat(40), baseURL: `${base}/v1`, maxRetries: 0 });
    const err = await bad.models.list().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.code).toBe("invalid_api_key");
    expect(e.type).toBe("invalid_request_error");
    const raw = await fetch(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-not-ours", "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-pebble", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      error: { message: expect.any(String), type: "invalid_request_error", param: null, code: "invalid_api_key" },
    });
    // An unknown model is the SDK's NotFoundError.
    const missing = await client.chat.completions
      .create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("a private model through the running arena", () => {
  const id = `e2e-private-${run}`;
  const codename = `cn-e2e-${run}`;
  const other = { apiKey: "" };
  const mine = (p: string, init: RequestInit = {}) =>
    fetch(`${base}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${provider.apiKey}`, "content-type": "application/json" },
    });

  beforeAll(async () => {
    other.apiKey = (await createProvider(`Other Harness ${run}`)).apiKey;
    const model = {
      id,
      name: `E2E Private ${run}`,
      provider: "demo",
      upstreamModel: "terse",
      codename,
      params: { tokensPerSecond: 60 },
    };
    expect((await mine("/v1/provider/models", { method: "POST", body: JSON.stringify(model) })).status).toBe(201);
    // The operator raises its weight so the next battles include it.
    const put = await fetch(`${base}/api/admin/models/${id}`, {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({
        name: model.name,
        organization: `SDK Harness ${run}`,
        provider: "demo",
        upstreamModel: "terse",
        visibility: "private",
        codename,
        status: "testing",
        samplingWeight: 1000,
        modes: ["battle"],
        params: model.params,
      }),
    });
    expect(put.status).toBe(200);
  });

  // Retired afterwards, so the other end-to-end files never meet it.
  afterAll(async () => {
    await mine(`/v1/provider/models/${id}?reason=e2e%20done`, { method: "DELETE" });
  });

  it("is battled, voted, recorded, rated only privately, and counted by /api/transparency", async () => {
    const battles: string[] = [];
    const opponents: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await json(
        await fetch(`${base}/api/battles`, {
          method: "POST",
          body: JSON.stringify({ mode: "anonymous", consent: true }),
        }),
      );
      await (
        await fetch(`${base}/api/battles/${created.id}/messages`, {
          method: "POST",
          body: JSON.stringify({ content: "Name a river." }),
        })
      ).text();
      const vote = await json(
        await fetch(`${base}/api/battles/${created.id}/vote`, {
          method: "POST",
          body: JSON.stringify({ winner: "a" }),
        }),
      );
      const shown = [vote.models.a.id, vote.models.b.id];
      expect(shown).not.toContain(id);
      if (shown.includes(codename)) {
        battles.push(created.id);
        opponents.push(shown.find((s) => s !== codename)!);
      }
    }
    expect(battles.length).toBeGreaterThanOrEqual(2);
    for (const b of battles) {
      await expect
        .poll(async () => (await json(await fetch(`${base}/api/battles/${b}`))).recorded, { timeout: 15_000 })
        .toBe(true);
    }
    const cron = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
    expect(cron.status).toBe(200);
    await cron.text();

    const results = await json(await mine(`/v1/provider/models/${id}/results`));
    expect(results.model).toMatchObject({ id, codename, visibility: "private" });
    expect(results.live.total).toBe(battles.length);
    expect(results.sample.battles.length).toBe(battles.length);
    const theirs = await fetch(`${base}/v1/provider/models/${id}/results`, {
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(theirs.status).toBe(404);

    const board = await fetch(`${base}/leaderboard.json`);
    if (board.status === 200) {
      const text = await board.text();
      expect(text).not.toContain(id);
      // The cron placed it on the public board: its own document, counting every battle against a rated opponent.
      const rated = new Set(JSON.parse(text).categories.overall.models.map((m: any) => m.model));
      const against = opponents.filter((o) => rated.has(o)).length;
      if (against > 0) {
        expect(results.results).toMatchObject({ model: id, overall: { votes: against } });
        expect(results.results.overall.rank).toBeGreaterThanOrEqual(1);
      }
    }
    const exported = await fetch(`${base}/api/export/battles.jsonl`);
    if (exported.status === 200) {
      const text = await exported.text();
      expect(text).not.toContain(id);
      for (const b of battles) expect(text).not.toContain(b);
    }
    const report = await json(await fetch(`${base}/api/transparency`));
    const entry = report.providers.find((p: any) => p.name === `SDK Harness ${run}`);
    expect(entry.privateVariants.variants).toEqual([
      expect.objectContaining({ codename, status: "testing", name: null }),
    ]);
    expect(entry.battles.total).toBe(battles.length);
  });
});

describe("the OpenAPI document of the running arena", () => {
  it("validates against the OpenAPI 3.1 schema and is readable at /api/docs", async () => {
    const doc = await json(await fetch(`${base}/openapi.json`));
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const page = await fetch(`${base}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("/v1/chat/completions");
  });
});
