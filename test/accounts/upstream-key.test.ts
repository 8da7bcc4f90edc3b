// The upstream API key a provider submits (issue 7 acceptance): it reaches the vendor — decrypted at call time, in
// battles and in the OpenAI-compatible API — but never appears in clear text in any response, any log line, or any
// row of any D1 table. A vendor that echoes the key back in an error body does not leak it either.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { call, createBattle, post, putModel, sendMessage } from "../helpers";
import {
  asProvider,
  expectOpenAIError,
  jsonInit,
  registerModel,
  setupProviders,
  waitRecorded,
  type TestProvider,
} from "./helpers";
import { R, read } from "../responses";

const KEY1 = "sk-upstream-TOPSECRET-9f8e7d6c5b4a";
const KEY2 = "sk-upstream-ROTATED-1a2b3c4d5e6f";
const KEYS = [KEY1, KEY2];

let p: TestProvider;
const responses: string[] = [];
const logs: string[] = [];
const vendorAuth: string[] = [];

/** Every response body of the test is kept for the final search. */
async function keep(res: Response | Promise<Response>): Promise<Response> {
  const r = await res;
  const text = await r.clone().text();
  responses.push(`${r.status} ${JSON.stringify([...r.headers])} ${text}`);
  return r;
}

function vendorStream(words: string[]) {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({ role: "assistant", content: "" }),
    ...words.map((w) => chunk({ content: w })),
    chunk({}, "stop"),
    "data: [DONE]\n\n",
  ].join("");
}

beforeAll(async () => {
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logs.push(args.map((a) => (typeof a === "string" ? a : (JSON.stringify(a) ?? String(a)))).join(" "));
    });
  }
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init?.headers);
    vendorAuth.push(headers.get("authorization") ?? "");
    const body = JSON.parse(String(init?.body ?? "{}"));
    if (!url.startsWith("https://upstream.test/v1/chat/completions"))
      return new Response("unexpected", { status: 599 });
    if (body.model === "echo-fail") {
      // A vendor that repeats the presented key in its error body, as some do.
      return new Response(`Incorrect API key provided: ${headers.get("authorization")}`, { status: 401 });
    }
    return new Response(vendorStream(["Tides", " follow", " the", " moon."]), {
      headers: { "content-type": "text/event-stream" },
    });
  });
  [p] = await setupProviders({ name: "Keyholder Inc" });
});

afterAll(() => vi.restoreAllMocks());

const model = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `${id} model`,
  provider: "openai",
  baseUrl: "https://upstream.test/v1",
  upstreamModel: "tide-1",
  apiKey: KEY1,
  ...extra,
});

