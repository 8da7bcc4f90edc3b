// Operator model registry: PUT /api/admin/models/:id behind the ADMIN_TOKEN bearer; changes apply with no deploy.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createBattle, expectError, post, putModel, seedDemoModels, sendMessage } from "../helpers";
import { R, read } from "../responses";

beforeAll(seedDemoModels);

const model = {
  name: "Heron Test (demo)",
  organization: "Estuary Test Works",
  provider: "demo",
  upstreamModel: "lists",
  aliases: ["Heron"],
  license: "MIT",
};

const publicIds = async () => (await read(call("/api/models"), R.publicModels)).map((m) => m.id);

describe("admin models", () => {
  it("requires the operator token", async () => {
    const body = JSON.stringify(model);
    const put = (headers: Record<string, string>) => call("/api/admin/models/heron", { method: "PUT", headers, body });
    await expectError(await put({ "content-type": "application/json" }), 401, "unauthorized");
    const wrong = await put({ authorization: "Bearer nope", "content-type": "application/json" });
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await expectError(wrong, 401, "unauthorized");
    await expectError(await put({ authorization: "Basic dGVzdA==" }), 401);
    expect(await publicIds()).not.toContain("heron");
  });

  it("adds a model that is listed and served at once, and updates it without losing its creation time", async () => {
    const created = await putModel("heron", model);
    expect(created.status).toBe(200);
    const first = await read(created, R.storedModel);
    expect(first).toMatchObject({
      id: "heron",
      status: "active",
      visibility: "public",
      samplingWeight: 1,
      aliases: ["Heron"],
    });
    expect(await publicIds()).toContain("heron");

    const updated = await read(putModel("heron", { ...model, samplingWeight: 3, status: "paused" }), R.storedModel);
    expect(updated).toMatchObject({ samplingWeight: 3, status: "paused", createdAt: first.createdAt });
    expect(updated.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
    expect(await publicIds()).not.toContain("heron");

    // A paused model is never put in a battle: not sampled into anonymous ones (were it active, its weight of 3
    // against five models of weight 1 would put it in about 64% of pairs, so in one of 8 but for p = 0.0003),
    // and not available side by side.
    const ids = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const id = await createBattle();
      expect(id).toBeTruthy();
      await sendMessage(id, "hi");
      const { models } = await read(post(`/api/battles/${id}/vote`, { winner: "tie" }), R.vote);
      ids.add(models.a.id).add(models.b.id);
    }
    await expectError(await post("/api/battles", { mode: "side-by-side", models: ["heron", "demo-abacus"] }), 404);
    expect(ids.size).toBeGreaterThan(1);
    expect(ids.has("heron")).toBe(false);
  });

  it("validates the model with clear 422s", async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...model, name: "" }, /name/],
      [{ ...model, provider: "carrier-pigeon" }, /provider/],
      [{ ...model, visibility: "private" }, /codename/],
      [{ ...model, samplingWeight: -1 }, /samplingWeight/],
      [{ ...model, apiKeySecret: "sk-live-123" }, /apiKeySecret/],
      [{ ...model, baseUrl: "ftp://example.com" }, /baseUrl/],
      [{ ...model, unknownField: 1 }, /unknownField|unrecognized/i],
    ];
    for (const [body, field] of bad) {
      const error = await expectError(await putModel("heron-bad", body), 422, "invalid_request");
      expect(error.message).toMatch(field);
    }
    await expectError(await putModel("bad id with spaces", model), 422);
    await expectError(
      await call("/api/admin/models/heron", { method: "PUT", headers: ADMIN, body: "{" }),
      400,
      "bad_json",
    );
  });

  it("never samples two private models together and reveals a private model by codename only", async () => {
    for (const [id, codename] of [
      ["secret-one", "codename-kestrel"],
      ["secret-two", "codename-osprey"],
    ] as const) {
      const res = await putModel(id, {
        ...model,
        name: id,
        visibility: "private",
        codename,
        status: "testing",
        samplingWeight: 50,
      });
      expect(res.status).toBe(200);
    }
    expect(await publicIds()).not.toContain("secret-one");
    for (let i = 0; i < 12; i++) {
      const id = await createBattle();
      await (await post(`/api/battles/${id}/messages`, { content: "hi" })).text();
      const vote = await read(post(`/api/battles/${id}/vote`, { winner: "a" }), R.vote);
      const shown = [vote.models.a.id, vote.models.b.id];
      expect(shown.filter((s: string) => s.startsWith("codename-")).length).toBeLessThanOrEqual(1);
      expect(shown).not.toContain("secret-one");
      expect(shown).not.toContain("secret-two");
    }
  });
});

