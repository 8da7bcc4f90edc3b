// A provider's own models under /v1/provider/models: registration (private under a codename, or public), updates,
// the lifecycle (testing → release → active ⇄ paused → retired) with timestamps, and what is refused.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, putModel } from "../helpers";
import {
  asProvider,
  createProvider,
  demoModel,
  expectOpenAIError,
  jsonInit,
  registerModel,
  setupProviders,
  type TestProvider,
} from "./helpers";
import { R, read } from "../responses";

let p: TestProvider;
beforeAll(async () => {
  [p] = await setupProviders({ name: "Models Test Co" });
});

const patch = (id: string, body: unknown) => asProvider(p.apiKey, `/v1/provider/models/${id}`, jsonInit("PATCH", body));
const publicIds = async () => (await read(call("/api/models"), R.publicModels)).map((m) => m.id);

describe("provider models", () => {
  it("registers a private model: testing, battle only, codename, organization defaulting to the account", async () => {
    const before = Date.now();
    const m = await registerModel(p.apiKey, demoModel("mt-alpha", { family: "mt" }));
    expect(m).toMatchObject({
      id: "mt-alpha",
      organization: "Models Test Co",
      visibility: "private",
      codename: "cn-mt-alpha",
      status: "testing",
      modes: ["battle"],
      samplingWeight: 1,
      hasApiKey: false,
      family: "mt",
      releasedAt: null,
      deprecatedAt: null,
    });
    expect(m.testingStartedAt).toBeGreaterThanOrEqual(before);
    expect(m).not.toHaveProperty("apiKey");
    expect(m).not.toHaveProperty("ownerId");
    expect(await publicIds()).not.toContain("mt-alpha");
    const got = await asProvider(p.apiKey, "/v1/provider/models/mt-alpha");
    expect(await got.json()).toEqual(m);
    const list = await read(asProvider(p.apiKey, "/v1/provider/models"), R.providerModels);
    expect(list.map((x) => x.id)).toEqual(["mt-alpha"]);
  });

  it("registers a public model that is served at once", async () => {
    const m = await registerModel(p.apiKey, {
      id: "mt-public",
      name: "MT Public",
      provider: "demo",
      upstreamModel: "lists",
      visibility: "public",
    });
    expect(m).toMatchObject({ status: "active", modes: ["battle", "side-by-side", "chat"], testingStartedAt: null });
    expect(m.releasedAt).toEqual(m.createdAt);
    expect(await publicIds()).toContain("mt-public");
  });

  it("refuses bad registrations with clear errors in OpenAI's shape", async () => {
    const bad: [Record<string, unknown>, number, RegExp][] = [
      [demoModel("mt-bad", { codename: undefined }), 422, /codename/],
      [demoModel("mt-bad", { codename: "Bad Codename" }), 422, /codename/],
      [demoModel("mt-bad", { provider: "workers-ai" }), 422, /provider/],
      [demoModel("mt-bad", { provider: "anthropic", upstreamModel: "claude" }), 422, /apiKey/],
      [demoModel("mt-bad", { samplingWeight: 100 }), 422, /samplingWeight|unrecognized/i],
      [demoModel("mt-bad", { baseUrl: "ftp://x.test" }), 422, /baseUrl/],
      [demoModel("bad id!"), 422, /id/],
      [demoModel("mt-bad", { codename: "mt-bad" }), 422, /codename/],
      [demoModel("demo-pebble"), 409, /taken/],
      [demoModel("mt-beta", { codename: "cn-mt-alpha" }), 409, /codename/],
      [demoModel("mt-beta", { codename: "demo-gazette" }), 409, /codename/],
    ];
    for (const [body, status, message] of bad) {
      const error = await expectOpenAIError(
        await asProvider(p.apiKey, "/v1/provider/models", jsonInit("POST", body)),
        status,
      );
      expect(error.message).toMatch(message);
    }
    const raw = await asProvider(p.apiKey, "/v1/provider/models", { method: "POST", body: "{" });
    await expectOpenAIError(raw, 400, "bad_json");
    expect(await read(asProvider(p.apiKey, "/v1/provider/models"), R.providerModels)).toHaveLength(2);
  });

  it("updates fields and the upstream key (never returned), and keeps a kind that needs a key keyed", async () => {
    const res = await patch("mt-alpha", { name: "Alpha 2", aliases: ["A2"], apiKey: "sk-patch-secret-000111" });
    expect(res.status).toBe(200);
    const m = await read(res, R.patchedModel);
    expect(m).toMatchObject({ name: "Alpha 2", aliases: ["A2"], hasApiKey: true, status: "testing" });
    expect(JSON.stringify(m)).not.toContain("sk-patch-secret-000111");
    const stored = await env.DB.prepare("SELECT ciphertext FROM model_upstream_keys WHERE model_id = ?")
      .bind("mt-alpha")
      .first<{ ciphertext: string }>();
    expect(stored!.ciphertext).toMatch(/^v1\./);
    expect(stored!.ciphertext).not.toContain("sk-patch-secret");
    // Switching to a kind that needs a key keeps working with the stored one; removing it then is refused.
    expect((await patch("mt-alpha", { provider: "anthropic", upstreamModel: "claude-x" })).status).toBe(200);
    await expectOpenAIError(await patch("mt-alpha", { apiKey: null }), 422, "invalid_request");
    expect((await patch("mt-alpha", { provider: "demo", upstreamModel: "terse", apiKey: null })).status).toBe(200);
    const after = await read(asProvider(p.apiKey, "/v1/provider/models/mt-alpha"), R.providerModel);
    expect(after.hasApiKey).toBe(false);
    await expectOpenAIError(await patch("mt-alpha", {}), 422, "invalid_request");
    await expectOpenAIError(await patch("mt-alpha", { codename: "mt-alpha" }), 422, "invalid_request");
    await expectOpenAIError(await patch("mt-alpha", { codename: "demo-pebble" }), 409, "codename_taken");
    await expectOpenAIError(await patch("mt-alpha", { samplingWeight: 5 }), 422, "invalid_request");
  });

  it("follows the lifecycle: pause/resume in testing, release, pause as public, retire with a reason", async () => {
    await registerModel(p.apiKey, demoModel("mt-life"));
    await expectOpenAIError(await patch("mt-life", { status: "active" }), 409, "invalid_transition");
    const paused = await read(patch("mt-life", { status: "paused" }), R.patchedModel);
    expect(paused).toMatchObject({ status: "paused", pausedAt: expect.any(Number) });
    const resumed = await read(patch("mt-life", { status: "testing" }), R.patchedModel);
    expect(resumed).toMatchObject({ status: "testing", pausedAt: null });

    const released = await read(patch("mt-life", { visibility: "public" }), R.patchedModel);
    expect(released).toMatchObject({
      visibility: "public",
      status: "active",
      modes: ["battle", "side-by-side", "chat"],
    });
    expect(released.testingStartedAt).toEqual(expect.any(Number));
    expect(released.releasedAt).toBeGreaterThanOrEqual(released.testingStartedAt!);
    expect(released.codename).toBe("cn-mt-life"); // kept, so the transparency report links the two
    expect(await publicIds()).toContain("mt-life");
    await expectOpenAIError(await patch("mt-life", { visibility: "private" }), 409, "invalid_transition");
    await expectOpenAIError(await patch("mt-life", { status: "testing" }), 409, "invalid_transition");
    expect((await read(patch("mt-life", { status: "paused" }), R.patchedModel)).status).toBe("paused");
    expect(await publicIds()).not.toContain("mt-life");
    expect((await read(patch("mt-life", { status: "active" }), R.patchedModel)).status).toBe("active");

    const retire = await asProvider(p.apiKey, "/v1/provider/models/mt-life?reason=superseded%20by%20v2", {
      method: "DELETE",
    });
    expect(retire.status).toBe(200);
    const retired = await read(retire, R.retiredModel);
    expect(retired).toMatchObject({
      status: "deprecated",
      deprecationReason: "superseded by v2",
      deprecatedAt: expect.any(Number),
    });
    expect(retired.releasedAt).toBe(released.releasedAt);
    expect(await publicIds()).not.toContain("mt-life");
    await expectOpenAIError(await patch("mt-life", { status: "active" }), 409, "invalid_transition");
    // Still listed for its owner.
    const list = await read(asProvider(p.apiKey, "/v1/provider/models"), R.providerModels);
    expect(list.find((m) => m.id === "mt-life")?.status).toBe("deprecated");
  });

  it("lets the operator set the weight of a provider's model without losing its owner", async () => {
    await registerModel(p.apiKey, demoModel("mt-weight"));
    const res = await putModel("mt-weight", {
      name: "W",
      organization: "Models Test Co",
      provider: "demo",
      upstreamModel: "terse",
      visibility: "private",
      codename: "cn-mt-weight",
      status: "testing",
      samplingWeight: 7,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ownerId: p.id, samplingWeight: 7 });
    const mine = await read(asProvider(p.apiKey, "/v1/provider/models/mt-weight"), R.providerModel);
    expect(mine.samplingWeight).toBe(7);
  });
});

