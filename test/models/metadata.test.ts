// Model metadata (DESIGN section 14): parameters, active parameters, open weights, pricing, context window and
// knowledge cutoff, set by the operator and by a model's provider, validated, kept when a write leaves them out,
// cleared with null, and published in /api/models.
import { describe, expect, it } from "vitest";
import seed from "../../d1/seed/models.json";
import { asProvider, setupProviders } from "../accounts/helpers";
import { ADMIN, call, expectError, putModel } from "../helpers";

const base = {
  name: "Meta Model",
  organization: "Meta Lab",
  provider: "demo",
  upstreamModel: "terse",
};

const publicModel = async (id: string) =>
  ((await (await call("/api/models")).json()) as Record<string, unknown>[]).find((m) => m.id === id);

describe("model metadata", () => {
  it("is set by the operator, published, kept when left out and cleared with null", async () => {
    const res = await putModel("meta-1", {
      ...base,
      parameters: 70,
      activeParameters: 12.5,
      openWeights: true,
      pricing: { input: 0.5, output: 1.5 },
      contextWindow: 131072,
      knowledgeCutoff: "2024-12",
    });
    expect(res.status).toBe(200);
    expect(await publicModel("meta-1")).toMatchObject({
      parameters: 70,
      activeParameters: 12.5,
      openWeights: true,
      pricing: { input: 0.5, output: 1.5 },
      contextWindow: 131072,
      knowledgeCutoff: "2024-12",
    });
    // A write that leaves the fields out keeps them; null clears one.
    expect((await putModel("meta-1", { ...base, name: "Meta Model 2", openWeights: null })).status).toBe(200);
    const after = await publicModel("meta-1");
    expect(after).toMatchObject({
      name: "Meta Model 2",
      parameters: 70,
      openWeights: null,
      knowledgeCutoff: "2024-12",
    });
    // The admin read can be PUT back as it is.
    const read = (await (await call("/api/admin/models/meta-1", { headers: ADMIN })).json()) as Record<string, unknown>;
    expect((await putModel("meta-1", read)).status).toBe(200);
  });

  it("rejects bad values with a 422 naming the field", async () => {
    for (const [field, value] of [
      ["parameters", -3],
      ["parameters", "70B"],
      ["openWeights", "yes"],
      ["pricing", { input: 1 }],
      ["pricing", { input: 1, output: -1 }],
      ["contextWindow", 1.5],
      ["knowledgeCutoff", "Dec 2024"],
      ["knowledgeCutoff", "2024-13"],
    ] as const) {
      const error = await expectError(await putModel("meta-bad", { ...base, [field]: value }), 422, "invalid_request");
      expect(error.message, `${field}=${JSON.stringify(value)}`).toContain(field);
    }
  });

  it("is set by a model's provider on create and patch", async () => {
    const [p] = await setupProviders({ name: "Metadata Provider" });
    const created = await asProvider(p.apiKey, "/v1/provider/models", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: "meta-prov",
        name: "Provider Meta",
        provider: "openai",
        baseUrl: "https://upstream.test/v1",
        upstreamModel: "x",
        visibility: "public",
        parameters: 8,
        pricing: { input: 0.1, output: 0.2 },
      }),
    });
    expect(created.status).toBe(201);
    const patched = await asProvider(p.apiKey, "/v1/provider/models/meta-prov", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contextWindow: 8192, knowledgeCutoff: "2023-10-01" }),
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      parameters: 8,
      pricing: { input: 0.1, output: 0.2 },
      contextWindow: 8192,
      knowledgeCutoff: "2023-10-01",
      openWeights: null,
    });
    expect(await publicModel("meta-prov")).toMatchObject({ parameters: 8, contextWindow: 8192 });
  });

  it("ships with the demo models, so adjusted views have something to adjust offline", () => {
    const withPrice = seed.filter((m) => "pricing" in m && "parameters" in m);
    expect(withPrice.length).toBeGreaterThanOrEqual(5);
  });
});
