// Provider accounts and API keys (DESIGN section 4b): the operator creates accounts and issues keys; a key is shown
// once, stored as a salted hash, listed by prefix only, rotated and revoked; admin routes never accept a provider key.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN, call, expectError } from "../helpers";
import { asProvider, createProvider } from "./helpers";
import { R, read } from "../responses";

const admin = (path: string, method = "GET", body?: unknown) =>
  call(path, { method, headers: ADMIN, body: body === undefined ? undefined : JSON.stringify(body) });

const works = async (key: string) => (await asProvider(key, "/v1/provider/models")).status;

describe("provider accounts", () => {
  it("creates an account with a first key shown once, in a recognisable format", async () => {
    const p = await createProvider("Acme AI");
    expect(p.id).toMatch(/^prov_[0-9a-f]{12}$/);
    expect(p.apiKey).toMatch(/^ak_[0-9a-f]{12}_[0-9a-f]{40}$/);
    expect(p.apiKey.startsWith(`${p.prefix}_`)).toBe(true);
    expect(p.name).toBe("Acme AI");
    expect(await works(p.apiKey)).toBe(200);
    // The same name again (any case) is a conflict; a bad body is a 422.
    await expectError(await admin("/api/admin/providers", "POST", { name: "acme ai" }), 409, "provider_exists");
    await expectError(await admin("/api/admin/providers", "POST", { name: "" }), 422, "invalid_request");
    await expectError(await admin("/api/admin/providers", "POST", { name: "X", extra: 1 }), 422, "invalid_request");
    const list = await read(admin("/api/admin/providers"), R.providers);
    expect(list.find((x) => x.id === p.id)).toEqual({
      id: p.id,
      name: "Acme AI",
      createdAt: expect.any(Number),
      activeKeys: 1,
      models: 0,
    });
  });

  it("stores only a salted hash: the key is nowhere in D1 and listings show prefixes only", async () => {
    const p = await createProvider();
    const second = await read(admin(`/api/admin/providers/${p.id}/keys`, "POST"), R.issuedKey);
    expect(second.apiKey).toMatch(/^ak_/);
    const rows = await env.DB.prepare("SELECT * FROM provider_api_keys WHERE provider_id = ?").bind(p.id).all();
    expect(rows.results).toHaveLength(2);
    const dump = JSON.stringify(rows.results);
    for (const key of [p.apiKey, second.apiKey]) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.split("_")[2]); // not even the secret part alone
    }
    // Two keys never share a salt, so equal secrets would still hash differently.
    expect(new Set(rows.results.map((r) => r.salt)).size).toBe(2);
    const keys = await read(admin(`/api/admin/providers/${p.id}/keys`), R.keys);
    expect(keys.map((k) => k.prefix).sort()).toEqual([p.prefix, second.prefix].sort());
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(["createdAt", "lastUsedAt", "prefix", "revokedAt"]);
    expect(JSON.stringify(keys)).not.toContain(p.apiKey);
    // Use is recorded (to the minute).
    expect(await works(second.apiKey)).toBe(200);
    await expect
      .poll(
        async () =>
          (await read(admin(`/api/admin/providers/${p.id}/keys`), R.keys)).find((k) => k.prefix === second.prefix)
            ?.lastUsedAt,
      )
      .toEqual(expect.any(Number));
  });

  it("revokes a key (idempotently) and rotates one: the old key stops working at once", async () => {
    const p = await createProvider();
    const extra = await read(admin(`/api/admin/providers/${p.id}/keys`, "POST"), R.issuedKey);
    const revoked = await admin(`/api/admin/providers/${p.id}/keys/${extra.prefix}`, "DELETE");
    expect(revoked.status).toBe(200);
    expect(await read(revoked, R.revokedKey)).toMatchObject({ prefix: extra.prefix, revokedAt: expect.any(Number) });
    expect((await admin(`/api/admin/providers/${p.id}/keys/${extra.prefix}`, "DELETE")).status).toBe(200);
    expect(await works(extra.apiKey)).toBe(401);
    expect(await works(p.apiKey)).toBe(200);

    const rotated = await admin(`/api/admin/providers/${p.id}/keys/${p.prefix}/rotate`, "POST");
    expect(rotated.status).toBe(201);
    const fresh = await read(rotated, R.rotatedKey);
    expect(fresh).toMatchObject({ revoked: p.prefix, apiKey: expect.stringMatching(/^ak_/) });
    expect(await works(p.apiKey)).toBe(401);
    expect(await works(fresh.apiKey)).toBe(200);
    await expectError(await admin(`/api/admin/providers/${p.id}/keys/${p.prefix}/rotate`, "POST"), 409, "key_revoked");
    const keys = await read(admin(`/api/admin/providers/${p.id}/keys`), R.keys);
    expect(keys.filter((k) => k.revokedAt === null).map((k) => k.prefix)).toEqual([fresh.prefix]);
  });

  it("answers 404 for unknown providers and keys, including another provider's key prefix", async () => {
    const p = await createProvider();
    const q = await createProvider();
    await expectError(await admin("/api/admin/providers/prov_000000000000/keys"), 404, "provider_not_found");
    await expectError(await admin("/api/admin/providers/nonsense/keys", "POST"), 404, "provider_not_found");
    await expectError(await admin(`/api/admin/providers/${p.id}/keys/ak_000000000000`, "DELETE"), 404, "key_not_found");
    await expectError(await admin(`/api/admin/providers/${p.id}/keys/${q.prefix}`, "DELETE"), 404, "key_not_found");
    await expectError(
      await admin(`/api/admin/providers/${p.id}/keys/${q.prefix}/rotate`, "POST"),
      404,
      "key_not_found",
    );
    expect(await works(q.apiKey)).toBe(200);
  });

  it("admin routes reject provider keys (and no token at all)", async () => {
    const p = await createProvider();
    const routes: [string, string, unknown?][] = [
      ["/api/admin/providers", "POST", { name: "Sneaky" }],
      ["/api/admin/providers", "GET"],
      [`/api/admin/providers/${p.id}/keys`, "POST"],
      [`/api/admin/providers/${p.id}/keys`, "GET"],
      [`/api/admin/providers/${p.id}/keys/${p.prefix}`, "DELETE"],
      [`/api/admin/providers/${p.id}/keys/${p.prefix}/rotate`, "POST"],
      ["/api/admin/models/sneaky", "PUT", { name: "S", organization: "S", provider: "demo", upstreamModel: "terse" }],
    ];
    for (const [path, method, body] of routes) {
      for (const headers of [
        { authorization: `Bearer ${p.apiKey}`, "content-type": "application/json" },
        { "content-type": "application/json" },
      ] as Record<string, string>[]) {
        const res = await call(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        await expectError(res, 401, "unauthorized");
      }
    }
    // Nothing happened: the key still works and no model or account was made.
    expect(await works(p.apiKey)).toBe(200);
    const list = await read(admin("/api/admin/providers"), R.providers);
    expect(list.map((x) => x.name)).not.toContain("Sneaky");
  });
});