// A model object read back from the API can be written back (DESIGN section 10); every stored field is bounded and
// refused with a 422 naming it before anything is written (README "Input limits").
describe("admin model round trip and input limits", () => {
  const storedRow = (id: string) => env.DB.prepare("SELECT * FROM models WHERE id = ?").bind(id).first<any>();
  const deepText = (levels: number) => `${'{"k":'.repeat(levels)}1${"}".repeat(levels)}`;
  const deep = (levels: number) => JSON.parse(deepText(levels));

  it("accepts the model it returned, changed or not, and refuses a different id naming the field", async () => {
    const first = await read(putModel("rt-heron", model), R.storedModel);
    expect(first.id).toBe("rt-heron");
    // Unchanged: every field of the read, read-only ones included, is accepted.
    const same = await putModel("rt-heron", first);
    expect(same.status, await same.clone().text()).toBe(200);
    const again = await read(same, R.storedModel);
    expect({ ...again, updatedAt: 0 }).toEqual({ ...first, updatedAt: 0 });
    // Changed: the change applies; the read-only fields sent back change nothing.
    const changed = await putModel("rt-heron", { ...again, name: "Heron RT", createdAt: 1, ownerId: "prov_x" });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await changed.json()).toMatchObject({ name: "Heron RT", createdAt: first.createdAt, ownerId: null });
    // A different id is a 422 naming `id`, and nothing is written.
    const error = await expectError(await putModel("rt-heron", { ...again, id: "other" }), 422, "invalid_request");
    expect(error.message).toMatch(/^id: /);
    expect((await storedRow("rt-heron")).name).toBe("Heron RT");
    expect(await storedRow("other")).toBeNull();
    // Read-only fields must still have their documented types.
    await expectError(await putModel("rt-heron", { ...again, createdAt: "yesterday" }), 422, "invalid_request");
  });

  it("refuses deeply nested params before writing, so later writes of the model keep working", async () => {
    // Sent as text: even the test's JSON.stringify can overflow the stack on a 10,000-deep object.
    const body = JSON.stringify({ ...model, params: "DEEP" }).replace('"DEEP"', deepText(10_000));
    const error = await expectError(
      await call("/api/admin/models/rt-deep", { method: "PUT", headers: ADMIN, body }),
      422,
      "invalid_request",
    );
    expect(error.message).toMatch(/^params: .*nested deeper than 8/);
    expect(await storedRow("rt-deep")).toBeNull();
    // An existing model keeps its params; a PUT leaving params out still works.
    expect((await putModel("rt-deep", { ...model, params: { a: { b: 1 } } })).status).toBe(200);
    await expectError(await putModel("rt-deep", { ...model, params: deep(9) }), 422, "invalid_request");
    expect((await putModel("rt-deep", { ...model, params: deep(8) })).status).toBe(200);
    const res = await putModel("rt-deep", model);
    expect(res.status).toBe(200);
    expect((await read(res, R.storedModel)).params).toEqual(deep(8));
    // And the model still answers (its params reach the Durable Object intact).
    const chat = await post("/api/chat", { model: "rt-deep", messages: [{ role: "user", content: "hi" }] });
    expect(chat.status).toBe(200);
    await chat.text();
  });

  it("caps the operator's params at 16,000 characters of JSON (422 above)", async () => {
    const error = await expectError(
      await putModel("rt-big", { ...model, params: { k: "x".repeat(3_000_000) } }),
      422,
      "invalid_request",
    );
    expect(error.message).toMatch(/^params: at most 16000 characters/);
    expect(await storedRow("rt-big")).toBeNull();
    const at = (n: number) => ({ k: "x".repeat(n - '{"k":""}'.length) });
    expect(JSON.stringify(at(16_000)).length).toBe(16_000);
    expect((await putModel("rt-big", { ...model, params: at(16_000) })).status).toBe(200);
    await expectError(await putModel("rt-big", { ...model, params: at(16_001) }), 422, "invalid_request");
  });

  it("validates upstreamModel per provider kind", async () => {
    const bad: Record<string, unknown>[] = [
      { provider: "demo", upstreamModel: "🦩" },
      { provider: "demo", upstreamModel: "gpt-4o" },
      { provider: "openai", upstreamModel: "gpt 4o" },
      { provider: "openai", upstreamModel: "gpt-4o\u0000" },
      { provider: "anthropic", upstreamModel: "claude\n" + "x" },
      { provider: "openai", upstreamModel: "m".repeat(201) },
      { provider: "gemini", upstreamModel: "🦩" },
    ];
    for (const fields of bad) {
      const error = await expectError(await putModel("rt-upstream", { ...model, ...fields }), 422, "invalid_request");
      expect(error.message, JSON.stringify(fields)).toMatch(/^upstreamModel: /);
    }
    expect(await storedRow("rt-upstream")).toBeNull();
    for (const fields of [
      { provider: "demo", upstreamModel: "markdown" },
      { provider: "openai", upstreamModel: "meta-llama/Llama-3.1-8B-Instruct:free" },
      { provider: "openai", upstreamModel: "llama3.2:3b-instruct-q4_K_M" },
      { provider: "gemini", upstreamModel: "models/gemini-2.0-flash" },
      { provider: "workers-ai", upstreamModel: "@cf/meta/llama-3.1-8b-instruct" },
    ]) {
      const res = await putModel("rt-upstream", { ...model, ...fields, status: "paused" });
      expect(res.status, JSON.stringify(fields)).toBe(200);
    }
  });

  it("refuses lone surrogates in stored text, so what the API answers is what it stored", async () => {
    for (const [field, value] of [
      ["name", "Heron \ud83e"],
      ["organization", "\udc26 Works"],
      ["aliases", ["ok", "bad\ud800"]],
      ["license", "MIT\udfff"],
      ["family", "heron-\ud800"],
      ["deprecationReason", "\ud800"],
      ["params", { "k\ud800": 1 }],
      ["params", { k: ["\udc00"] }],
    ] as const) {
      const error = await expectError(
        await putModel("rt-unicode", { ...model, [field]: value }),
        422,
        "invalid_request",
      );
      expect(error.message, field).toMatch(new RegExp(`^${field}(\\.\\d+)?: .*well-formed Unicode`));
    }
    expect(await storedRow("rt-unicode")).toBeNull();
    // Well-formed text outside the BMP (surrogate pairs) is stored and read back as sent.
    const name = "Heron 🐦 Ʀ";
    const created = await read(putModel("rt-unicode", { ...model, name, aliases: ["🐦"] }), R.storedModel);
    expect(created.name).toBe(name);
    expect((await storedRow("rt-unicode")).name).toBe(name);
    const listed = (await read(call("/api/models"), R.publicModels)).find((m) => m.id === "rt-unicode");
    expect(listed?.name).toBe(created.name);
  });
});

