// A provider's own models under /v1/provider/models: registration (private under a codename, or public), updates,
// the lifecycle (testing → release → active ⇄ paused → retired) with timestamps, and what is refused.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, putModel, seedDemoModels } from "../helpers";
import {
  asProvider,
  createProvider,
  demoModel,
  expectOpenAIError,
  jsonInit,
  registerModel,
  type TestProvider,
} from "./helpers";

let p: TestProvider;
beforeAll(async () => {
  await seedDemoModels();
  p = await createProvider("Models Test Co");
});

const patch = (id: string, body: unknown) => asProvider(p.apiKey, `/v1/provider/models/${id}`, jsonInit("PATCH", body));
const publicIds = async () => ((await (await call("/api/models")).json()) as { id: string }[]).map((m) => m.id);

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
    const list = (await (await asProvider(p.apiKey, "/v1/provider/models")).json()) as any[];
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
    expect((await (await asProvider(p.apiKey, "/v1/provider/models")).json()) as any[]).toHaveLength(2);
  });

  it("updates fields and the upstream key (never returned), and keeps a kind that needs a key keyed", async () => {
    const res = await patch("mt-alpha", { name: "Alpha 2", aliases: ["A2"], apiKey: "sk-patch-secret-000111" });
    expect(res.status).toBe(200);
    const m = (await res.json()) as any;
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
    const after = (await (await asProvider(p.apiKey, "/v1/provider/models/mt-alpha")).json()) as any;
    expect(after.hasApiKey).toBe(false);
    await expectOpenAIError(await patch("mt-alpha", {}), 422, "invalid_request");
    await expectOpenAIError(await patch("mt-alpha", { codename: "mt-alpha" }), 422, "invalid_request");
    await expectOpenAIError(await patch("mt-alpha", { codename: "demo-pebble" }), 409, "codename_taken");
    await expectOpenAIError(await patch("mt-alpha", { samplingWeight: 5 }), 422, "invalid_request");
  });

  it("follows the lifecycle: pause/resume in testing, release, pause as public, retire with a reason", async () => {
    await registerModel(p.apiKey, demoModel("mt-life"));
    await expectOpenAIError(await patch("mt-life", { status: "active" }), 409, "invalid_transition");
    const paused = (await (await patch("mt-life", { status: "paused" })).json()) as any;
    expect(paused).toMatchObject({ status: "paused", pausedAt: expect.any(Number) });
    const resumed = (await (await patch("mt-life", { status: "testing" })).json()) as any;
    expect(resumed).toMatchObject({ status: "testing", pausedAt: null });

    const released = (await (await patch("mt-life", { visibility: "public" })).json()) as any;
    expect(released).toMatchObject({
      visibility: "public",
      status: "active",
      modes: ["battle", "side-by-side", "chat"],
    });
    expect(released.releasedAt).toBeGreaterThanOrEqual(released.testingStartedAt);
    expect(released.codename).toBe("cn-mt-life"); // kept, so the transparency report links the two
    expect(await publicIds()).toContain("mt-life");
    await expectOpenAIError(await patch("mt-life", { visibility: "private" }), 409, "invalid_transition");
    await expectOpenAIError(await patch("mt-life", { status: "testing" }), 409, "invalid_transition");
    expect(((await (await patch("mt-life", { status: "paused" })).json()) as any).status).toBe("paused");
    expect(await publicIds()).not.toContain("mt-life");
    expect(((await (await patch("mt-life", { status: "active" })).json()) as any).status).toBe("active");

    const retire = await asProvider(p.apiKey, "/v1/provider/models/mt-life?reason=superseded%20by%20v2", {
      method: "DELETE",
    });
    expect(retire.status).toBe(200);
    const retired = (await retire.json()) as any;
    expect(retired).toMatchObject({
      status: "deprecated",
      deprecationReason: "superseded by v2",
      deprecatedAt: expect.any(Number),
    });
    expect(retired.releasedAt).toBe(released.releasedAt);
    expect(await publicIds()).not.toContain("mt-life");
    await expectOpenAIError(await patch("mt-life", { status: "active" }), 409, "invalid_transition");
    // Still listed for its owner.
    const list = (await (await asProvider(p.apiKey, "/v1/provider/models")).json()) as any[];
    expect(list.find((m) => m.id === "mt-life").status).toBe("deprecated");
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
    const mine = (await (await asProvider(p.apiKey, "/v1/provider/models/mt-weight")).json()) as any;
    expect(mine.samplingWeight).toBe(7);
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
    const list = (await res.json()) as any[];
    expect(list.map((m) => m.id)).toEqual(ids);
    expect(list.filter((m) => m.hasApiKey).map((m) => m.id)).toEqual(["mm-000", "mm-050", "mm-100"]);
  });
});
