// The real provider kinds against fake vendor servers replaying each vendor's documented stream byte for byte,
// torn at arbitrary byte boundaries (inside multi-byte characters, inside "\r\n", one byte per read): the text
// must come out exactly, with usage and finish reason, and each vendor must receive the request its API expects.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "../../shared/providers/types";
import {
  bytesOf,
  fakeBody,
  KEYS,
  PARAMS,
  randomSplit,
  runProvider,
  splitAt,
  trickyOffsets,
  vendorModel,
  type RunResult,
} from "./helpers";
import { VENDORS } from "./vendors";
import { ANSWER, OPENAI_STREAM_PROXIED } from "./wire";

afterEach(() => vi.restoreAllMocks());

const SEEDS = Array.from({ length: 60 }, (_, i) => i + 1);

function expectAnswer(result: RunResult, usage: { inputTokens: number; outputTokens: number }) {
  expect(result.error).toBeUndefined();
  expect(result.text).toBe(ANSWER);
  // Every text event carries text, and exactly one finish closes the stream.
  const finishes = result.events.filter((e) => e.type === "finish");
  expect(finishes).toEqual([{ type: "finish", reason: "stop", usage }]);
  expect(result.events.at(-1)?.type).toBe("finish");
  for (const e of result.events) if (e.type === "text") expect(e.text.length).toBeGreaterThan(0);
}

describe.each(VENDORS)("$kind stream", (vendor) => {
  const bytes = bytesOf(vendor.wire);

  it("contains the hard cases the splits must survive", () => {
    expect(trickyOffsets(bytes).length).toBeGreaterThan(10);
    expect(ANSWER).toMatch(/ï.*日本語.*🙂/s);
  });

  it("decodes the whole stream in one read", async () => {
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytes]) });
    expectAnswer(await runProvider(vendor.kind, { env }), vendor.usage);
  });

  it("decodes one byte per read", async () => {
    const { env } = vendor.serve({ kind: "stream", body: fakeBody(splitAt(bytes, [...bytes.keys()])) });
    expectAnswer(await runProvider(vendor.kind, { env }), vendor.usage);
  });

  it("decodes reads torn inside every multi-byte character and CRLF pair", async () => {
    const { env } = vendor.serve({ kind: "stream", body: fakeBody(splitAt(bytes, trickyOffsets(bytes))) });
    expectAnswer(await runProvider(vendor.kind, { env }), vendor.usage);
  });

  it.each(SEEDS)("decodes random network reads (seed %i)", async (seed) => {
    const { env } = vendor.serve({ kind: "stream", body: fakeBody(randomSplit(bytes, seed)) });
    expectAnswer(await runProvider(vendor.kind, { env }), vendor.usage);
  });
});

describe("openai-compatible variants", () => {
  it.each(SEEDS.slice(0, 20))("survives CRLF endings and keep-alive comments from a proxy (seed %i)", async (seed) => {
    const vendor = VENDORS.find((v) => v.kind === "openai")!;
    const { env } = vendor.serve({ kind: "stream", body: fakeBody(randomSplit(bytesOf(OPENAI_STREAM_PROXIED), seed)) });
    expectAnswer(await runProvider("openai", { env }), vendor.usage);
  });

  it("maps finish_reason length and accepts a server that omits usage and [DONE]", async () => {
    const vendor = VENDORS.find((v) => v.kind === "openai")!;
    const body =
      'data: {"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}\n\n' +
      'data: {"choices":[{"index":0,"delta":{"content":"Once upon"},"finish_reason":null}]}\n\n' +
      'data: {"choices":[{"index":0,"delta":{"content":" a time"},"finish_reason":"length"}]}\n\n';
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(body)]) });
    const result = await runProvider("openai", { env });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe("Once upon a time");
    expect(result.events.at(-1)).toEqual({ type: "finish", reason: "length", usage: undefined });
  });

  it("reads a vLLM-style usage chunk with choices null", async () => {
    const vendor = VENDORS.find((v) => v.kind === "openai")!;
    const body =
      'data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\n' +
      'data: {"choices":null,"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}\n\n' +
      "data: [DONE]\n\n";
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(body)]) });
    const result = await runProvider("openai", { env });
    expect(result.events).toEqual([
      { type: "text", text: "Hi" },
      { type: "finish", reason: "stop", usage: { inputTokens: 3, outputTokens: 1 } },
    ]);
  });
});