describe("a provider's upstream key", () => {
  it("is used for the vendor call but never returned", async () => {
    const created = await keep(
      asProvider(p.apiKey, "/v1/provider/models", jsonInit("POST", model("uk-public", { visibility: "public" }))),
    );
    expect(created.status).toBe(201);
    expect((await read(created, R.registeredModel)).hasApiKey).toBe(true);
    await registerModel(p.apiKey, model("uk-private", { visibility: "private", codename: "cn-uk-private" }));
    // Not in anonymous battles: random picks of this failing model would trip the breaker (3 failures) before the
    // side-by-side check below names it.
    await registerModel(
      p.apiKey,
      model("uk-echo", { visibility: "public", upstreamModel: "echo-fail", modes: ["side-by-side", "chat"] }),
    );
    await keep(asProvider(p.apiKey, "/v1/provider/models"));
    await keep(asProvider(p.apiKey, "/v1/provider/models/uk-public"));

    // The OpenAI-compatible API, both ways.
    const plain = await keep(
      asProvider(
        p.apiKey,
        "/v1/chat/completions",
        jsonInit("POST", { model: "uk-public", messages: [{ role: "user", content: "Tides?" }] }),
      ),
    );
    expect((await read(plain, R.completion)).choices[0]!.message.content).toBe("Tides follow the moon.");
    const streamed = await keep(
      asProvider(
        p.apiKey,
        "/v1/chat/completions",
        jsonInit("POST", { model: "uk-public", stream: true, messages: [{ role: "user", content: "Tides?" }] }),
      ),
    );
    expect(await streamed.text()).toContain("data: [DONE]");
    expect(vendorAuth.at(-1)).toBe(`Bearer ${KEY1}`);

    // Rotating it: the next call carries the new key.
    const rotated = await keep(
      asProvider(p.apiKey, "/v1/provider/models/uk-public", jsonInit("PATCH", { apiKey: KEY2 })),
    );
    expect(rotated.status).toBe(200);
    await keep(
      asProvider(
        p.apiKey,
        "/v1/chat/completions",
        jsonInit("POST", { model: "uk-public", messages: [{ role: "user", content: "Again?" }] }),
      ),
    );
    expect(vendorAuth.at(-1)).toBe(`Bearer ${KEY2}`);
  });

  it("is used in battles (private model sampled, public one side by side) and for a failing vendor", async () => {
    // Side by side with the public model.
    const sbs = await keep(
      post("/api/battles", { mode: "side-by-side", models: ["uk-public", "demo-pebble"], consent: true }),
    );
    const sbsId = (await read(sbs, R.battleCreated)).id;
    const turn = await sendMessage(sbsId, "Explain tides.");
    responses.push(turn.raw);
    expect(turn.text.a).toBe("Tides follow the moon.");
    await keep(post(`/api/battles/${sbsId}/vote`, { winner: "a" }));

    // Anonymous battles with the private model weighted up by the operator.
    const put = await keep(
      putModel("uk-private", {
        name: "uk-private model",
        organization: "Keyholder Inc",
        provider: "openai",
        baseUrl: "https://upstream.test/v1",
        upstreamModel: "tide-1",
        visibility: "private",
        codename: "cn-uk-private",
        status: "testing",
        samplingWeight: 500,
        modes: ["battle"],
      }),
    );
    expect(put.status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await createBattle({ mode: "anonymous", consent: true });
      const t = await sendMessage(id, "Tell me about the moon.");
      responses.push(t.raw);
      await keep(post(`/api/battles/${id}/vote`, { winner: "b" }));
      ids.push(id);
    }
    for (const id of [sbsId, ...ids]) await waitRecorded(id);
    for (const id of ids) await keep(call(`/api/battles/${id}`));
    expect(vendorAuth.filter((a) => a === `Bearer ${KEY1}`).length).toBeGreaterThanOrEqual(4);

    // A vendor that echoes the key in its error: neutral errors outward, redacted logs inward.
    const failing = await keep(
      asProvider(
        p.apiKey,
        "/v1/chat/completions",
        jsonInit("POST", { model: "uk-echo", messages: [{ role: "user", content: "x" }] }),
      ),
    );
    await expectOpenAIError(failing, 502, "upstream_error");
    const sbsFail = (
      await read(
        keep(post("/api/battles", { mode: "side-by-side", models: ["uk-echo", "demo-pebble"] })),
        R.battleCreated,
      )
    ).id;
    const failedTurn = await sendMessage(sbsFail, "Hello?");
    responses.push(failedTurn.raw);
    expect(failedTurn.events.some((e) => e.event === "error")).toBe(true);
    expect(logs.some((l) => l.includes("[redacted]"))).toBe(true);

    // Everything a provider or the public can read about these models.
    await keep(asProvider(p.apiKey, "/v1/provider/models/uk-private/results?sample=50"));
    await keep(call("/api/transparency"));
    await keep(call("/api/models"));
    await keep(asProvider(p.apiKey, "/v1/models"));
    await keep(call("/openapi.json"));
  });

  it("appears in clear text in no response, no log line and no D1 row", async () => {
    expect(responses.length).toBeGreaterThan(15);
    expect(logs.length).toBeGreaterThan(0);
    for (const key of KEYS) {
      for (const r of responses) expect(r).not.toContain(key);
      for (const l of logs) expect(l).not.toContain(key);
    }
    // Every table but D1's own internals (`_cf_*`, which the runtime does not let a Worker read).
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
    ).all<{ name: string }>();
    const names = tables.results.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["models", "battles", "model_upstream_keys", "provider_api_keys"]));
    let rows = 0;
    for (const name of names) {
      const all = await env.DB.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all();
      rows += all.results.length;
      const dump = JSON.stringify(all.results);
      for (const key of KEYS) expect(dump, name).not.toContain(key);
      for (const key of KEYS) expect(dump, name).not.toContain(key.slice(12)); // nor its distinctive tail
    }
    expect(rows).toBeGreaterThan(20);
    const sealed = await env.DB.prepare("SELECT ciphertext FROM model_upstream_keys").all<{ ciphertext: string }>();
    expect(sealed.results.length).toBe(3);
    // Transcripts in R2 hold the conversation, never the key.
    const listed = await env.STORE.list({ prefix: "transcripts/" });
    for (const o of listed.objects) {
      const text = await (await env.STORE.get(o.key))!.text();
      for (const key of KEYS) expect(text).not.toContain(key);
    }
  });
});
