// The OpenAI-compatible API (DESIGN section 4b) in the Workers runtime: model list, non-streamed and streamed
// completions with usage, OpenAI error objects, a per-key rate limit, and neutral upstream failures.
// (The official `openai` npm package drives the same routes in test/e2e/openai-sdk.e2e.test.ts.)
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, putModel } from "../helpers";
import { asProvider, createProvider, demoModel, expectOpenAIError, jsonInit, setupProviders } from "./helpers";
import { R, read } from "../responses";

let key: string;
beforeAll(async () => {
  const [p] = await setupProviders({ models: [demoModel("oa-private")] });
  key = p.apiKey;
});
afterEach(() => vi.restoreAllMocks());

/** The per-key limit is lowered to 8 a minute in vitest.config.mts: each test gets its own key. */
const freshKey = async () => (await createProvider()).apiKey;

const completion = (k: string, body: Record<string, unknown>) =>
  asProvider(k, "/v1/chat/completions", jsonInit("POST", body));
const hello = [{ role: "user", content: "Explain tides in one line." }];

function parseChunks(raw: string) {
  const lines = raw.split("\n\n").filter(Boolean);
  expect(lines.every((l) => l.startsWith("data: "))).toBe(true);
  expect(lines.at(-1)).toBe("data: [DONE]");
  return lines.slice(0, -1).map((l) => JSON.parse(l.slice(6)));
}

