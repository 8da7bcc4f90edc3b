// One table entry per provider kind: its documented stream, its error payloads, and how a test plays the vendor
// (a fetch spy for HTTP kinds, a fake `AI` binding for workers-ai). Not a test file itself.
import { vi } from "vitest";
import { bytesOf, fakeBody, fakeFetch, KEYS, sse, testEnv, type Captured, type FakeBody } from "./helpers";
import * as wire from "./wire";

export type Reply =
  /** Headers never arrive (the transport also ignores its abort signal). */
  | { kind: "hang" }
  /** A 2xx SSE answer with this body. */
  | { kind: "stream"; body: FakeBody }
  /** A non-2xx answer. */
  | { kind: "status"; status: number; headers?: Record<string, string>; body: string };

export interface Vendor {
  kind: "openai" | "anthropic" | "gemini" | "workers-ai";
  wire: string;
  usage: { inputTokens: number; outputTokens: number };
  /** Event separator of this vendor's stream. */
  sep: string;
  errorEvent: string;
  rateLimitEvent: string;
  /** A 401 body that echoes the key back (worst case), to prove it is scrubbed from our messages. */
  unauthorizedBody: string;
  /** Plays the vendor for one call; returns the env to pass and the recorded requests. */
  serve(reply: Reply, envExtra?: Record<string, unknown>): { env: Env; requests: Captured[] };
}

function httpServe(reply: Reply, envExtra: Record<string, unknown> = {}) {
  const requests = fakeFetch(() => {
    if (reply.kind === "hang") return new Promise<Response>(() => {});
    if (reply.kind === "stream") return sse(reply.body);
    return new Response(reply.body, {
      status: reply.status,
      headers: { "content-type": "application/json", ...reply.headers },
    });
  });
  return { env: testEnv(envExtra), requests };
}

/** The AI binding throws plain errors where an HTTP API answers with a status. */
const AI_ERRORS: Record<number, string> = {
  401: "AiError: 10000: Authentication error",
  429: "AiError: 3036: Account limited: you have used up your daily free allocation of 10,000 neurons",
  500: "AiError: 3040: Capacity temporarily exceeded, please try again.",
};

function aiServe(reply: Reply, envExtra: Record<string, unknown> = {}) {
  const requests: Captured[] = [];
  const run = vi.fn(async (model: string, inputs: Record<string, unknown>) => {
    requests.push({ url: model, method: "RUN", headers: new Headers(), body: inputs });
    if (reply.kind === "hang") return new Promise<never>(() => {});
    if (reply.kind === "stream") return reply.body.stream;
    throw new Error(AI_ERRORS[reply.status] ?? `AiError: ${reply.status}`);
  });
  return { env: testEnv({ AI: { run }, ...envExtra }), requests };
}

export const VENDORS: Vendor[] = [
  {
    kind: "openai",
    wire: wire.OPENAI_STREAM,
    usage: wire.OPENAI_USAGE,
    sep: "\n\n",
    errorEvent: `data: {"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}\n\n`,
    rateLimitEvent: `data: {"error":{"message":"Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}\n\n`,
    unauthorizedBody: `{"error":{"message":"Incorrect API key provided: ${KEYS.openai}. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
    serve: httpServe,
  },
  {
    kind: "anthropic",
    wire: wire.ANTHROPIC_STREAM,
    usage: wire.ANTHROPIC_USAGE,
    sep: "\n\n",
    errorEvent: `event: error\ndata: {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}\n\n`,
    rateLimitEvent: `event: error\ndata: {"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your per-minute rate limit"}}\n\n`,
    unauthorizedBody: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key ${KEYS.anthropic}"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}`,
    serve: httpServe,
  },
  {
    kind: "gemini",
    wire: wire.GEMINI_STREAM,
    usage: wire.GEMINI_USAGE,
    sep: "\r\n\r\n",
    errorEvent: `data: {"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}\r\n\r\n`,
    rateLimitEvent: `data: {"error": {"code": 429, "message": "You exceeded your current quota.", "status": "RESOURCE_EXHAUSTED"}}\r\n\r\n`,
    unauthorizedBody: `{"error": {"code": 401, "message": "API key not valid: ${KEYS.gemini}", "status": "UNAUTHENTICATED"}}`,
    serve: httpServe,
  },
  {
    kind: "workers-ai",
    wire: wire.WORKERS_AI_STREAM,
    usage: wire.WORKERS_AI_USAGE,
    sep: "\n\n",
    errorEvent: `data: {"error":{"message":"InferenceUpstreamError: upstream disconnected","code":3043}}\n\n`,
    rateLimitEvent: `data: {"error":{"message":"Rate limited: too many requests","code":429}}\n\n`,
    unauthorizedBody: "",
    serve: aiServe,
  },
];

/** The vendor's stream as a list of whole events (separators kept), for surgery in fault tests. */
export function eventsOf(v: Vendor): string[] {
  return v.wire
    .split(v.sep)
    .filter(Boolean)
    .map((e) => e + v.sep);
}

/** A body that serves `text` in one read per event, optionally stalling at the end instead of closing. */
export function eventBody(events: readonly string[], opts: { stall?: boolean } = {}): FakeBody {
  return fakeBody(
    events.map((e) => bytesOf(e)),
    opts,
  );
}
