// Streaming plumbing shared by the real provider kinds: a connect timeout (until response headers), an idle
// timeout between body reads, an SSE reader that copes with events split across network reads, and the mapping
// of every failure to a ProviderError. Stop (req.signal) is never an error: the readers just return quietly.
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { z } from "zod";
import { readConfig } from "../core/config";
import { ProviderError, type GenerateRequest } from "./types";

export type { EventSourceMessage };

/** One upstream call: what the helpers need to time out, stop, and write a log-safe error message. */
export interface Call {
  /** Prefix of every error message, e.g. "anthropic claude-x". Logs only (DESIGN invariant 1). */
  label: string;
  /** The battle's Stop signal. */
  signal: AbortSignal;
  connectMs: number;
  idleMs: number;
  /** The API key, scrubbed from any message we build (vendors sometimes echo it back in error bodies). */
  secret: string | null;
}

export function newCall(req: GenerateRequest, kind: string, secret: string | null): Call {
  const config = readConfig(req.env);
  return {
    label: `${kind} ${req.model.upstreamModel}`,
    signal: req.signal,
    connectMs: config.providerConnectTimeoutMs,
    idleMs: config.providerIdleTimeoutMs,
    secret,
  };
}

/** Builds a ProviderError whose message is labelled and never contains the key. */
export function fail(
  call: Call,
  code: ProviderError["code"],
  message: string,
  retryAfterSeconds?: number,
): ProviderError {
  let text = `${call.label}: ${message}`;
  if (call.secret) text = text.split(call.secret).join("[redacted]");
  return new ProviderError(code, text, retryAfterSeconds);
}

/** A timer as a promise that resolves with `value` (never rejects), plus its cancel. */
function timer<T>(ms: number, value: T): { done: Promise<T>; clear: () => void } {
  let id: ReturnType<typeof setTimeout>;
  const done = new Promise<T>((resolve) => {
    id = setTimeout(() => resolve(value), ms);
  });
  return { done, clear: () => clearTimeout(id) };
}

/** Resolves when the signal aborts (never rejects), so it can sit in a Promise.race. */
function whenAborted(signal: AbortSignal): Promise<"aborted"> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
}

/**
 * Starts a request with a connect timeout. `start` gets a signal that aborts on Stop or on the timeout; we also
 * race it ourselves, so a transport that ignores its signal still cannot hang the battle. Null means Stop.
 */
export async function connect<T>(call: Call, start: (signal: AbortSignal) => Promise<T>): Promise<T | null> {
  const controller = new AbortController();
  // Kept linked after the headers arrive, so Stop also aborts the body download.
  call.signal.addEventListener("abort", () => controller.abort(call.signal.reason), { once: true });
  if (call.signal.aborted) return null;
  const timedOut = timer(call.connectMs, "timeout" as const);
  try {
    const result = await Promise.race([start(controller.signal), timedOut.done, whenAborted(call.signal)]);
    if (result === "aborted") return null;
    if (result === "timeout") {
      controller.abort();
      throw fail(call, "timeout", `no response within ${call.connectMs} ms`);
    }
    return result;
  } catch (err) {
    if (call.signal.aborted) return null;
    if (err instanceof ProviderError) throw err;
    throw fail(call, "http", `request failed: ${String(err)}`);
  } finally {
    timedOut.clear();
  }
}

/** POSTs JSON and yields the SSE events of a 2xx answer; non-2xx answers become ProviderErrors. */
export async function* postSse(
  call: Call,
  url: string,
  headers: Record<string, string>,
  body: unknown,
  retryFromBody?: (text: string) => number | undefined,
): AsyncGenerator<EventSourceMessage> {
  const res = await connect(call, (signal) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
      body: JSON.stringify(body),
      signal,
    }),
  );
  if (!res) return;
  if (!res.ok) throw await httpFailure(call, res, retryFromBody);
  if (!res.body) throw fail(call, "cut", "response has no body");
  yield* sseEvents(call, res.body);
}

/** Reads the start of an error body (bounded in size and time) for the log line, then maps the status. */
export async function httpFailure(
  call: Call,
  res: Response,
  retryFromBody?: (text: string) => number | undefined,
): Promise<ProviderError> {
  const text = res.body ? await readSnippet(res.body, 2048, call.idleMs) : "";
  const detail = `HTTP ${res.status}${text ? `: ${text.slice(0, 300).replace(/\s+/g, " ")}` : ""}`;
  if (res.status === 429) {
    return fail(call, "rate_limited", detail, parseRetryAfter(res.headers) ?? retryFromBody?.(text));
  }
  return fail(call, "http", detail);
}