describe("OpenAI-compatible API", () => {
  it("lists the public, active arena models in OpenAI's list format", async () => {
    const key = await freshKey();
    const res = await asProvider(key, "/v1/models");
    expect(res.status).toBe(200);
    const body = await read(res, R.openAIModels);
    expect(body.object).toBe("list");
    const ids = body.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["demo-pebble", "demo-wisteria", "demo-gazette"]));
    expect(ids).not.toContain("oa-private");
    expect(body.data[0]).toEqual({
      id: expect.any(String),
      object: "model",
      created: expect.any(Number),
      owned_by: expect.any(String),
    });
    expect(await (await asProvider(key, "/v1/models/demo-pebble")).json()).toMatchObject({
      id: "demo-pebble",
      object: "model",
    });
    await expectOpenAIError(await asProvider(key, "/v1/models/oa-private"), 404, "model_not_found");
  });

  it("answers a non-streamed completion with usage", async () => {
    const key = await freshKey();
    const res = await completion(key, { model: "demo-pebble", messages: hello, max_tokens: 200 });
    expect(res.status).toBe(200);
    const body = await read(res, R.completion);
    expect(body).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: "chat.completion",
      model: "demo-pebble",
      choices: [{ index: 0, message: { role: "assistant" }, finish_reason: "stop" }],
    });
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(10);
    const u = body.usage;
    expect(u.prompt_tokens).toBeGreaterThan(0);
    expect(u.completion_tokens).toBeGreaterThan(0);
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);
    // Text parts and developer messages are accepted; max_tokens caps the answer (finish "length").
    const short = await read(
      completion(key, {
        model: "demo-wisteria",
        messages: [
          { role: "developer", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "Tell me " },
              { type: "text", text: "about rivers." },
            ],
          },
        ],
        max_completion_tokens: 3,
      }),
      R.completion,
    );
    expect(short.choices[0]!.finish_reason).toBe("length");
    expect(short.usage.completion_tokens).toBeLessThanOrEqual(6);
  });

  it("streams chat.completion.chunk events ending with [DONE], usage on request", async () => {
    const key = await freshKey();
    const res = await completion(key, {
      model: "demo-gazette",
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const chunks = parseChunks(await res.text());
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const id = chunks[0].id;
    expect(chunks.every((c) => c.id === id && c.object === "chat.completion.chunk" && c.model === "demo-gazette")).toBe(
      true,
    );
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    expect(text.length).toBeGreaterThan(20);
    const withContent = chunks.filter((c) => c.choices[0]?.delta?.content);
    expect(withContent.length).toBeGreaterThan(3); // tokens as they come, not one blob
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish.choices[0].finish_reason).toBe("stop");
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    // The same request, not streamed, gives the same text (demo models are deterministic).
    const plain = await read(completion(key, { model: "demo-gazette", messages: hello }), R.completion);
    expect(plain.choices[0]!.message.content).toBe(text);
  });

  it("answers bad requests with OpenAI error objects", async () => {
    const key = await freshKey();
    await expectOpenAIError(await completion(key, { model: "nope", messages: hello }), 404, "model_not_found");
    await expectOpenAIError(await completion(key, { model: "oa-private", messages: hello }), 404, "model_not_found");
    const missing = await expectOpenAIError(await completion(key, { model: "demo-pebble" }), 422, "invalid_request");
    expect(missing.message).toMatch(/messages/);
    await expectOpenAIError(await completion(key, { model: "demo-pebble", messages: hello, n: 2 }), 422);
    await expectOpenAIError(
      await completion(key, { model: "demo-pebble", messages: [{ role: "tool", content: "x" }] }),
      422,
    );
    await expectOpenAIError(
      await asProvider(key, "/v1/chat/completions", { method: "POST", body: "{oops" }),
      400,
      "bad_json",
    );
    const long = "x".repeat(30_001);
    await expectOpenAIError(
      await completion(key, { model: "demo-pebble", messages: [{ role: "user", content: long }] }),
      422,
    );
  });

  it("fails neutrally when the upstream fails: no vendor text, 502 or an error event", async () => {
    const key = await freshKey();
    const VENDOR = "shard 9 exploded on gpu-host-77";
    await putModel("oa-flaky", {
      name: "Flaky Upstream",
      organization: "Flaky Org",
      provider: "openai",
      baseUrl: "https://flaky.test/v1",
      upstreamModel: "flaky-1",
    });
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(VENDOR, { status: 500 }));
    const res = await completion(key, { model: "oa-flaky", messages: hello });
    const error = await expectOpenAIError(res, 502, "upstream_error");
    expect(error.type).toBe("server_error");
    expect(error.message).not.toContain("shard");
    const streamed = await completion(key, { model: "oa-flaky", messages: hello, stream: true });
    await expectOpenAIError(streamed, 502, "upstream_error");

    // Cut mid-answer: the stream has begun, so the failure arrives as an error event and no [DONE]. (Another
    // model: three failures in a row would have the circuit breaker pause the first, a 503 model_unavailable.)
    await putModel("oa-cut", {
      name: "Cut Upstream",
      organization: "Flaky Org",
      provider: "openai",
      baseUrl: "https://flaky.test/v1",
      upstreamModel: "cut-1",
    });
    const partial = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "Half an ans" } }] })}\n\n`;
    vi.spyOn(globalThis, "fetch").mockImplementation(
      async () => new Response(partial, { headers: { "content-type": "text/event-stream" } }),
    );
    const cut = await completion(key, { model: "oa-cut", messages: hello, stream: true });
    expect(cut.status).toBe(200);
    const events = (await cut.text()).split("\n\n").filter(Boolean);
    expect(events).not.toContain("data: [DONE]");
    const last = JSON.parse(events.at(-1)!.slice(6));
    expect(last).toEqual({
      error: { message: "The model failed to respond.", type: "server_error", param: null, code: "upstream_error" },
    });
    expect(events.some((e) => e.includes("Half an ans"))).toBe(true);
    await expectOpenAIError(await completion(key, { model: "oa-cut", messages: hello }), 502, "upstream_error");
    // The breaker counts these failures as battles do (recorded after the response): a third pauses the model.
    const other = await freshKey();
    await expect
      .poll(async () => (await completion(other, { model: "oa-cut", messages: hello })).status, { timeout: 5000 })
      .toBe(503);
    const paused = await completion(other, { model: "oa-cut", messages: hello });
    expect(paused.headers.get("retry-after")).toMatch(/^\d+$/);
    await expectOpenAIError(paused, 503, "model_unavailable");
  });

  it("limits requests per key (429 with Retry-After), independently for each key", async () => {
    const limited = (await createProvider()).apiKey;
    const other = (await createProvider()).apiKey;
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await asProvider(limited, "/v1/models")).status);
    expect(statuses.slice(0, 8).every((s) => s === 200)).toBe(true);
    const res = await asProvider(limited, "/v1/models");
    expect(res.headers.get("retry-after")).toBe("60");
    await expectOpenAIError(res, 429, "rate_limit_exceeded");
    expect((await asProvider(other, "/v1/models")).status).toBe(200);
    // Provider management routes are not rate limited by it.
    expect((await asProvider(limited, "/v1/provider/models")).status).toBe(200);
    expect((await call("/api/models")).status).toBe(200);
  });
});
