// Authorization on every /v1/* route: missing, malformed, unknown, revoked keys and the operator token are 401 in
// OpenAI's error shape; another provider's key sees another provider's models as absent (404).
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call } from "../helpers";
import { asProvider, demoModel, expectOpenAIError, jsonInit, setupProviders, type TestProvider } from "./helpers";
import { R, read } from "../responses";

let p: TestProvider;
let q: TestProvider;
let revoked: string;

beforeAll(async () => {
  [p, q] = await setupProviders({ models: [demoModel("authz-owned")] }, {});
  const extra = await read(call(`/api/admin/providers/${p.id}/keys`, { method: "POST", headers: ADMIN }), R.issuedKey);
  await call(`/api/admin/providers/${p.id}/keys/${extra.prefix}`, { method: "DELETE", headers: ADMIN });
  revoked = extra.apiKey;
});

const ROUTES: [string, string, unknown?][] = [
  ["POST", "/v1/provider/models", demoModel("authz-new")],
  ["GET", "/v1/provider/models"],
  ["GET", "/v1/provider/models/authz-owned"],
  ["PATCH", "/v1/provider/models/authz-owned", { name: "Hijacked" }],
  ["DELETE", "/v1/provider/models/authz-owned"],
  ["GET", "/v1/provider/models/authz-owned/results"],
  ["GET", "/v1/models"],
  ["GET", "/v1/models/demo-pebble"],
  ["POST", "/v1/chat/completions", { model: "demo-pebble", messages: [{ role: "user", content: "hi" }] }],
];

describe("provider key authorization", () => {
  it("rejects missing, malformed, unknown, revoked and operator credentials on every /v1 route", async () => {
    const credentials: [string, Record<string, string>, string][] = [
      ["missing", {}, "missing_api_key"],
      ["empty bearer", { authorization: "Bearer " }, "missing_api_key"],
      ["basic", { authorization: "Basic dXNlcjpwYXNz" }, "missing_api_key"],
      ["malformed", { authorization: "Bearer not-a-key" }, "invalid_api_key"],
      ["wrong secret", { authorization: `Bearer ${p.apiKey.slice(0, -4)}beef` }, "invalid_api_key"],
      ["unknown prefix", { authorization: "Bearer ak_000000000000_" + "0".repeat(40) }, "invalid_api_key"],
      ["revoked", { authorization: `Bearer ${revoked}` }, "invalid_api_key"],
      ["operator token", { authorization: "Bearer test-admin-token" }, "invalid_api_key"],
    ];
    for (const [method, path, body] of ROUTES) {
      for (const [what, headers, code] of credentials) {
        const res = await call(path, {
          method,
          headers: { "content-type": "application/json", ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const error = await expectOpenAIError(res, 401, code);
        expect(error.type, `${method} ${path} ${what}`).toBe("invalid_request_error");
        expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect(error.message).not.toContain(p.apiKey.slice(3, 15));
      }
    }
    // Nothing changed hands.
    const mine = await read(asProvider(p.apiKey, "/v1/provider/models/authz-owned"), R.providerModel);
    expect(mine).toMatchObject({ name: "authz-owned full name", status: "testing" });
  });

  it("another provider's key gets 404 for every route on a model it does not own, and an empty list", async () => {
    for (const [method, path, body] of ROUTES.filter(([, path]) => path.includes("authz-owned"))) {
      const res = await asProvider(q.apiKey, path, jsonInit(method, body));
      await expectOpenAIError(res, 404, "model_not_found");
    }
    // The same answer as for an id that does not exist at all.
    const unknown = await expectOpenAIError(await asProvider(q.apiKey, "/v1/provider/models/no-such-model"), 404);
    const others = await expectOpenAIError(await asProvider(q.apiKey, "/v1/provider/models/authz-owned"), 404);
    expect(others).toEqual(unknown);
    expect(await (await asProvider(q.apiKey, "/v1/provider/models")).json()).toEqual([]);
    // Q cannot take P's id either (a conflict, which names no owner).
    const taken = await expectOpenAIError(
      await asProvider(
        q.apiKey,
        "/v1/provider/models",
        jsonInit("POST", demoModel("authz-owned", { codename: "cn-other" })),
      ),
      409,
    );
    expect(taken.message).not.toContain(p.name);
    const mine = await read(asProvider(p.apiKey, "/v1/provider/models/authz-owned"), R.providerModel);
    expect(mine).toMatchObject({ name: "authz-owned full name", status: "testing", codename: "cn-authz-owned" });
  });

  it("answers unknown /v1 paths in OpenAI's shape too", async () => {
    await expectOpenAIError(await asProvider(p.apiKey, "/v1/nothing-here"), 404, "not_found");
  });
});
