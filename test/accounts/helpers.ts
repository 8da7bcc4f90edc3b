// Helpers for the provider tests (not a test file itself): accounts through the real admin routes, requests with a
// provider key, models registered through /v1/provider/models.
import { expect } from "vitest";
import { ADMIN, call, getBattle, seedDemoModels } from "../helpers";
import { R, read } from "../responses";

export interface TestProvider {
  id: string;
  name: string;
  apiKey: string;
  prefix: string;
}

let counter = 0;

export async function createProvider(name = `Provider ${Date.now()}-${++counter}`): Promise<TestProvider> {
  const res = call("/api/admin/providers", { method: "POST", headers: ADMIN, body: JSON.stringify({ name }) });
  return read(res, R.providerCreated);
}

/** A provider account for `setupProviders`: its name (generated when left out) and the models it registers. */
export interface ProviderSetup {
  name?: string;
  models?: Record<string, unknown>[];
}

/**
 * The common beforeAll of the provider tests: the demo models seeded, then each account created in turn with its
 * models registered through /v1/provider/models. Returns the accounts in the order given.
 */
export async function setupProviders<const A extends readonly ProviderSetup[]>(
  ...accounts: A
): Promise<{ [K in keyof A]: TestProvider }> {
  await seedDemoModels();
  const created: TestProvider[] = [];
  for (const account of accounts) {
    const p = await createProvider(account.name);
    for (const model of account.models ?? []) await registerModel(p.apiKey, model);
    created.push(p);
  }
  return created as { [K in keyof A]: TestProvider }; // one per account, in order
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });

/** A request with a provider key (or any Authorization value when `key` is a header object). */
export function asProvider(key: string | Record<string, string>, path: string, init: RequestInit = {}) {
  const auth = typeof key === "string" ? bearer(key) : key;
  return call(path, { ...init, headers: { ...auth, ...(init.headers as Record<string, string> | undefined) } });
}

export const jsonInit = (method: string, body?: unknown): RequestInit => ({
  method,
  body: body === undefined ? undefined : JSON.stringify(body),
});

/** A demo-kind model body (offline): private under a codename unless `visibility: "public"` is given. */
export function demoModel(id: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `${id} full name`,
    provider: "demo",
    upstreamModel: "terse",
    visibility: "private",
    codename: `cn-${id}`.toLowerCase().slice(0, 40),
    params: { tokensPerSecond: 40 },
    ...extra,
  };
}

export async function registerModel(key: string, body: Record<string, unknown>) {
  return read(asProvider(key, "/v1/provider/models", jsonInit("POST", body)), R.registeredModel);
}

/** Asserts OpenAI's error shape {"error": {"message", "type", "param", "code"}} with this status (and code). */
export async function expectOpenAIError(res: Response, status: number, code?: string) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const body = JSON.parse(text) as { error: { message: string; type: string; param: unknown; code: string | null } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
  expect(body.error.message).toBeTruthy();
  expect(typeof body.error.type).toBe("string");
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

/** Polls a battle until its vote is in D1. */
export async function waitRecorded(id: string) {
  await expect.poll(async () => (await getBattle(id)).recorded, { timeout: 15_000 }).toBe(true);
}
