// Extra models for the browser tests, registered through the admin API (as an operator would) and backed by the
// fake OpenAI-compatible server on loopback (bench/fake-openai.mjs). They serve only the named modes (side by
// side, chat), so anonymous battles never sample them, and are deprecated again afterwards. Also provider accounts
// and their private models (the /about transparency test), created through the admin and provider APIs.
import { expect, inject } from "vitest";
import { base } from "./browser";

const token = inject("arenaAdminToken");

export interface LoopbackModel {
  id: string;
  name: string;
  baseUrl: string;
  upstreamModel?: string;
}

function put(m: LoopbackModel, status: "active" | "deprecated") {
  return fetch(`${base}/api/admin/models/${m.id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      name: m.name,
      organization: "Loopback Test Lab",
      license: "MIT",
      provider: "openai",
      baseUrl: m.baseUrl,
      upstreamModel: m.upstreamModel ?? "paced",
      modes: ["side-by-side", "chat"],
      status,
    }),
  });
}

export async function registerModels(models: LoopbackModel[]): Promise<void> {
  for (const m of models) expect((await put(m, "active")).status).toBe(200);
}

export async function retireModels(models: LoopbackModel[]): Promise<void> {
  for (const m of models) await put(m, "deprecated");
}

/** A provider account created by the operator (`POST /api/admin/providers`), with its first API key. */
export async function createProvider(name: string): Promise<{ id: string; apiKey: string }> {
  const res = await fetch(`${base}/api/admin/providers`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; apiKey: string };
}

/** Calls a `/v1/provider/*` route with a provider's key. */
export function asProvider(apiKey: string, p: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${p}`, {
    ...init,
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
  });
}

/** A private model (a demo generator under a codename) registered by the provider itself; status `testing`. */
export async function registerPrivateModel(apiKey: string, m: { id: string; name: string; codename: string }) {
  const res = await asProvider(apiKey, "/v1/provider/models", {
    method: "POST",
    body: JSON.stringify({ ...m, provider: "demo", upstreamModel: "terse", params: { tokensPerSecond: 60 } }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
}

/** Retires a provider's model (`DELETE /v1/provider/models/:id?reason=…`): it stays listed, as deprecated. */
export async function retireProviderModel(apiKey: string, id: string, reason: string): Promise<void> {
  const res = await asProvider(apiKey, `/v1/provider/models/${id}?reason=${encodeURIComponent(reason)}`, {
    method: "DELETE",
  });
  expect(res.ok, await res.clone().text()).toBe(true);
}
