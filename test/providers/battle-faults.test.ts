// Provider faults at the battle level (DESIGN sections 3 and 5), for every real provider kind: a fake vendor (a
// fetch spy) fails in each documented way; that side ends with a neutral `error` then `side-done` "error", the other
// side completes, `done` arrives, the vote is recorded excluded with `provider_error`, and the per-model circuit
// breaker pauses the model after BREAKER_FAILURES failures in a row and lets it back after the cool-down.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { expectError, getBattle, post, putModel, readStream } from "../helpers";
import { R, read } from "../responses";

const KEY = "sk-vendor-secret-123"; // VENDOR_TEST_KEY in vitest.config.mts
const HOST = "vendor.test";
const VENDOR_DETAIL = "upstream exploded: shard 7 on gpu-node-42";

type Kind = "openai" | "anthropic" | "gemini";
const KINDS: Kind[] = ["openai", "anthropic", "gemini"];

const sse = (events: [string | null, string][]) =>
  events.map(([event, data]) => `${event ? `event: ${event}\n` : ""}data: ${data}\n\n`).join("");

/** A healthy answer in each vendor's documented stream format, and the same stream cut or corrupted mid-answer. */
function vendorStream(kind: Kind, shape: "ok" | "cut" | "malformed"): string {
  const words = ["Tides", " follow", " the", " moon."];
  const partial = shape === "ok" ? words : words.slice(0, 2);
  const bad: [string | null, string][] =
    shape === "malformed" ? [[kind === "anthropic" ? "content_block_delta" : null, "{not json"]] : [];
  if (kind === "openai") {
    const c = (delta: object, finish: string | null = null) =>
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    const head: [null, string][] = [
      [null, c({ role: "assistant", content: "" })],
      ...partial.map((w): [null, string] => [null, c({ content: w })]),
    ];
    if (shape !== "ok") return sse([...head, ...bad]);
    return sse([
      ...head,
      [null, c({}, "stop")],
      [null, JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })],
      [null, "[DONE]"],
    ]);
  }
  if (kind === "anthropic") {
    const head: [string, string][] = [
      [
        "message_start",
        JSON.stringify({
          type: "message_start",
          message: {
            id: "m1",
            type: "message",
            role: "assistant",
            content: [],
            usage: { input_tokens: 3, output_tokens: 1 },
          },
        }),
      ],
      [
        "content_block_start",
        JSON.stringify({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
      ],
      ["ping", JSON.stringify({ type: "ping" })],
      ...partial.map((w): [string, string] => [
        "content_block_delta",
        JSON.stringify({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: w } }),
      ]),
    ];
    if (shape !== "ok") return sse([...head, ...bad]);
    return sse([
      ...head,
      ["content_block_stop", JSON.stringify({ type: "content_block_stop", index: 0 })],
      [
        "message_delta",
        JSON.stringify({ type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } }),
      ],
      ["message_stop", JSON.stringify({ type: "message_stop" })],
    ]);
  }
  const g = (text: string, finish?: string) =>
    JSON.stringify({
      candidates: [{ content: { role: "model", parts: [{ text }] }, ...(finish ? { finishReason: finish } : {}) }],
      ...(finish ? { usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4 } } : {}),
    });
  const head = partial.slice(0, -1).map((w): [null, string] => [null, g(w)]);
  if (shape !== "ok") return sse([...partial.map((w): [null, string] => [null, g(w)]), ...bad]);
  return sse([...head, [null, g(partial.at(-1)!, "STOP")]]);
}

type Fault = "connect_timeout" | "idle_timeout" | "http_500" | "http_429" | "cut" | "malformed";
const FAULTS: Fault[] = ["connect_timeout", "idle_timeout", "http_500", "http_429", "cut", "malformed"];
let scenario: Fault | "ok" = "ok";
const vendorRequests: { url: string; headers: Headers; body: any }[] = [];

function stalledAfter(text: string, signal?: AbortSignal | null): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      signal?.addEventListener("abort", () => controller.error(new Error("aborted")));
      // …then nothing more, ever.
    },
  });
}

