// Extra models for the browser tests, registered through the admin API (as an operator would) and backed by the
// fake OpenAI-compatible server on loopback (bench/fake-openai.mjs). They serve only the named modes (side by
// side, chat), so anonymous battles never sample them, and are deprecated again afterwards.
import path from "node:path";
import { expect } from "vitest";
import { readDevVars } from "../../scripts/seed.mjs";
import { base } from "./browser";

const token = readDevVars(path.resolve(import.meta.dirname, "../../.dev.vars")).ADMIN_TOKEN as string;

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
