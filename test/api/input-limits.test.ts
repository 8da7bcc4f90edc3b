// Input limits across every route that takes a JSON body (README "Input limits"): a 10,000-deep value anywhere is a
// 4xx (or, under a key the route ignores, dropped), never a 500, and stored text is well-formed Unicode, so what a
// create answers is what a later read returns.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, call, createBattle, expectError, seedDemoModels, sendMessage } from "../helpers";
import { createProvider, type TestProvider } from "../accounts/helpers";
import { R, read } from "../responses";

const DEEP_OBJECT = `${'{"k":'.repeat(10_000)}1${"}".repeat(10_000)}`;
const DEEP_ARRAY = `${"[".repeat(10_000)}1${"]".repeat(10_000)}`;

let p: TestProvider;
let battle: string;
beforeAll(async () => {
  await seedDemoModels();
  p = await createProvider("Limits Test Co");
  battle = await createBattle();
  await sendMessage(battle, "hello there");
});

describe("input limits", () => {
  it("answers deeply nested JSON on every JSON route with a 4xx (or ignores it), never a 500", async () => {
    const admin = ADMIN;
    const provider = { authorization: `Bearer ${p.apiKey}` };
    const model = '"name":"Deep","organization":"Deep Org","provider":"demo","upstreamModel":"terse"';
    const demo = `"id":"deep-prov","name":"Deep","provider":"demo","upstreamModel":"terse","visibility":"public"`;
    const chat = '"model":"demo-pebble","messages":[{"role":"user","content":"hi"}]';
    const cases: [string, string, string, Record<string, string>][] = [
      ["PUT", "/api/admin/models/deep-admin", `{${model},"params":DEEP}`, admin],
      ["PUT", "/api/admin/models/deep-admin", `{${model},"aliases":DEEP}`, admin],
      ["PUT", "/api/admin/models/deep-admin", `{${model},"x":DEEP}`, admin],
      ["POST", "/v1/provider/models", `{${demo},"params":DEEP}`, provider],
      ["POST", "/v1/provider/models", `{${demo},"aliases":DEEP}`, provider],
      ["PATCH", "/v1/provider/models/deep-prov", '{"params":DEEP}', provider],
      ["POST", "/api/admin/providers", '{"name":DEEP}', admin],
      ["POST", "/api/battles", '{"mode":"side-by-side","models":DEEP}', {}],
      ["POST", "/api/battles", '{"mode":"anonymous","x":DEEP}', {}],
      ["POST", `/api/battles/${battle}/messages`, '{"content":DEEP}', {}],
      ["POST", `/api/battles/${battle}/report`, '{"reason":DEEP}', {}],
      ["POST", `/api/battles/${battle}/report`, '{"reason":"deep","x":DEEP}', {}],
      ["POST", `/api/battles/${battle}/vote`, '{"winner":DEEP}', {}],
      ["POST", "/api/chat", '{"model":"demo-pebble","messages":DEEP}', {}],
      ["POST", "/api/chat", `{${chat},"x":DEEP}`, {}],
      ["POST", "/api/chat/00000000-0000-4000-8000-000000000000/feedback", '{"kind":DEEP}', {}],
      ["POST", "/v1/chat/completions", '{"model":"demo-pebble","messages":[{"role":"user","content":DEEP}]}', provider],
      ["POST", "/v1/chat/completions", `{${chat},"x":DEEP}`, provider],
    ];
    for (const [method, path, template, headers] of cases) {
      for (const deep of [DEEP_OBJECT, DEEP_ARRAY]) {
        const res = await call(path, { method, headers, body: template.replace("DEEP", deep) });
        const text = await res.text();
        expect(res.status, `${method} ${path} ${template.slice(0, 60)}: ${text.slice(0, 200)}`).toBeLessThan(500);
        if (res.status >= 400) expect(JSON.parse(text).error.message).toBeTruthy();
      }
    }
    // The model routes wrote nothing.
    for (const id of ["deep-admin", "deep-prov"]) {
      expect(await env.DB.prepare("SELECT id FROM models WHERE id = ?").bind(id).first(), id).toBeNull();
    }
  });

  it("refuses lone surrogates in a provider account's name and a report's reason; keeps well-formed ones", async () => {
    const create = (name: string) =>
      call("/api/admin/providers", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) });
    const error = await expectError(await create("Surrogate \ud83e Co"), 422, "invalid_request");
    expect(error.message).toMatch(/^name: .*well-formed Unicode/);
    const created = await read(create("Wave 🌊 Co"), R.providerCreated);
    expect(created.name).toBe("Wave 🌊 Co");
    const listed = (await read(call("/api/admin/providers", { headers: ADMIN }), R.providers)).find(
      (x) => x.id === created.id,
    );
    expect(listed?.name).toBe(created.name);

    const report = (reason: string) =>
      call(`/api/battles/${battle}/report`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reason }),
      });
    const bad = await expectError(await report("spam \udc00"), 422, "invalid_request");
    expect(bad.message).toMatch(/^reason: .*well-formed Unicode/);
    expect((await report("names itself 🙃")).status).toBe(202);
    const rows = await env.DB.prepare("SELECT reason FROM reports WHERE battle_id = ?").bind(battle).all<any>();
    expect(rows.results.map((r) => r.reason)).toContain("names itself 🙃");
    expect(rows.results.map((r) => r.reason).some((r: string) => r.includes("\ufffd"))).toBe(false);
  });
});
