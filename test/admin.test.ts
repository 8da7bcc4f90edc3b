// Operator model registry: PUT /api/admin/models/:id behind the ADMIN_TOKEN bearer; changes apply with no deploy.
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createBattle, expectError, post, putModel, seedDemoModels } from "./helpers";

beforeAll(seedDemoModels);

const model = {
  name: "Heron Test (demo)",
  organization: "Estuary Test Works",
  provider: "demo",
  upstreamModel: "lists",
  aliases: ["Heron"],
  license: "MIT",
};

const publicIds = async () => ((await (await call("/api/models")).json()) as { id: string }[]).map((m) => m.id);

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
    const first = (await created.json()) as any;
    expect(first).toMatchObject({
      id: "heron",
      status: "active",
      visibility: "public",
      samplingWeight: 1,
      aliases: ["Heron"],
    });
    expect(await publicIds()).toContain("heron");

    const updated = (await (await putModel("heron", { ...model, samplingWeight: 3, status: "paused" })).json()) as any;
    expect(updated).toMatchObject({ samplingWeight: 3, status: "paused", createdAt: first.createdAt });
    expect(updated.updatedAt).toBeGreaterThanOrEqual(first.updatedAt);
    expect(await publicIds()).not.toContain("heron");

    // A paused model is never put in a battle.
    const ids = new Set<string>();
    for (let i = 0; i < 15; i++) {
      const id = await createBattle({ mode: "side-by-side", models: ["demo-gazette", "demo-abacus"] });
      expect(id).toBeTruthy();
    }
    await expectError(await post("/api/battles", { mode: "side-by-side", models: ["heron", "demo-abacus"] }), 404);
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
      const vote = (await (await post(`/api/battles/${id}/vote`, { winner: "a" })).json()) as any;
      const shown = [vote.models.a.id, vote.models.b.id];
      expect(shown.filter((s: string) => s.startsWith("codename-")).length).toBeLessThanOrEqual(1);
      expect(shown).not.toContain("secret-one");
      expect(shown).not.toContain("secret-two");
    }
  });
});
