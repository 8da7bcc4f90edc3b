// Every fault, for every provider kind: each ends in a ProviderError with the right code (the battle loop turns it
// into the neutral "Model A failed to respond"), never carries the API key, and a Stop returns quietly.
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ProviderEvent } from "../../shared/providers/types";
import { bytesOf, expectProviderError, fakeBody, KEYS, runProvider, testEnv, vendorModel } from "./helpers";
import { eventBody, eventsOf, VENDORS } from "./vendors";
import { ANSWER } from "./wire";

afterEach(() => vi.restoreAllMocks());

const CONNECT_MS = 200;
const IDLE_MS = 200;

describe.each(VENDORS)("$kind faults", (vendor) => {
  const events = eventsOf(vendor);
  /** Events up to and including the first one that carries answer text. */
  const firstTextAt = events.findIndex((e) => e.includes("Hello"));

  it("connect timeout: headers never arrive", async () => {
    const { env } = vendor.serve({ kind: "hang" });
    const started = Date.now();
    const result = await runProvider(vendor.kind, { env });
    const elapsed = Date.now() - started;
    expectProviderError(result.error, "timeout");
    expect(elapsed).toBeGreaterThanOrEqual(CONNECT_MS - 20);
    expect(elapsed).toBeLessThan(CONNECT_MS + 1000);
    expect(result.events).toEqual([]);
  });

  it("idle timeout: the body stalls mid-answer", async () => {
    const body = eventBody(events.slice(0, firstTextAt + 1), { stall: true });
    const { env } = vendor.serve({ kind: "stream", body });
    const started = Date.now();
    const result = await runProvider(vendor.kind, { env });
    expectProviderError(result.error, "timeout");
    expect(Date.now() - started).toBeLessThan(IDLE_MS + 1000);
    expect(result.text.length).toBeGreaterThan(0);
    expect(ANSWER.startsWith(result.text)).toBe(true);
    expect(result.events.some((e) => e.type === "finish")).toBe(false);
    expect(body.isCancelled()).toBe(true);
  });

  it("HTTP 500 is an http failure", async () => {
    const { env } = vendor.serve({
      kind: "status",
      status: 500,
      body: '{"error":{"message":"The server had an error processing your request.","type":"server_error"}}',
    });
    const result = await runProvider(vendor.kind, { env });
    expectProviderError(result.error, "http");
    expect(result.events).toEqual([]);
  });

  it("HTTP 401 is an http failure, and the key the vendor echoes back is scrubbed", async () => {
    const { env } = vendor.serve({ kind: "status", status: 401, body: vendor.unauthorizedBody });
    const result = await runProvider(vendor.kind, { env });
    const err = expectProviderError(result.error, "http");
    if (vendor.kind !== "workers-ai") expect(err.message).toContain("401");
  });

  it("HTTP 429 is rate_limited with Retry-After", async () => {
    const { env } = vendor.serve({
      kind: "status",
      status: 429,
      headers: { "retry-after": "7" },
      body: '{"error":{"message":"Too many requests","type":"rate_limit_error"}}',
    });
    const result = await runProvider(vendor.kind, { env });
    const err = expectProviderError(result.error, "rate_limited");
    // The AI binding throws a plain error: there is no Retry-After to read.
    expect(err.retryAfterSeconds).toBe(vendor.kind === "workers-ai" ? undefined : 7);
  });

  it("stream cut mid-answer (no terminal event) is cut, after the text that did arrive", async () => {
    const cutAt = vendor.wire.indexOf("done");
    expect(cutAt).toBeGreaterThan(0);
    const body = fakeBody([bytesOf(vendor.wire.slice(0, cutAt))]);
    const { env } = vendor.serve({ kind: "stream", body });
    const result = await runProvider(vendor.kind, { env });
    expectProviderError(result.error, "cut");
    expect(result.text.length).toBeGreaterThan(0);
    expect(ANSWER.startsWith(result.text)).toBe(true);
    expect(result.text).not.toBe(ANSWER);
    expect(result.events.some((e) => e.type === "finish")).toBe(false);
  });

  it("a stream that closes right after the headers is cut", async () => {
    const { env } = vendor.serve({ kind: "stream", body: fakeBody([]) });
    expectProviderError((await runProvider(vendor.kind, { env })).error, "cut");
  });

  it("a malformed chunk is malformed", async () => {
    const broken = `data: {"choices": [{"delta": {"content": "Hel${vendor.sep}`;
    const body = eventBody([...events.slice(0, firstTextAt), broken, ...events.slice(firstTextAt)]);
    const { env } = vendor.serve({ kind: "stream", body });
    const result = await runProvider(vendor.kind, { env });
    expectProviderError(result.error, "malformed");
    expect(body.isCancelled()).toBe(true);
  });

  it("an error object mid-stream ends the side as an upstream failure", async () => {
    const body = eventBody([...events.slice(0, firstTextAt + 1), vendor.errorEvent, ...events.slice(firstTextAt + 1)]);
    const { env } = vendor.serve({ kind: "stream", body });
    const result = await runProvider(vendor.kind, { env });
    expectProviderError(result.error, "http");
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.events.some((e) => e.type === "finish")).toBe(false);
  });

  it("a rate-limit error object mid-stream is rate_limited", async () => {
    const body = eventBody([...events.slice(0, firstTextAt), vendor.rateLimitEvent]);
    const { env } = vendor.serve({ kind: "stream", body });
    expectProviderError((await runProvider(vendor.kind, { env })).error, "rate_limited");
  });

  it("Stop mid-stream returns quietly and cancels the body", async () => {
    const body = eventBody(events.slice(0, firstTextAt + 1), { stall: true });
    // Long idle timeout: only the Stop can end this call.
    const { env } = vendor.serve({ kind: "stream", body }, { PROVIDER_IDLE_TIMEOUT_MS: "60000" });
    const stop = new AbortController();
    const seen: ProviderEvent[] = [];
    const result = await runProvider(vendor.kind, {
      env,
      signal: stop.signal,
      onEvent: (ev) => {
        seen.push(ev);
        if (ev.type === "text") setTimeout(() => stop.abort(), 10);
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.text.length).toBeGreaterThan(0);
    expect(result.events.some((e) => e.type === "finish")).toBe(false);
    await body.cancelled;
  });

  it("Stop while waiting for headers returns quietly", async () => {
    const { env } = vendor.serve({ kind: "hang" }, { PROVIDER_CONNECT_TIMEOUT_MS: "60000" });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 20);
    const started = Date.now();
    const result = await runProvider(vendor.kind, { env, signal: stop.signal });
    expect(result.error).toBeUndefined();
    expect(result.events).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("an already-stopped battle makes no call", async () => {
    const { env, requests } = vendor.serve({ kind: "hang" });
    const stop = new AbortController();
    stop.abort();
    const result = await runProvider(vendor.kind, { env, signal: stop.signal });
    expect(result).toMatchObject({ error: undefined, events: [] });
    expect(requests).toEqual([]);
  });
});

describe("configuration faults", () => {
  it.each(["openai", "anthropic", "gemini"])(
    "%s: a missing secret is a config error naming only the secret",
    async (kind) => {
      const fetchSpy = vi.spyOn(globalThis, "fetch");
      const model = vendorModel(kind, { apiKeySecret: "NOT_SET_ANYWHERE" });
      const result = await runProvider(kind, { model, env: testEnv() });
      const err = expectProviderError(result.error, "config");
      expect(err.message).toContain("NOT_SET_ANYWHERE");
      expect(fetchSpy).not.toHaveBeenCalled();
    },
  );

  it.each(["anthropic", "gemini"])("%s: a model without apiKeySecret is a config error", async (kind) => {
    const result = await runProvider(kind, { model: vendorModel(kind, { apiKeySecret: null }) });
    expectProviderError(result.error, "config");
  });

  it("workers-ai: no AI binding is a config error", async () => {
    const result = await runProvider("workers-ai", { env: testEnv() });
    expectProviderError(result.error, "config");
  });

  it("a secret name that is a binding, not a string, is a config error", async () => {
    const result = await runProvider("openai", { model: vendorModel("openai", { apiKeySecret: "DB" }) });
    expectProviderError(result.error, "config");
  });

  it("an unreachable server is an http failure", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Network connection lost."));
    const result = await runProvider("openai");
    expectProviderError(result.error, "http");
  });
});

describe("gemini rate limits", () => {
  it("reads RetryInfo.retryDelay from a 429 body when there is no Retry-After", async () => {
    const vendor = VENDORS.find((v) => v.kind === "gemini")!;
    const { env } = vendor.serve({
      kind: "status",
      status: 429,
      body: JSON.stringify({
        error: {
          code: 429,
          message: "You exceeded your current quota.",
          status: "RESOURCE_EXHAUSTED",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "17s" }],
        },
      }),
    });
    const err = expectProviderError((await runProvider("gemini", { env })).error, "rate_limited");
    expect(err.retryAfterSeconds).toBe(17);
  });
});

it("the keys used in these tests are distinct enough to be searched for", () => {
  for (const key of Object.values(KEYS)) expect(key.length).toBeGreaterThan(15);
});