/** The fake vendors: requests to *.vendor.test get the current scenario; everything else passes through. */
function installVendors(kind: () => Kind) {
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!new URL(request.url).hostname.endsWith(HOST)) return realFetch(input, init);
    vendorRequests.push({
      url: request.url,
      headers: request.headers,
      body: await request
        .clone()
        .json()
        .catch(() => null),
    });
    const headers = { "content-type": "text/event-stream" };
    switch (scenario) {
      case "connect_timeout":
        return new Promise<Response>((_, reject) =>
          request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
        );
      case "idle_timeout":
        return new Response(stalledAfter(vendorStream(kind(), "cut"), request.signal), { headers });
      case "http_500":
        return new Response(JSON.stringify({ error: { message: VENDOR_DETAIL } }), {
          status: 500,
          statusText: "Internal Server Error",
        });
      case "http_429":
        return new Response(JSON.stringify({ error: { message: `rate limit: ${VENDOR_DETAIL}` } }), {
          status: 429,
          statusText: "Too Many Requests",
          headers: { "retry-after": "7" },
        });
      case "cut":
        return new Response(vendorStream(kind(), "cut"), { headers });
      case "malformed":
        return new Response(vendorStream(kind(), "malformed"), { headers });
      case "ok":
        return new Response(vendorStream(kind(), "ok"), { headers });
    }
  });
}

function modelFor(kind: Kind, status = "active") {
  return {
    name: `Vendorish ${kind}`,
    organization: "Faraway Vendor Inc",
    provider: kind,
    baseUrl: kind === "openai" ? `https://${kind}.${HOST}/v1` : `https://${kind}.${HOST}`,
    upstreamModel: `${kind}-large-2`,
    apiKeySecret: "VENDOR_TEST_KEY",
    status,
  };
}

let currentKind: Kind = "openai";
beforeAll(async () => {
  // The pool for this file: one healthy demo model and one vendor model per kind (only one active at a time), so
  // every anonymous battle pairs the vendor model with the demo model.
  const demo = await putModel("demo-steady", {
    name: "Steady Demo",
    organization: "Calm Demo Lab",
    provider: "demo",
    upstreamModel: "terse",
  });
  expect(demo.status).toBe(200);
  installVendors(() => currentKind);
});

beforeEach(async () => {
  scenario = "ok";
  vendorRequests.length = 0;
  await env.DB.prepare("DELETE FROM model_health").run();
});

afterEach(() => {
  scenario = "ok";
});

async function activate(kind: Kind) {
  currentKind = kind;
  for (const k of KINDS)
    expect((await putModel(`vendor-${k}`, modelFor(k, k === kind ? "active" : "paused"))).status).toBe(200);
}

/** One anonymous battle turn: which side the vendor model got is found from the events. */
async function battle(content = "Why are there tides?") {
  const created = await post("/api/battles", { mode: "anonymous" });
  if (created.status !== 201) return { created };
  const { id } = await read(created, R.battleCreated);
  const turn = await readStream(await post(`/api/battles/${id}/messages`, { content }));
  return { created, id, turn };
}

const health = async (kind: Kind) =>
  env.DB.prepare("SELECT consecutive_failures, paused_until FROM model_health WHERE model_id = ?")
    .bind(`vendor-${kind}`)
    .first<{ consecutive_failures: number; paused_until: number | null }>();