// A model object the provider routes return can be sent back (DESIGN section 10), and every stored field is bounded
// and refused in OpenAI's error shape before anything is written (README "Input limits").
describe("provider model round trip and input limits", () => {
  const get = (id: string) => read(asProvider(p.apiKey, `/v1/provider/models/${id}`), R.providerModel);
  const post = (body: unknown) => asProvider(p.apiKey, "/v1/provider/models", jsonInit("POST", body));
  const storedRow = (id: string) => env.DB.prepare("SELECT * FROM models WHERE id = ?").bind(id).first<any>();
  const deep = (levels: number) => JSON.parse(deepText(levels));
  const deepText = (levels: number) => `${'{"k":'.repeat(levels)}1${"}".repeat(levels)}`;

  it("accepts the object it returned (POST's, GET's, PATCH's) sent back with PATCH", async () => {
    const created = await registerModel(p.apiKey, demoModel("rt-private", { apiKey: "sk-rt-000111222" }));
    expect(created).toMatchObject({ id: "rt-private", hasApiKey: true, status: "testing", samplingWeight: 1 });
    const res = await patch("rt-private", created);
    expect(res.status, await res.clone().text()).toBe(200);
    const back = await read(res, R.patchedModel);
    expect({ ...back, updatedAt: 0 }).toEqual({ ...created, updatedAt: 0 });
    // A change made on the object read back applies; the read-only fields sent along change nothing.
    const changed = await patch("rt-private", {
      ...(await get("rt-private")),
      name: "RT changed",
      hasApiKey: false,
      createdAt: 1,
      testingStartedAt: 2,
      deprecationReason: "ignored",
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await changed.json()).toMatchObject({
      name: "RT changed",
      hasApiKey: true,
      createdAt: created.createdAt,
      testingStartedAt: created.testingStartedAt,
      deprecationReason: null,
    });
    // A released, paused and a retired model round-trip too.
    await patch("rt-private", { visibility: "public" });
    const paused = await read(patch("rt-private", { status: "paused" }), R.patchedModel);
    expect((await patch("rt-private", paused)).status).toBe(200);
    const retired = await read(
      asProvider(p.apiKey, "/v1/provider/models/rt-private?reason=done", { method: "DELETE" }),
      R.retiredModel,
    );
    const again = await patch("rt-private", retired);
    expect(again.status, await again.clone().text()).toBe(200);
    expect(await again.json()).toMatchObject({ status: "deprecated", deprecationReason: "done" });
  });

  it("refuses a different id, the operator's weight and retiring through PATCH, naming the field", async () => {
    const m = await registerModel(p.apiKey, demoModel("rt-fields"));
    for (const [body, field] of [
      [{ ...m, id: "rt-other" }, "id"],
      [{ ...m, samplingWeight: 5 }, "samplingWeight"],
      [{ ...m, status: "deprecated" }, "status"],
      [{ ...m, createdAt: "today" }, "createdAt"],
    ] as const) {
      const error = await expectOpenAIError(await patch("rt-fields", body), 422, "invalid_request");
      expect(error.message).toMatch(new RegExp(`^${field}: `));
    }
    expect(await storedRow("rt-other")).toBeNull();
    expect(await get("rt-fields")).toEqual(m);
    // On POST the read-only fields of a returned object are accepted and ignored too (e.g. copying a model).
    const copy = await post({ ...m, id: "rt-copy", codename: "cn-rt-copy", createdAt: 1, hasApiKey: true });
    expect(copy.status, await copy.clone().text()).toBe(201);
    expect(await copy.json()).toMatchObject({ id: "rt-copy", hasApiKey: false, status: "testing" });
    await expectOpenAIError(await post({ ...m, id: "rt-copy2", codename: "cn-rt-copy2", status: "paused" }), 422);
    await expectOpenAIError(await post({ ...m, id: "rt-copy3", codename: "cn-rt-copy3", samplingWeight: 9 }), 422);
  });

  it("bounds params (depth 8, 4,000 characters) before writing anything", async () => {
    // Sent as text: even the test's JSON.stringify overflows the stack on a 10,000-deep object.
    const deepBody = JSON.stringify(demoModel("rt-deep", { params: "DEEP" })).replace('"DEEP"', deepText(10_000));
    const tooDeep = await expectOpenAIError(
      await asProvider(p.apiKey, "/v1/provider/models", { method: "POST", body: deepBody }),
      422,
    );
    expect(tooDeep.message).toMatch(/^params: .*nested deeper than 8/);
    await expectOpenAIError(await post(demoModel("rt-deep", { params: { k: "x".repeat(3_000_000) } })), 422);
    expect(await storedRow("rt-deep")).toBeNull();
    const m = await registerModel(p.apiKey, demoModel("rt-deep", { params: deep(8) }));
    await expectOpenAIError(await patch("rt-deep", { params: deep(9) }), 422, "invalid_request");
    await expectOpenAIError(await patch("rt-deep", { params: { k: "x".repeat(4_000) } }), 422, "invalid_request");
    expect(await get("rt-deep")).toEqual(m);
  });

  it("validates upstreamModel against the kind, also when PATCH changes only one of them", async () => {
    for (const body of [
      demoModel("rt-up", { upstreamModel: "🦩" }),
      demoModel("rt-up", { upstreamModel: "gpt-4o" }),
      demoModel("rt-up", { provider: "openai", upstreamModel: "gpt 4o" }),
      demoModel("rt-up", { provider: "openai", upstreamModel: "x".repeat(201) }),
    ]) {
      const error = await expectOpenAIError(await post(body), 422, "invalid_request");
      expect(error.message).toMatch(/^upstreamModel: /);
    }
    expect(await storedRow("rt-up")).toBeNull();
    await registerModel(p.apiKey, demoModel("rt-up", { provider: "openai", upstreamModel: "org/model-1:free" }));
    await expectOpenAIError(await patch("rt-up", { provider: "demo" }), 422, "invalid_request");
    await expectOpenAIError(await patch("rt-up", { upstreamModel: "🦩" }), 422, "invalid_request");
    expect((await patch("rt-up", { provider: "demo", upstreamModel: "code" })).status).toBe(200);
    const error = await expectOpenAIError(await patch("rt-up", { upstreamModel: "org/model-1" }), 422);
    expect(error.message).toMatch(/^upstreamModel: .*terse/);
    expect((await get("rt-up")).upstreamModel).toBe("code");
  });

  it("refuses lone surrogates in every stored string; what POST answers is what a read returns", async () => {
    for (const [field, value] of [
      ["name", "RT \ud83e"],
      ["organization", "\udc26"],
      ["license", "MIT\ud800"],
      ["aliases", ["\ud800"]],
      ["family", "rt-\udfff"],
      ["apiKey", "sk-\ud800"],
      ["params", { "\ud800": 1 }],
    ] as const) {
      const error = await expectOpenAIError(await post(demoModel("rt-text", { [field]: value })), 422);
      expect(error.message, field).toMatch(new RegExp(`^${field}(\\.\\d+)?: .*well-formed Unicode`));
    }
    expect(await storedRow("rt-text")).toBeNull();
    const created = await registerModel(p.apiKey, demoModel("rt-text", { name: "Tide 🌊 Ω", aliases: ["🌊"] }));
    expect(created.name).toBe("Tide 🌊 Ω");
    expect(await get("rt-text")).toEqual(created);
    await expectOpenAIError(await patch("rt-text", { name: "\ud800" }), 422, "invalid_request");
    const retire = await asProvider(p.apiKey, "/v1/provider/models/rt-text?reason=%ED%A0%80", { method: "DELETE" });
    expect(retire.status).toBeLessThan(500);
    expect(await get("rt-text")).toMatchObject({ name: "Tide 🌊 Ω" });
  });
});

// D1 binds at most 100 parameters per statement: every IN (…) list goes through d1/chunks.ts.
describe("provider model listing at scale", () => {
  it("lists a provider's 101+ models (more ids than D1 binds in one statement)", async () => {
    const q = await createProvider("Many Models Co");
    const ids = Array.from({ length: 105 }, (_, i) => `mm-${String(i).padStart(3, "0")}`);
    for (let i = 0; i < ids.length; i += 15) {
      await Promise.all(
        ids
          .slice(i, i + 15)
          .map((id, j) => registerModel(q.apiKey, demoModel(id, (i + j) % 50 === 0 ? { apiKey: `sk-${id}-key` } : {}))),
      );
    }
    const res = await asProvider(q.apiKey, "/v1/provider/models");
    expect(res.status, await res.clone().text()).toBe(200);
    const list = await read(res, R.providerModels);
    expect(list.map((m) => m.id)).toEqual(ids);
    expect(list.filter((m) => m.hasApiKey).map((m) => m.id)).toEqual(["mm-000", "mm-050", "mm-100"]);
  });
});