describe("finish reasons", () => {
  it("anthropic: stop_reason max_tokens is length", async () => {
    const vendor = VENDORS.find((v) => v.kind === "anthropic")!;
    const { env } = vendor.serve({
      kind: "stream",
      body: fakeBody([bytesOf(vendor.wire.replace('"stop_reason": "end_turn"', '"stop_reason": "max_tokens"'))]),
    });
    const result = await runProvider("anthropic", { env });
    expect(result.events.at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });

  it("gemini: MAX_TOKENS is length", async () => {
    const vendor = VENDORS.find((v) => v.kind === "gemini")!;
    const { env } = vendor.serve({
      kind: "stream",
      body: fakeBody([bytesOf(vendor.wire.replace('"finishReason": "STOP"', '"finishReason": "MAX_TOKENS"'))]),
    });
    const result = await runProvider("gemini", { env });
    expect(result.text).toBe(ANSWER);
    expect(result.events.at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });

  it("gemini: a SAFETY stop after some text keeps the text and finishes with stop", async () => {
    const vendor = VENDORS.find((v) => v.kind === "gemini")!;
    const { env } = vendor.serve({
      kind: "stream",
      body: fakeBody([bytesOf(vendor.wire.replace('"finishReason": "STOP"', '"finishReason": "SAFETY"'))]),
    });
    const result = await runProvider("gemini", { env });
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(ANSWER);
    expect(result.events.at(-1)).toMatchObject({ type: "finish", reason: "stop" });
  });

  it("gemini: a block with no text at all fails the side", async () => {
    const vendor = VENDORS.find((v) => v.kind === "gemini")!;
    const blocked =
      'data: {"candidates": [{"finishReason": "SAFETY","index": 0,"safetyRatings": [{"category": "HARM_CATEGORY_DANGEROUS_CONTENT","probability": "HIGH","blocked": true}]}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.5-flash"}\r\n\r\n';
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(blocked)]) });
    const result = await runProvider("gemini", { env });
    expect(result.error).toMatchObject({ name: "ProviderError", code: "http" });
    expect(result.events).toEqual([]);
  });

  it("gemini: a blocked prompt (promptFeedback) fails the side", async () => {
    const vendor = VENDORS.find((v) => v.kind === "gemini")!;
    const blocked =
      'data: {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"},"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9},"modelVersion": "gemini-2.5-flash"}\r\n\r\n';
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(blocked)]) });
    const result = await runProvider("gemini", { env });
    expect(result.error).toMatchObject({ name: "ProviderError", code: "http" });
  });

  it("workers-ai: a reply that fills max_tokens is length", async () => {
    const vendor = VENDORS.find((v) => v.kind === "workers-ai")!;
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    const result = await runProvider("workers-ai", { env, params: { ...PARAMS, maxTokens: 16 } });
    expect(result.text).toBe(ANSWER);
    expect(result.events.at(-1)).toMatchObject({ type: "finish", reason: "length" });
  });
});

// A conversation with the awkward bits: two system messages, an empty assistant answer (a side that errored),
// and a regular earlier turn.
const CONVERSATION: ChatMessage[] = [
  { role: "system", content: "You are concise." },
  { role: "system", content: "Answer in English." },
  { role: "user", content: "Hi there" },
  { role: "assistant", content: "" },
  { role: "user", content: "Are you there?" },
  { role: "assistant", content: "Yes, here." },
  { role: "user", content: "Tell me a joke about naïve 日本語 🙂" },
];