describe.each(KINDS)("%s provider at the battle level", (kind) => {
  beforeEach(() => activate(kind));

  it("streams a healthy answer with the vendor's request shape", async () => {
    const { turn } = await battle();
    const vendorSide = turn!.text.a === "Tides follow the moon." ? "a" : "b";
    expect(turn!.text[vendorSide]).toBe("Tides follow the moon.");
    expect(turn!.events.at(-1)!.data).toMatchObject({ canVote: true, counted: true, reason: null });
    const req = vendorRequests.at(-1)!;
    const auth =
      kind === "openai"
        ? req.headers.get("authorization")
        : kind === "anthropic"
          ? req.headers.get("x-api-key")
          : req.headers.get("x-goog-api-key");
    expect(auth).toBe(kind === "openai" ? `Bearer ${KEY}` : KEY);
  });

  it.each(FAULTS)("%s: neutral error, other side completes, vote recorded as provider_error", async (fault) => {
    scenario = fault;
    const { id, turn } = await battle();
    const events = turn!.events;
    const errors = events.filter((e) => e.event === "error");
    expect(errors).toHaveLength(1);
    const side = errors[0]!.data.side as "a" | "b";
    const other = side === "a" ? "b" : "a";
    expect(errors[0]!.data).toEqual({ side, message: `Model ${side.toUpperCase()} failed to respond` });
    // `error` is followed by that side's side-done "error"; the other side finishes normally.
    const errorAt = events.indexOf(errors[0]!);
    const sideDone = events.findIndex((e) => e.event === "side-done" && e.data.side === side);
    expect(sideDone).toBeGreaterThan(errorAt);
    expect(events[sideDone]!.data.finish).toBe("error");
    expect(events.find((e) => e.event === "side-done" && e.data.side === other)!.data.finish).toBe("stop");
    expect(turn!.text[other].length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({
      event: "done",
      data: { turn: 1, canVote: true, counted: false, reason: "provider_error" },
    });

    // Nothing about the vendor reaches the client: no host, status text, raw message, key or model name.
    const wire = turn!.raw.toLowerCase();
    for (const leak of [
      HOST,
      "internal server error",
      "too many requests",
      VENDOR_DETAIL,
      KEY,
      `${kind}-large-2`,
      "faraway",
      "vendorish",
      kind === "openai" ? "openai" : kind,
    ]) {
      expect(wire).not.toContain(leak.toLowerCase());
    }

    const vote = await read(post(`/api/battles/${id}/vote`, { winner: other }), R.vote);
    expect(vote).toMatchObject({ counted: false, reason: "provider_error" });
    expect(vote.models[side].id).toBe(`vendor-${kind}`);
    await expect.poll(async () => (await getBattle(id!)).recorded, { timeout: 10_000 }).toBe(true);
    const row = await env.DB.prepare("SELECT excluded_reason FROM battles WHERE id = ?").bind(id).first<any>();
    expect(row.excluded_reason).toBe("provider_error");

    const h = (await health(kind))!;
    expect(h.consecutive_failures).toBe(1);
    if (fault === "http_429") {
      // Retry-After: 7 pauses the model for 7 s at once (less than the 60 s breaker cool-down).
      expect(h.paused_until! - Date.now()).toBeGreaterThan(4_000);
      expect(h.paused_until! - Date.now()).toBeLessThanOrEqual(7_000);
    } else {
      expect(h.paused_until).toBeNull();
    }
  });

  it("the breaker pauses the model after 3 failures in a row and brings it back after the cool-down", async () => {
    scenario = "http_500";
    for (let i = 0; i < 3; i++) {
      const { turn } = await battle();
      expect(turn!.events.at(-1)!.data.reason).toBe("provider_error");
    }
    const paused = (await health(kind))!;
    expect(paused.consecutive_failures).toBe(3);
    expect(paused.paused_until! - Date.now()).toBeGreaterThan(50_000); // BREAKER_COOLDOWN_SECONDS = 60

    // Paused: not sampled (the demo model is alone, so no battle), and refused by name with Retry-After.
    await expectError(await post("/api/battles", { mode: "anonymous" }), 503, "no_models");
    const named = await post("/api/battles", { mode: "side-by-side", models: [`vendor-${kind}`, "demo-steady"] });
    expect(Number(named.headers.get("retry-after"))).toBeGreaterThan(50);
    await expectError(named, 503, "model_unavailable");

    // The cool-down passes and the vendor is healthy again: the model is back, and a success ends the streak.
    await env.DB.prepare("UPDATE model_health SET paused_until = ? WHERE model_id = ?")
      .bind(Date.now() - 1, `vendor-${kind}`)
      .run();
    scenario = "ok";
    const { turn } = await battle();
    expect(turn!.events.at(-1)!.data).toMatchObject({ counted: true });
    expect((await health(kind))!.consecutive_failures).toBe(0);
  });
});
