// The arena's HTTP API (DESIGN section 4) as seen by the browser: JSON calls with the one error envelope, and
// the battle stream (Server-Sent Events over a POST response, read with fetch).
import { EventSourceParserStream } from "eventsource-parser/stream";
// The wire types are the server's own (type-only imports: esbuild erases them, no server code reaches the bundle).
import type { BattleView, VoteOutcome } from "../../shared/battle/contract";
import type { BattleEvent } from "../../shared/battle/sse";

export type { Side, SideFinish as Finish } from "../../shared/battle/sse";
export type { Winner } from "../../shared/battle/contract";
export type { ModelReveal } from "../../shared/models/reveal";

/** GET /api/models. */
export type { PublicModel } from "../../shared/models/public";

/** The data of one battle stream event. */
type EventData<E extends BattleEvent["event"]> = Extract<BattleEvent, { event: E }>["data"];

export type DoneEvent = EventData<"done">;

/** GET /api/battles/:id: the battle's view, and whether its vote has reached D1. */
export type BattleState = BattleView & { recorded: boolean };

/** POST /api/battles/:id/vote. */
export type VoteResult = VoteOutcome;

/** An error answer of the API: `{"error": {"code", "message"}}`, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

async function errorOf(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get("retry-after"));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(
      res.status,
      body.error?.code ?? "http_error",
      body.error?.message ?? res.statusText,
      retryAfter,
    );
  } catch {
    return new ApiError(res.status, "http_error", `The server answered ${res.status}.`, retryAfter);
  }
}

async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network", "Could not reach the arena. Check your connection and try again.");
  }
  if (!res.ok) throw await errorOf(res);
  return res;
}

const jsonInit = (method: string, body?: unknown, headers: Record<string, string> = {}): RequestInit =>
  body === undefined
    ? { method, headers }
    : { method, headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) };

export async function getJson<T>(path: string): Promise<T> {
  return (await (await send(path, { headers: { accept: "application/json" } })).json()) as T;
}

/** POSTs JSON; `headers` adds e.g. an Authorization header. */
export async function postJson<T>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  return (await (await send(path, jsonInit("POST", body, headers))).json()) as T;
}

/**
 * POSTs and hands every named SSE event of the answer to `onEvent` (its data parsed as JSON) until the stream ends.
 * Rejects with ApiError for an error answer (before any event), "stream_interrupted" when the connection is lost or
 * the stream ends before an event named `done`; an abort through `signal` resolves quietly. `what` names the stream
 * in that message ("the answer was", "the answers were").
 */
export async function streamNamed(
  path: string,
  body: unknown,
  onEvent: (event: string, data: unknown) => void,
  signal?: AbortSignal,
  what = "the answer was",
): Promise<void> {
  const res = await send(path, { ...jsonInit("POST", body), signal });
  if (!res.body) throw new ApiError(0, "stream_interrupted", "The answer stream ended unexpectedly.");
  const reader = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  const interrupted = () => new ApiError(0, "stream_interrupted", `The connection was lost while ${what} streaming.`);
  let sawDone = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      let data: unknown;
      try {
        data = JSON.parse(value.data);
      } catch {
        continue;
      }
      if (value.event === "done") sawDone = true;
      onEvent(value.event ?? "message", data);
    }
  } catch {
    if (signal?.aborted) return;
    throw interrupted();
  }
  if (!sawDone && !signal?.aborted) throw interrupted();
}

export interface StreamHandlers {
  meta?(data: EventData<"meta">): void;
  token(data: EventData<"token">): void;
  sideDone(data: EventData<"side-done">): void;
  error(data: EventData<"error">): void;
  done(data: DoneEvent): void;
}

/** The battle stream (both sides), read through streamNamed: same errors, one handler per event kind. */
export function streamEvents(
  path: string,
  body: unknown,
  handlers: StreamHandlers,
  signal?: AbortSignal,
): Promise<void> {
  return streamNamed(
    path,
    body,
    (event, data) => {
      switch (event) {
        case "meta":
          handlers.meta?.(data as EventData<"meta">);
          break;
        case "token":
          handlers.token(data as EventData<"token">);
          break;
        case "side-done":
          handlers.sideDone(data as EventData<"side-done">);
          break;
        case "error":
          handlers.error(data as EventData<"error">);
          break;
        case "done":
          handlers.done(data as DoneEvent);
          break;
      }
    },
    signal,
    "the answers were",
  );
}

/** A short, human sentence for an API error (never a stack trace). */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 429) {
      return `Too many requests right now. Please wait ${err.retryAfter ?? 60} seconds and try again.`;
    }
    return err.message;
  }
  return "Something went wrong. Please try again.";
}