async function readSnippet(body: ReadableStream<Uint8Array>, maxBytes: number, timeoutMs: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  const deadline = timer(timeoutMs, "timeout" as const);
  try {
    while (bytes < maxBytes) {
      const step = await Promise.race([reader.read(), deadline.done]);
      if (step === "timeout" || step.done) break;
      bytes += step.value.byteLength;
      text += decoder.decode(step.value, { stream: true });
    }
  } catch {
    // The error body is only decoration for the log line.
  } finally {
    deadline.clear();
    reader.cancel().catch(() => {});
  }
  return text;
}

/**
 * `Retry-After` as whole seconds: delay-seconds or an HTTP-date (RFC 9110), plus OpenAI's `retry-after-ms`.
 * Undefined when absent or unparsable.
 */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value) {
    if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const ms = headers.get("retry-after-ms")?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms) / 1000);
  return undefined;
}

/**
 * Yields the SSE events of a body. Bytes go through a streaming TextDecoder (multi-byte characters split
 * across reads) into eventsource-parser (events and CRLF split across reads, `: ping` comments). Throws
 * "timeout" when no bytes arrive for idleMs (keep-alive comments count as life), "cut" when the connection
 * breaks; returns quietly on Stop. The body is cancelled whenever we stop reading early.
 */
export async function* sseEvents(call: Call, body: ReadableStream<Uint8Array>): AsyncGenerator<EventSourceMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const aborted = whenAborted(call.signal);
  try {
    while (true) {
      const idle = timer(call.idleMs, "idle" as const);
      let step: ReadableStreamReadResult<Uint8Array> | "idle" | "aborted";
      try {
        step = await Promise.race([reader.read(), idle.done, aborted]);
      } catch (err) {
        if (call.signal.aborted) return;
        throw fail(call, "cut", `connection broke mid-stream: ${String(err)}`);
      } finally {
        idle.clear();
      }
      if (step === "aborted" || call.signal.aborted) return;
      if (step === "idle") throw fail(call, "timeout", `stream idle for ${call.idleMs} ms`);
      if (step.done) {
        // A last event whose data lines are complete but that lacks the closing blank line still counts;
        // a half-written line does not (it ends up as "cut" in the caller).
        parser.feed(decoder.decode());
        parser.feed("\n");
      } else {
        parser.feed(decoder.decode(step.value, { stream: true }));
      }
      while (queue.length > 0) yield queue.shift()!;
      if (step.done) return;
    }
  } finally {
    // No-op after a clean end; on Stop, a thrown error or an early `break` it releases the connection.
    reader.cancel().catch(() => {});
  }
}

/** Parses one `data:` payload with a schema; anything else is a "malformed" chunk. */
export function parseData<S extends z.ZodType>(call: Call, schema: S, data: string): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    throw fail(call, "malformed", `unparsable data line: ${data.slice(0, 120)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail(call, "malformed", `unexpected chunk shape: ${data.slice(0, 120)}`);
  return parsed.data;
}

/**
 * An error object the vendor sent inside a 200 stream ({"error": {...}} or Anthropic's `error` event). A rate
 * limit becomes "rate_limited"; anything else (overloaded, server error, …) is an upstream failure, "http".
 */
export function streamError(call: Call, error: unknown, retryAfterSeconds?: number): ProviderError {
  const e = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  const kind = [e.type, e.code, e.status].map(str).filter(Boolean).join("/");
  const message = str(e.message) || (typeof error === "string" ? error : "");
  const limited =
    /^429$|rate.?limit|resource_exhausted/i.test(str(e.code)) || /rate.?limit|resource_exhausted/i.test(kind);
  return fail(
    call,
    limited ? "rate_limited" : "http",
    `error in stream: ${kind || "unknown"}${message ? `: ${message.slice(0, 300)}` : ""}`,
    limited ? retryAfterSeconds : undefined,
  );
}

/** `${base}${path}` without a doubled slash; a missing base falls back to the vendor's public endpoint. */
export function joinUrl(base: string | null, fallback: string, path: string): string {
  return `${(base ?? fallback).replace(/\/+$/, "")}${path}`;
}
