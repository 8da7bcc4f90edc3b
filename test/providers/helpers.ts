// Fake vendor servers for the provider tests (not a test file itself): a fetch spy that records each request and
// answers with a byte stream split exactly where a test says, so events, CRLF pairs and multi-byte characters
// arrive torn across network reads as they can in production.
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { mulberry32 } from "../../shared/core/random";
import { providerFor } from "../../shared/providers";
import type { ModelRecord } from "../../shared/models";
import type { ChatMessage, GenerationParams, ProviderEvent } from "../../shared/providers/types";
import { ProviderError } from "../../shared/providers/types";
import { makeModel } from "../model-fixtures";

const encoder = new TextEncoder();

/** Cuts `bytes` into pieces at the given offsets (sorted, deduplicated, inside the range). */
export function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(bytes.slice(start, cut));
    start = cut;
  }
  return out;
}

/** Random network reads of 1..maxSize bytes, reproducible from the seed. */
export function randomSplit(bytes: Uint8Array, seed: number, maxSize = 48): Uint8Array[] {
  const rand = mulberry32(seed);
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length;) {
    at += 1 + Math.floor(rand() * maxSize);
    offsets.push(at);
  }
  return splitAt(bytes, offsets);
}

/** Offsets that fall strictly inside a multi-byte UTF-8 character or between the two bytes of "\r\n". */
export function trickyOffsets(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 1; i < bytes.length; i++) {
    const continuation = (bytes[i]! & 0xc0) === 0x80;
    const insideCrlf = bytes[i - 1] === 0x0d && bytes[i] === 0x0a;
    if (continuation || insideCrlf) out.push(i);
  }
  return out;
}

export interface FakeBody {
  stream: ReadableStream<Uint8Array>;
  /** Resolves when the consumer cancels the body (Stop, error or early exit). */
  cancelled: Promise<void>;
  isCancelled: () => boolean;
}

/** A body that delivers `chunks` one per read, then closes, or stalls forever when `stall` is set. */
export function fakeBody(chunks: readonly Uint8Array[], opts: { stall?: boolean } = {}): FakeBody {
  let i = 0;
  let cancelledFlag = false;
  let markCancelled!: () => void;
  const cancelled = new Promise<void>((resolve) => (markCancelled = resolve));
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (i < chunks.length) controller.enqueue(chunks[i++]!);
        else if (opts.stall) await new Promise(() => {});
        else controller.close();
      },
      cancel() {
        cancelledFlag = true;
        markCancelled();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, cancelled, isCancelled: () => cancelledFlag };
}

export const bytesOf = (text: string) => encoder.encode(text);

export interface Captured {
  url: string;
  method: string;
  headers: Headers;
  body: unknown;
}

/** Spies on fetch; `answer` plays the vendor. Returns the recorded requests. */
export function fakeFetch(answer: (req: Captured, signal: AbortSignal | undefined) => Promise<Response> | Response) {
  const requests: Captured[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req: Captured = {
      url: typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : init?.body,
    };
    requests.push(req);
    return answer(req, init?.signal ?? undefined);
  });
  return requests;
}

export const sse = (body: FakeBody | ReadableStream<Uint8Array>, status = 200, headers: HeadersInit = {}) =>
  new Response(body instanceof ReadableStream ? body : body.stream, {
    status,
    headers: { "content-type": "text/event-stream", ...headers },
  });

export const KEYS = {
  openai: "sk-test-openai-5f2c9a7e1d",
  anthropic: "sk-ant-test-8b3e1f0c44",
  gemini: "AIzaTestGeminiKey-77aa91",
} as const;

/** The Worker env with the test keys and short timeouts; cast because the key names are the models' choice. */
export function testEnv(extra: Record<string, unknown> = {}): Env {
  return {
    ...env,
    OPENAI_KEY: KEYS.openai,
    ANTHROPIC_KEY: KEYS.anthropic,
    GEMINI_KEY: KEYS.gemini,
    PROVIDER_CONNECT_TIMEOUT_MS: "200",
    PROVIDER_IDLE_TIMEOUT_MS: "200",
    ...extra,
  } as unknown as Env;
}

export function vendorModel(kind: string, overrides: Partial<ModelRecord> = {}): ModelRecord {
  const byKind: Record<string, Partial<ModelRecord>> = {
    openai: { baseUrl: "https://llm.example.test/v1/", upstreamModel: "gpt-4o-mini", apiKeySecret: "OPENAI_KEY" },
    anthropic: {
      baseUrl: "https://claude.example.test",
      upstreamModel: "claude-sonnet-4-5",
      apiKeySecret: "ANTHROPIC_KEY",
    },
    gemini: { baseUrl: "https://gemini.example.test/", upstreamModel: "gemini-2.5-flash", apiKeySecret: "GEMINI_KEY" },
    "workers-ai": { baseUrl: null, upstreamModel: "@cf/meta/llama-3.1-8b-instruct", apiKeySecret: null },
  };
  return makeModel(`real-${kind}`, { provider: kind, ...byKind[kind], ...overrides });
}

export const PARAMS: GenerationParams = { temperature: 0.7, topP: 0.9, maxTokens: 512 };

export interface RunResult {
  text: string;
  events: ProviderEvent[];
  error: unknown;
}

/** Drains a provider call, keeping what it yielded before any error. */
export async function runProvider(
  kind: string,
  opts: {
    model?: ModelRecord;
    messages?: ChatMessage[];
    params?: GenerationParams;
    env?: Env;
    signal?: AbortSignal;
    onEvent?: (ev: ProviderEvent) => void;
  } = {},
): Promise<RunResult> {
  const provider = providerFor(kind);
  if (!provider) throw new Error(`no provider ${kind}`);
  const events: ProviderEvent[] = [];
  let error: unknown;
  try {
    for await (const ev of provider.generate({
      model: opts.model ?? vendorModel(kind),
      messages: opts.messages ?? [{ role: "user", content: "Say hello." }],
      params: opts.params ?? PARAMS,
      signal: opts.signal ?? new AbortController().signal,
      attempt: 0,
      env: opts.env ?? testEnv(),
    })) {
      events.push(ev);
      opts.onEvent?.(ev);
    }
  } catch (err) {
    error = err;
  }
  const text = events.map((e) => (e.type === "text" ? e.text : "")).join("");
  return { text, events, error };
}

/** Asserts a ProviderError of `code` whose message carries none of the test keys. */
export function expectProviderError(error: unknown, code: ProviderError["code"]): ProviderError {
  expect(error).toBeInstanceOf(ProviderError);
  const err = error as ProviderError;
  expect(err.code, err.message).toBe(code);
  for (const key of Object.values(KEYS)) expect(err.message).not.toContain(key);
  return err;
}
