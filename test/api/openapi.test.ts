// /openapi.json documents every route from the zod schemas that validate it.
import { describe, expect, it } from "vitest";
import { call } from "../helpers";

describe("OpenAPI document", () => {
  it("lists every public route with its methods", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    // A cast is the honest way for this one: the test walks the document generically, by path and schema name, and
    // its shape (OpenAPI 3.1) is checked against the meta-schema in test/e2e/openai-sdk.e2e.test.ts.
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops as object).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        "GET /api/health",
        "GET /api/models",
        "POST /api/battles",
        "POST /api/battles/{id}/messages",
        "POST /api/battles/{id}/regenerate",
        "POST /api/battles/{id}/stop",
        "POST /api/battles/{id}/vote",
        "POST /api/battles/{id}/report",
        "GET /api/battles/{id}",
        "POST /api/chat",
        "POST /api/chat/{id}/feedback",
        "PUT /api/admin/models/{id}",
        "GET /api/admin/models/{id}",
        "GET /api/admin/models",
        "GET /leaderboard.json",
        "GET /api/leaderboard/history",
        "GET /api/export/battles.jsonl",
        "GET /api/transparency",
        "GET /api/docs",
        "POST /api/admin/providers",
        "GET /api/admin/providers",
        "POST /api/admin/providers/{id}/keys",
        "GET /api/admin/providers/{id}/keys",
        "DELETE /api/admin/providers/{id}/keys/{prefix}",
        "POST /api/admin/providers/{id}/keys/{prefix}/rotate",
        "POST /v1/provider/models",
        "GET /v1/provider/models",
        "GET /v1/provider/models/{id}",
        "PATCH /v1/provider/models/{id}",
        "DELETE /v1/provider/models/{id}",
        "GET /v1/provider/models/{id}/results",
        "GET /v1/models",
        "GET /v1/models/{model}",
        "POST /v1/chat/completions",
        "GET /api/export/conversations.jsonl",
        "POST /api/redteam/players",
        "GET /api/redteam/kinds",
        "POST /api/redteam/games",
        "POST /api/redteam/games/{id}/messages",
        "POST /api/redteam/games/{id}/forfeit",
        "GET /api/redteam/games/{id}",
        "GET /redteam.json",
        "GET /api/export/redteam.jsonl",
        "GET /api/export/redteam-conversations.jsonl",
        "GET /api/export/models.json",
        "PUT /api/admin/sampling",
        "GET /api/admin/sampling",
        "PUT /api/admin/routing",
        "GET /api/admin/routing",
        "GET /v1/routers",
        "GET /v1/routers/{router}/calibrate",
        "GET /api/leaderboard/prompt",
        "POST /v1/provider/evals",
        "GET /v1/provider/evals/{id}",
        "POST /api/admin/evals",
        "GET /api/admin/evals/{id}",
        "GET /evals/{file}",
        "GET /api/evals",
        "POST /api/admin/suites/arena-hard-live",
        "GET /api/suites/{name}",
      ].sort(),
    );
    // Every operator and provider route declares its bearer scheme; public routes declare none.
    for (const [path, ops] of Object.entries(doc.paths) as [string, Record<string, any>][]) {
      for (const op of Object.values(ops)) {
        const schemes = (op.security ?? []).flatMap((s: object) => Object.keys(s));
        if (path.startsWith("/api/admin")) expect(schemes, path).toEqual(["adminToken"]);
        else if (path.startsWith("/v1/")) expect(schemes, path).toEqual(["providerKey"]);
        else expect(schemes, path).toEqual([]);
        expect(op.summary, path).toBeTruthy();
        // Error responses document the shape actually sent: OpenAI's under /v1, the arena envelope elsewhere.
        for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
          if (Number(status) < 400 || !r.content) continue;
          const ref = r.content["application/json"].schema.$ref as string;
          expect(ref, `${path} ${status}`).toBe(
            path.startsWith("/v1/") ? "#/components/schemas/OpenAIError" : "#/components/schemas/Error",
          );
        }
        expect(Object.keys(op.responses).length, path).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["adminToken", "providerKey"]);
    // The upstream key is write-only: it is in the registration body, never in a response schema.
    expect(doc.components.schemas.ProviderModelCreate.properties.apiKey).toBeDefined();
    expect(doc.components.schemas.ProviderModel.properties.apiKey).toBeUndefined();
    expect(doc.components.schemas.ProviderModel.properties.hasApiKey).toBeDefined();
    // A model read back can be written back: the write bodies document `id`, the read-only fields and the limits.
    const { ModelInput, ProviderModelCreate, ProviderModelPatch } = doc.components.schemas;
    for (const [name, schema, limit] of [
      ["ModelInput", ModelInput, "16000"],
      ["ProviderModelCreate", ProviderModelCreate, "4000"],
      ["ProviderModelPatch", ProviderModelPatch, "4000"],
    ] as const) {
      expect(schema.properties.id, name).toBeDefined();
      for (const field of ["createdAt", "updatedAt", "testingStartedAt", "releasedAt", "pausedAt", "deprecatedAt"]) {
        expect(schema.properties[field]?.description, `${name}.${field}`).toMatch(/^Read-only/);
      }
      expect(schema.properties.params.description, name).toContain(`${limit} characters`);
      expect(schema.description, name).toMatch(/ignored/);
      expect(schema.description, name).toMatch(/well-formed Unicode/);
    }
    expect(ModelInput.required).not.toContain("id");
    expect(ModelInput.properties.ownerId.description).toMatch(/^Read-only/);
    expect(ProviderModelPatch.properties.hasApiKey.description).toMatch(/^Read-only/);
    expect(ProviderModelPatch.properties.samplingWeight.description).toMatch(/operator/);
    expect(ModelInput.properties.upstreamModel.description).toMatch(/terse, verbose, markdown, lists, code/);
    expect(doc.paths["/api/admin/models/{id}"].put.description).toMatch(/must equal the id in the path/);
    expect(doc.paths["/v1/provider/models/{id}"].patch.description).toMatch(/must equal the id in the path/);
    const vote = doc.paths["/api/battles/{id}/vote"].post;
    expect(vote.requestBody.content["application/json"].schema).toBeDefined();
    expect(Object.keys(vote.responses).sort()).toEqual(["200", "400", "403", "404", "409", "422", "429", "503"]);
    expect(doc.components.schemas.Vote.properties.winner.enum).toEqual(["a", "b", "tie", "bothbad"]);
  });

  it("is rendered as a readable HTML page at /api/docs, offline (no script, no outside asset)", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: object; components: { schemas: object } };
    const res = await call("/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
    for (const name of Object.keys(doc.components.schemas)) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!localhost)[a-z]/i);
  });

  it("health reports the version", async () => {
    expect(await (await call("/api/health")).json()).toEqual({ ok: true, version: expect.any(String) });
  });
});