describe("requests each vendor receives", () => {
  const serveOk = (kind: string) => VENDORS.find((v) => v.kind === kind)!;

  it("openai: POST {baseUrl}/chat/completions, bearer key, streaming body with usage", async () => {
    const vendor = serveOk("openai");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    await runProvider("openai", { env, messages: CONVERSATION });
    expect(requests).toHaveLength(1);
    const req = requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://llm.example.test/v1/chat/completions");
    expect(req.headers.get("authorization")).toBe(`Bearer ${KEYS.openai}`);
    expect(req.headers.get("content-type")).toBe("application/json");
    expect(req.body).toEqual({
      model: "gpt-4o-mini",
      messages: CONVERSATION,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 512,
    });
  });

  it("openai: a local server without apiKeySecret gets no auth header, plain http allowed", async () => {
    const vendor = serveOk("openai");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    const model = vendorModel("openai", { baseUrl: "http://127.0.0.1:11434/v1", apiKeySecret: null });
    const result = await runProvider("openai", { env, model });
    expect(result.text).toBe(ANSWER);
    expect(requests[0]!.url).toBe("http://127.0.0.1:11434/v1/chat/completions");
    expect(requests[0]!.headers.has("authorization")).toBe(false);
  });

  it("anthropic: POST {baseUrl}/v1/messages, x-api-key + version, system apart, roles merged", async () => {
    const vendor = serveOk("anthropic");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    await runProvider("anthropic", { env, messages: CONVERSATION });
    const req = requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://claude.example.test/v1/messages");
    expect(req.headers.get("x-api-key")).toBe(KEYS.anthropic);
    expect(req.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(req.headers.get("content-type")).toBe("application/json");
    expect(req.headers.has("authorization")).toBe(false);
    expect(req.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 512,
      system: "You are concise.\n\nAnswer in English.",
      messages: [
        { role: "user", content: "Hi there\n\nAre you there?" },
        { role: "assistant", content: "Yes, here." },
        { role: "user", content: "Tell me a joke about naïve 日本語 🙂" },
      ],
      stream: true,
      temperature: 0.7,
      top_p: 0.9,
    });
  });

  it("anthropic: no system field without system messages; top_p 1 (a no-op) is not sent", async () => {
    const vendor = serveOk("anthropic");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    await runProvider("anthropic", { env, params: { temperature: 0.2, topP: 1, maxTokens: 100 } });
    expect(requests[0]!.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Say hello." }],
      stream: true,
      temperature: 0.2,
    });
  });

  it("gemini: POST {baseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse, x-goog-api-key, user/model roles", async () => {
    const vendor = serveOk("gemini");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    await runProvider("gemini", { env, messages: CONVERSATION });
    const req = requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("https://gemini.example.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(req.headers.get("x-goog-api-key")).toBe(KEYS.gemini);
    expect(req.headers.has("authorization")).toBe(false);
    expect(req.url).not.toContain(KEYS.gemini);
    expect(req.body).toEqual({
      contents: [
        { role: "user", parts: [{ text: "Hi there\n\nAre you there?" }] },
        { role: "model", parts: [{ text: "Yes, here." }] },
        { role: "user", parts: [{ text: "Tell me a joke about naïve 日本語 🙂" }] },
      ],
      systemInstruction: { parts: [{ text: "You are concise.\n\nAnswer in English." }] },
      generationConfig: { temperature: 0.7, topP: 0.9, maxOutputTokens: 512 },
    });
  });

  it("gemini: no systemInstruction without system messages; a models/ prefix is tolerated", async () => {
    const vendor = serveOk("gemini");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    const model = vendorModel("gemini", { baseUrl: null, upstreamModel: "models/gemini-2.0-flash" });
    await runProvider("gemini", { env, model });
    expect(requests[0]!.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    );
    expect(requests[0]!.body).not.toHaveProperty("systemInstruction");
  });

  it("workers-ai: AI.run(model, {messages, stream: true, max_tokens, temperature, top_p})", async () => {
    const vendor = serveOk("workers-ai");
    const { env, requests } = vendor.serve({ kind: "stream", body: fakeBody([bytesOf(vendor.wire)]) });
    await runProvider("workers-ai", { env, messages: CONVERSATION });
    expect(requests).toEqual([
      {
        url: "@cf/meta/llama-3.1-8b-instruct",
        method: "RUN",
        headers: expect.any(Headers),
        body: { messages: CONVERSATION, stream: true, max_tokens: 512, temperature: 0.7, top_p: 0.9 },
      },
    ]);
  });
});
