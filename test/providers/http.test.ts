// The shared pieces under the provider kinds: Retry-After parsing, the SSE reader, error mapping, message
// reshaping and the registry.
import { afterEach, describe, expect, it, vi } from "vitest";
import { ModelInput } from "../../shared/models";
import { PROVIDER_KINDS, providerFor } from "../../shared/providers";
import {
  fail,
  httpFailure,
  joinUrl,
  parseRetryAfter,
  sseEvents,
  streamError,
  type Call,
  type EventSourceMessage,
} from "../../shared/providers/http";
import { splitConversation } from "../../shared/providers/messages";
import { bytesOf, expectProviderError, fakeBody, runProvider, splitAt } from "./helpers";
import { VENDORS } from "./vendors";

afterEach(() => vi.restoreAllMocks());

const call = (over: Partial<Call> = {}): Call => ({
  label: "test vendor-model",
  signal: new AbortController().signal,
  connectMs: 200,
  idleMs: 200,
  secret: "sk-secret-value-123",
  ...over,
});

async function drain(body: ReadableStream<Uint8Array>, c = call()): Promise<EventSourceMessage[]> {
  const out: EventSourceMessage[] = [];
  for await (const ev of sseEvents(c, body)) out.push(ev);
  return out;
}

describe("parseRetryAfter", () => {
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);
  const h = (init: Record<string, string>) => new Headers(init);

  it("reads delay-seconds", () => {
    expect(parseRetryAfter(h({ "retry-after": "30" }), now)).toBe(30);
    expect(parseRetryAfter(h({ "retry-after": " 0 " }), now)).toBe(0);
    expect(parseRetryAfter(h({ "retry-after": "1.2" }), now)).toBe(2);
  });

  it("reads an HTTP-date, relative to now, never negative", () => {
    expect(parseRetryAfter(h({ "retry-after": "Wed, 15 Jan 2025 12:01:30 GMT" }), now)).toBe(90);
    expect(parseRetryAfter(h({ "retry-after": "Wed, 15 Jan 2025 11:00:00 GMT" }), now)).toBe(0);
  });

  it("falls back to retry-after-ms, and ignores garbage", () => {
    expect(parseRetryAfter(h({ "retry-after-ms": "1500" }), now)).toBe(2);
    expect(parseRetryAfter(h({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(h({}), now)).toBeUndefined();
  });

  it("reaches the ProviderError of a 429 with an HTTP-date", async () => {
    const vendor = VENDORS.find((v) => v.kind === "anthropic")!;
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const { env } = vendor.serve({
      kind: "status",
      status: 429,
      headers: { "retry-after": inOneMinute },
      body: '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}',
    });
    const err = expectProviderError((await runProvider("anthropic", { env })).error, "rate_limited");
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(61);
  });
});

describe("sseEvents", () => {
  it("parses events, named events, multi-line data, comments and CRLF", async () => {
    const text = ": hello\r\nevent: a\r\ndata: 1\r\ndata: 2\r\n\r\n:ping\n\ndata:x\n\n";
    const events = await drain(fakeBody(splitAt(bytesOf(text), [3, 14, 15, 22, 31, 32])).stream);
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ["a", "1\n2"],
      [undefined, "x"],
    ]);
  });

  it("dispatches a complete last event without its closing blank line, drops a half-written one", async () => {
    expect((await drain(fakeBody([bytesOf('data: {"a":1}\n')]).stream)).map((e) => e.data)).toEqual(['{"a":1}']);
    expect(await drain(fakeBody([bytesOf('data: {"a":1}\n\ndata: {"b"')]).stream)).toHaveLength(1);
  });

  it("a connection that breaks mid-body is cut", async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(bytesOf("data: 1\n\n"));
        } else controller.error(new Error("connection reset"));
      },
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const ev of sseEvents(call(), body)) seen.push(ev.data);
      })(),
    ).rejects.toMatchObject({ code: "cut" });
    expect(seen).toEqual(["1"]);
  });

  it("an early break cancels the body", async () => {
    const body = fakeBody([bytesOf("data: 1\n\n"), bytesOf("data: 2\n\n")], { stall: true });
    for await (const ev of sseEvents(call(), body.stream)) {
      expect(ev.data).toBe("1");
      break;
    }
    await body.cancelled;
  });
});

