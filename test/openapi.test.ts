// /openapi.json documents every route from the zod schemas that validate it.
import { describe, expect, it } from "vitest";
import { call } from "./helpers";

describe("OpenAPI document", () => {
  it("lists every public route with its methods", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
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
        "GET /leaderboard.json",
        "GET /api/leaderboard/history",
        "GET /api/export/battles.jsonl",
        "GET /api/export/conversations.jsonl",
      ].sort(),
    );
    const vote = doc.paths["/api/battles/{id}/vote"].post;
    expect(vote.requestBody.content["application/json"].schema).toBeDefined();
    expect(Object.keys(vote.responses).sort()).toEqual(["200", "400", "403", "404", "409", "422", "429", "503"]);
    expect(doc.components.schemas.Vote.properties.winner.enum).toEqual(["a", "b", "tie", "bothbad"]);
  });

  it("health reports the version", async () => {
    expect(await (await call("/api/health")).json()).toEqual({ ok: true, version: expect.any(String) });
  });
});
