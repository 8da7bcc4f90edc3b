// Runs the fuzz corpus (corpus.ts) against the Worker in the Workers runtime (real D1, DOs, Queues, R2) and checks
// what every answer must be: no 5xx (but the contract's 503 not_ready), the JSON error envelope on every 4xx (OpenAI's
// shape on /v1/*), no stack trace or file path in any body, credentials never get past a secured route, and an
// answer within a bounded time.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import worker from "../../workers/index";
import { ADMIN, BASE, call, createBattle, post, seedDemoModels } from "../helpers";
import { createProvider, demoModel, registerModel, type TestProvider } from "../accounts/helpers";
import { buildCorpus, type Credential, type FuzzCase } from "./corpus";

/**
 * The Worker's fetch handler called directly (the Workers-runtime tests' unit style). Not `exports.default.fetch`:
 * through the pool's loopback every request is slower than the one before (5 ms at first, over 100 ms after a few
 * hundred, measured with /api/health), which turns a few thousand requests into minutes.
 */
async function fetchWorker(path: string, init: RequestInit): Promise<{ res: Response; text: string }> {
  const headers = new Headers(init.headers);
  headers.set("cf-connecting-ip", `198.51.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  const ctx = createExecutionContext();
  const request = new Request(`${BASE}${path}`, { ...init, headers }) as Request<unknown, IncomingRequestCfProperties>;
  const res = await worker.fetch(request, env, ctx);
  // Read the body before waiting on the context: a streamed answer is pumped by a waitUntil task.
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text };
}

const STACK = /\bat [\w.$<>]+ \(|file:\/\/|node_modules|\/work\/|\.[cm]?[jt]s:\d+:\d+|workerd|miniflare/i;
const PER_REQUEST_MS = 10_000;

interface Fixtures {
  battle: string;
  chat: string;
  /** A Red Team game, so the valid case of /api/redteam/games/{id}… reaches the GameRoom. */
  game: string;
  provider: TestProvider;
  other: TestProvider;
  model: string;
  /** Keys of `provider` for the rate-limited OpenAI-compatible routes (8 per key per minute in the tests). */
  keys: string[];
  uses: number;
}

async function fixtures(): Promise<Fixtures> {
  await seedDemoModels();
  const provider = await createProvider("Fuzz Provider");
  const other = await createProvider("Other Fuzz Provider");
  const { id: model } = await registerModel(provider.apiKey, demoModel("fuzz-private-model"));
  const res = await post("/api/chat", { model: "demo-pebble", messages: [{ role: "user", content: "hi" }] });
  const meta = /event: meta\ndata: (.*)\n/.exec(await res.text());
  const game = await post("/api/redteam/games", { kind: "bad-words" });
  return {
    game: ((await game.json()) as { id?: string }).id ?? "no-game",
    battle: await createBattle(),
    chat: (JSON.parse(meta?.[1] ?? "{}") as { id?: string }).id ?? "no-chat",
    provider,
    other,
    model,
    keys: [provider.apiKey],
    uses: 0,
  };
}

/** The real id for a path parameter, so the valid case reaches the handler. */
function validParam(f: Fixtures, template: string, name: string): string {
  if (name === "prefix") return f.provider.prefix;
  if (name === "model") return "demo-pebble";
  if (template.startsWith("/api/battles/")) return f.battle;
  if (template.startsWith("/api/chat/")) return f.chat;
  if (template.startsWith("/api/redteam/games/")) return f.game;
  if (template.startsWith("/api/admin/providers/")) return f.provider.id;
  if (template.startsWith("/api/admin/models/")) return "fuzz-operator-model";
  if (template.startsWith("/v1/provider/models/")) return f.model;
  return "x";
}

async function providerKey(f: Fixtures, path: string): Promise<string> {
  if (!/^\/v1\/(models|chat)/.test(path)) return f.provider.apiKey;
  if (++f.uses % 7 === 0) {
    const res = await call(`/api/admin/providers/${f.provider.id}/keys`, { method: "POST", headers: ADMIN });
    f.keys.push(((await res.json()) as { apiKey: string }).apiKey);
  }
  return f.keys.at(-1)!;
}

async function authorization(f: Fixtures, cred: Credential, path: string): Promise<string | undefined> {
  switch (cred) {
    case "none":
      return undefined;
    case "admin":
      return ADMIN.authorization;
    case "provider":
      return `Bearer ${await providerKey(f, path)}`;
    case "otherProvider":
      return `Bearer ${f.other.apiKey}`;
    case "garbage":
      return "Bearer ak_0123456789abcdef_garbage";
    case "basic":
      return "Basic Zm9vOmJhcg==";
    case "empty":
      return "Bearer ";
  }
}

async function runCase(f: Fixtures, c: FuzzCase, timings: [number, string][]): Promise<string | null> {
  let path = c.path.replace(/\{(\w+)\}/g, (_, name: string) => c.params[name] ?? validParam(f, c.path, name));
  if (c.query) path += `?${c.query}`;
  const headers: Record<string, string> = {};
  const auth = await authorization(f, c.credential, c.path);
  if (auth) headers.authorization = auth;
  if (c.contentType) headers["content-type"] = c.contentType;
  const hasBody = c.body !== undefined && c.method !== "GET" && c.method !== "HEAD";
  const started = Date.now();
  let res: Response;
  let text: string;
  try {
    ({ res, text } = await fetchWorker(path, { method: c.method, headers, body: hasBody ? c.body!() : undefined }));
  } catch (err) {
    return `${c.name}: threw ${String(err).slice(0, 200)}`;
  }
  const ms = Date.now() - started;
  timings.push([ms, c.name]);
  const problems: string[] = [];
  if (ms > PER_REQUEST_MS) problems.push(`took ${ms} ms`);
  const notReady = res.status === 503 && text.includes('"not_ready"');
  if (res.status >= 500 && !notReady) problems.push(`status ${res.status}`);
  if (STACK.test(text)) problems.push(`body shows internals: ${STACK.exec(text)?.[0]}`);
  if (res.status >= 400) {
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push("error body is not JSON");
    }
    if (body) {
      const e = body.error;
      const ok = c.path.startsWith("/v1/")
        ? typeof e?.message === "string" && typeof e?.type === "string"
        : typeof e?.code === "string" && typeof e?.message === "string";
      if (!ok) problems.push(`not the error envelope: ${text.slice(0, 120)}`);
    }
  }
  // Credentials: the wrong kind never gets past a secured route; another provider never sees this one's model.
  if (c.secured && c.credential !== c.secured) {
    const foreignProvider = c.secured === "provider" && c.credential === "otherProvider";
    if (foreignProvider) {
      // Another provider cannot tell this provider's model exists: it gets what an unknown id gets.
      if (c.path.includes("{id}") && !c.params.id) {
        const unknown = await fetchWorker(path.replace(f.model, "no-such-model-anywhere"), {
          method: c.method,
          headers,
          body: hasBody ? c.body!() : undefined,
        });
        const code = (t: string) => /"code":"?([\w-]*)/.exec(t)?.[1];
        if (unknown.res.status !== res.status || code(unknown.text) !== code(text))
          problems.push(`another provider's key got ${res.status} here but ${unknown.res.status} for an unknown id`);
      }
    } else if (res.status !== 401 && res.status !== 403) {
      problems.push(`credential ${c.credential} got ${res.status}`);
    }
  }
  return problems.length ? `${c.name}: ${problems.join("; ")} [${res.status} ${text.slice(0, 160)}]` : null;
}

/** Runs every case whose path `select` accepts; fails with the list of every case that broke a rule. */
export async function fuzzRoutes(select: (path: string) => boolean): Promise<number> {
  const doc = (await (await call("/openapi.json")).json()) as Parameters<typeof buildCorpus>[0];
  const f = await fixtures();
  const corpus = buildCorpus(doc).filter((c) => select(c.path));
  const failures: string[] = [];
  const timings: [number, string][] = [];
  const started = Date.now();
  for (const c of corpus) {
    const failure = await runCase(f, c, timings);
    if (failure) failures.push(failure.slice(0, 400));
  }
  const slowest = timings.sort((a, b) => b[0] - a[0]).slice(0, 8);
  console.log(
    `fuzz: ${corpus.length} requests in ${Date.now() - started} ms; slowest: ` +
      slowest.map(([ms, name]) => `${name.slice(0, 70)} ${ms} ms`).join(" | "),
  );
  expect(failures).toEqual([]);
  return corpus.length;
}