describe("error mapping", () => {
  it("fail() scrubs the key and labels the message", () => {
    const err = fail(call(), "http", "HTTP 401: bad key sk-secret-value-123 (sk-secret-value-123)");
    expect(err.message).toBe("test vendor-model: HTTP 401: bad key [redacted] ([redacted])");
  });

  it("streamError: rate limits by code, type or status; everything else is http", () => {
    expect(streamError(call(), { code: 429, message: "x" }).code).toBe("rate_limited");
    expect(streamError(call(), { type: "rate_limit_error" }).code).toBe("rate_limited");
    expect(streamError(call(), { code: "rate_limit_exceeded" }).code).toBe("rate_limited");
    expect(streamError(call(), { status: "RESOURCE_EXHAUSTED" }, 5)).toMatchObject({
      code: "rate_limited",
      retryAfterSeconds: 5,
    });
    expect(streamError(call(), { type: "overloaded_error", message: "Overloaded" }).code).toBe("http");
    expect(streamError(call(), "boom").code).toBe("http");
    expect(streamError(call(), null).code).toBe("http");
  });

  it("httpFailure does not wait forever for an error body that never ends", async () => {
    const body = fakeBody([bytesOf('{"error":')], { stall: true });
    const started = Date.now();
    const err = await httpFailure(call({ idleMs: 50 }), new Response(body.stream, { status: 503 }));
    expect(err).toMatchObject({ code: "http" });
    expect(err.message).toContain("HTTP 503");
    expect(Date.now() - started).toBeLessThan(1000);
    await body.cancelled;
  });

  it("joinUrl strips trailing slashes and falls back to the vendor default", () => {
    expect(joinUrl("http://127.0.0.1:8000/v1///", "x", "/chat/completions")).toBe(
      "http://127.0.0.1:8000/v1/chat/completions",
    );
    expect(joinUrl(null, "https://api.anthropic.com", "/v1/messages")).toBe("https://api.anthropic.com/v1/messages");
  });
});

describe("splitConversation", () => {
  it("pulls system messages out, drops empty turns, merges same-role neighbours", () => {
    expect(
      splitConversation([
        { role: "system", content: "A" },
        { role: "user", content: "q1" },
        { role: "assistant", content: "   " },
        { role: "system", content: "" },
        { role: "user", content: "q2" },
        { role: "system", content: "B" },
        { role: "assistant", content: "a2" },
        { role: "assistant", content: "a2b" },
        { role: "user", content: "q3" },
      ]),
    ).toEqual({
      system: "A\n\nB",
      turns: [
        { role: "user", content: "q1\n\nq2" },
        { role: "assistant", content: "a2\n\na2b" },
        { role: "user", content: "q3" },
      ],
    });
  });

  it("has no system without system messages, and does not mutate its input", () => {
    const input = [
      { role: "user" as const, content: "a" },
      { role: "user" as const, content: "b" },
    ];
    expect(splitConversation(input)).toEqual({ system: null, turns: [{ role: "user", content: "a\n\nb" }] });
    expect(input[0]!.content).toBe("a");
  });
});

describe("registry", () => {
  it("serves every kind it lists, and nothing else", () => {
    expect([...PROVIDER_KINDS].sort()).toEqual(["anthropic", "demo", "gemini", "openai", "workers-ai"]);
    for (const kind of PROVIDER_KINDS) expect(providerFor(kind)).toBeDefined();
    expect(providerFor("nope")).toBeUndefined();
    expect(providerFor("toString")).toBeUndefined();
  });

  it("the admin model schema accepts the real kinds with plain-http base URLs", () => {
    const parsed = ModelInput.safeParse({
      name: "Local Llama",
      organization: "Local",
      provider: "openai",
      baseUrl: "http://127.0.0.1:11434/v1",
      upstreamModel: "llama3.2",
    });
    expect(parsed.success).toBe(true);
  });
});
