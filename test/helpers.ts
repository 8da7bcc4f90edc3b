// Helpers for Workers-runtime tests: seed the demo models through the real admin route, run a battle over HTTP.
import { exports } from "cloudflare:workers";
import seed from "../d1/seed/models.json";
import routingSeed from "../d1/seed/routing.json";
import { parseEvents } from "../shared/battle/sse";
import { R, read } from "./responses";

export const ADMIN = { authorization: "Bearer test-admin-token", "content-type": "application/json" };
export const BASE = "http://arena.test";

/**
 * Requests come from a random client address unless the test sets `cf-connecting-ip`, so the per-IP rate limits
 * (lowered in vitest.config.mts) only bite in the tests that mean to hit them.
 */
export const call = (path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  if (!headers.has("cf-connecting-ip"))
    headers.set("cf-connecting-ip", `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  return exports.default.fetch(`${BASE}${path}`, { ...init, headers });
};

export const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

export async function seedDemoModels(): Promise<typeof seed> {
  for (const { id, ...model } of seed) {
    const res = await call(`/api/admin/models/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify(model) });
    if (res.status !== 200) throw new Error(`seeding ${id}: ${res.status} ${await res.text()}`);
  }
  const routing = await call("/api/admin/routing", {
    method: "PUT",
    headers: ADMIN,
    body: JSON.stringify(routingSeed),
  });
  if (routing.status !== 200) throw new Error(`seeding the routing pair: ${routing.status} ${await routing.text()}`);
  return seed;
}

export async function createBattle(body: unknown = { mode: "anonymous" }): Promise<string> {
  return (await read(post("/api/battles", body), R.battleCreated)).id;
}

/** GET /api/battles/:id, asserted 200 and read through the route's schema. */
export const getBattle = (id: string) => read(call(`/api/battles/${id}`), R.battle);

export interface StreamedTurn {
  raw: string;
  events: { event: string; data: any }[];
  text: { a: string; b: string };
}

export async function readStream(res: Response): Promise<StreamedTurn> {
  if (res.status !== 200) throw new Error(`stream: ${res.status} ${await res.text()}`);
  const raw = await res.text();
  const events = parseEvents(raw) as { event: string; data: any }[];
  const text = { a: "", b: "" };
  for (const e of events) if (e.event === "token") text[e.data.side as "a" | "b"] += e.data.text;
  return { raw, events, text };
}

export const sendMessage = async (id: string, content: string) =>
  readStream(await post(`/api/battles/${id}/messages`, { content }));

/** Asserts the one JSON error envelope (DESIGN section 4) with this status and code. */
export async function expectError(
  res: Response,
  status: number,
  code?: string,
): Promise<{ code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(body)}`);
  if (typeof body.error?.code !== "string" || typeof body.error?.message !== "string" || body.error.message === "") {
    throw new Error(`not the error envelope: ${JSON.stringify(body)}`);
  }
  if (code && body.error.code !== code) throw new Error(`expected code ${code}, got ${body.error.code}`);
  return body.error;
}

/** Registers a model through the admin API. */
export async function putModel(id: string, model: Record<string, unknown>): Promise<Response> {
  return call(`/api/admin/models/${id}`, { method: "PUT", headers: ADMIN, body: JSON.stringify(model) });
}

/** Two slow verbose demo models (about 3 s an answer in tests), for catching a battle mid-generation. */
export async function seedSlowModels(): Promise<void> {
  for (const [id, name] of [
    ["slow-alpha", "Slowpoke Alpha"],
    ["slow-beta", "Slowpoke Beta"],
  ] as const) {
    const res = await putModel(id, {
      name,
      organization: "Harness Test Org",
      provider: "demo",
      upstreamModel: "verbose",
      params: { tokensPerSecond: 2 },
    });
    if (res.status !== 200) throw new Error(await res.text());
  }
}