describe("admin PUT over params stored before they were bounded", () => {
  it("asks for new params instead of keeping the stored ones (a 422 naming params), and takes new ones", async () => {
    expect((await putModel("legacy-deep", model)).status).toBe(200);
    const deepText = `${'{"k":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    await env.DB.prepare("UPDATE models SET params = ? WHERE id = ?").bind(deepText, "legacy-deep").run();
    const error = await expectError(
      await putModel("legacy-deep", { ...model, name: "Legacy" }),
      422,
      "invalid_request",
    );
    expect(error.message).toMatch(/^params: the stored params are invalid \(nested deeper than 8/);
    const row = await env.DB.prepare("SELECT name, params FROM models WHERE id = ?").bind("legacy-deep").first<any>();
    expect(row.name).toBe(model.name);
    const fixed = await putModel("legacy-deep", { ...model, name: "Legacy", params: { tokensPerSecond: 30 } });
    expect(fixed.status).toBe(200);
    expect(await fixed.json()).toMatchObject({ name: "Legacy", params: { tokensPerSecond: 30 } });
  });
});

describe("the operator's view of a model and its circuit breaker", () => {
  const broken = {
    name: "Broken Upstream",
    organization: "Nowhere Labs",
    provider: "openai",
    // Nothing listens on port 9 of loopback: every call fails at once.
    baseUrl: "http://127.0.0.1:9/v1",
    upstreamModel: "gpt-nothing",
    modes: ["chat"],
  };
  const chat = async () =>
    (await post("/api/chat", { model: "broken-upstream", messages: [{ role: "user", content: "hi" }] })).text();

  it("lists every model with its breaker state, and GET /api/admin/models/:id shows why a model is paused", async () => {
    expect((await putModel("broken-upstream", broken)).status).toBe(200);
    await expectError(await call("/api/admin/models/broken-upstream"), 401, "unauthorized");
    await expectError(await call("/api/admin/models/no-such-model", { headers: ADMIN }), 404, "model_not_found");
    const fresh = await read(call("/api/admin/models/broken-upstream", { headers: ADMIN }), R.adminModel);
    expect(fresh.health).toEqual({
      consecutiveFailures: 0,
      paused: false,
      pausedUntil: null,
      lastError: null,
      updatedAt: null,
    });
    for (let i = 0; i < Number(env.BREAKER_FAILURES); i++) await chat();
    const paused = await read(call("/api/admin/models/broken-upstream", { headers: ADMIN }), R.adminModel);
    expect(paused.status).toBe("active"); // the breaker never touches the operator's status
    expect(paused.health.consecutiveFailures).toBe(Number(env.BREAKER_FAILURES));
    expect(paused.health.paused).toBe(true);
    expect(paused.health.pausedUntil).toBeGreaterThan(Date.now());
    expect(paused.health.lastError).toEqual(expect.any(String));
    const all = await read(call("/api/admin/models", { headers: ADMIN }), R.adminModels);
    expect(all.map((m) => m.id)).toEqual([...all.map((m) => m.id)].sort());
    expect(all.find((m) => m.id === "broken-upstream")?.health.paused).toBe(true);
    expect(all.find((m) => m.id === "demo-pebble")?.health.paused).toBe(false);
  });

  it("returns an object that can be PUT back as it is, health included", async () => {
    const got = await read(call("/api/admin/models/demo-pebble", { headers: ADMIN }), R.adminModel);
    const put = await call("/api/admin/models/demo-pebble", {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ ...got, samplingWeight: 3 }),
    });
    expect(put.status).toBe(200);
    expect((await read(put, R.storedModel)).samplingWeight).toBe(3);
    const bad = await call("/api/admin/models/demo-pebble", {
      method: "PUT",
      headers: ADMIN,
      body: JSON.stringify({ ...got, health: { paused: "yes" } }),
    });
    await expectError(bad, 422, "invalid_request");
  });
});
