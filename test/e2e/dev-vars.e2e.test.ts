// Every NAME=value line of .dev.vars reaches the Worker under `npm start` (issue 11, defect 1; DESIGN section 10):
// a vendor key under an arbitrary name used by an `openai` model, TURNSTILE_SECRET_KEY, and var overrides
// (RATE_LIMITS=off, TURNSTILE_VERIFY_URL). The arena runs from a copy of the project with its own .dev.vars, started
// exactly as `npm start` does, so the test cannot touch the developer's files.
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI } from "../../bench/fake-openai.mjs";
import { startArena } from "../../scripts/arena-process.mjs";
import { parseEvents } from "../../shared/battle/sse";

const root = path.resolve(import.meta.dirname, "../..");
const VENDOR_KEY = "sk-acme-loopback-7f3a9c";
const TURNSTILE_SECRET = "turnstile-secret-from-dev-vars";
const ADMIN_TOKEN = "dev-vars-admin-token";

let copy: string;
let arena: Awaited<ReturnType<typeof startArena>>;
let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
let siteverify: Server;
const verified: { secret: string; response: string }[] = [];

/** Cloudflare's siteverify, faked: passes the token "human" when the secret is the one from .dev.vars. */
async function startSiteverify(): Promise<string> {
  siteverify = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    const body = JSON.parse(raw || "{}") as { secret: string; response: string };
    verified.push(body);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ success: body.secret === TURNSTILE_SECRET && body.response === "human" }));
  });
  await new Promise<void>((r) => siteverify.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(siteverify.address() as { port: number }).port}/siteverify`;
}

/** The project's files without node_modules, state or build output; node_modules is linked. */
function copyProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "arena-copy-"));
  const skip = new Set(["node_modules", ".git", ".wrangler", "test-output", ".dev.vars"]);
  cpSync(root, dir, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(root, src);
      return !skip.has(rel.split(path.sep)[0]!) && !rel.startsWith(path.join("public", "assets"));
    },
  });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

beforeAll(async () => {
  upstream = await startFakeOpenAI({ tokens: 5, firstMs: 5, gapMs: 5, text: (i) => ` acme${i}` });
  const verifyUrl = await startSiteverify();
  copy = copyProject();
  writeFileSync(
    path.join(copy, ".dev.vars"),
    [
      `ADMIN_TOKEN=${ADMIN_TOKEN}`,
      "VOTER_HASH_SALT=dev-vars-salt",
      "PROVIDER_KEYS_SECRET=dev-vars-provider-keys-secret",
      "# a vendor key under a name nothing in the project knows",
      `ACME_LOOPBACK_KEY="${VENDOR_KEY}"`,
      `TURNSTILE_SECRET_KEY=${TURNSTILE_SECRET}`,
      `TURNSTILE_VERIFY_URL=${verifyUrl}`,
      "RATE_LIMITS=off",
      "DEMO_SPEEDUP=10",
      "",
    ].join("\n"),
  );
  arena = await startArena({ cwd: copy, dotDevVars: true, args: ["--refresh-seconds", "0"] });
}, 180_000);

afterAll(async () => {
  await arena?.stop();
  await upstream?.close();
  siteverify?.close();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe(".dev.vars under npm start", () => {
  it("seeds with the ADMIN_TOKEN of .dev.vars and names every key it loaded (never a value)", () => {
    expect(arena.adminToken).toBe(ADMIN_TOKEN);
    const out = arena.output();
    expect(out).toMatch(/\.dev\.vars: .*ACME_LOOPBACK_KEY.*RATE_LIMITS.* reach the Worker/);
    expect(out).not.toContain(VENDOR_KEY);
    expect(out).not.toContain(TURNSTILE_SECRET);
  });

  it("gives an openai model the key named by apiKeySecret: the loopback server sees the Authorization header", async () => {
    const put = await fetch(`${arena.url}/api/admin/models/acme-loopback`, {
      method: "PUT",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "Acme Loopback",
        organization: "Acme Loopback Lab",
        provider: "openai",
        baseUrl: `${upstream.url}/v1`,
        upstreamModel: "paced",
        apiKeySecret: "ACME_LOOPBACK_KEY",
        modes: ["chat"],
      }),
    });
    expect(put.status).toBe(200);
    const res = await fetch(`${arena.url}/api/chat`, {
      method: "POST",
      body: JSON.stringify({ model: "acme-loopback", messages: [{ role: "user", content: "Hello?" }] }),
    });
    expect(res.status).toBe(200);
    const events = parseEvents(await res.text()) as { event: string; data: any }[];
    const text = events.filter((e) => e.event === "token").map((e) => e.data.text);
    expect(text.join("")).toBe(" acme0 acme1 acme2 acme3 acme4");
    expect(events.find((e) => e.event === "error")).toBeUndefined();
    const request = upstream.requests.at(-1)!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe(`Bearer ${VENDOR_KEY}`);
  });

  it("switches Turnstile on with TURNSTILE_SECRET_KEY and TURNSTILE_VERIFY_URL from .dev.vars", async () => {
    const without = await fetch(`${arena.url}/api/battles`, {
      method: "POST",
      body: JSON.stringify({ mode: "anonymous" }),
    });
    expect(without.status).toBe(403);
    expect(((await without.json()) as any).error.code).toBe("turnstile_required");
    const bot = await fetch(`${arena.url}/api/battles`, {
      method: "POST",
      body: JSON.stringify({ mode: "anonymous", turnstileToken: "robot" }),
    });
    expect(bot.status).toBe(403);
    expect(verified.at(-1)).toMatchObject({ secret: TURNSTILE_SECRET, response: "robot" });
  });

  it("with RATE_LIMITS=off lets 100 battle creations from one IP through", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${arena.url}/api/battles`, {
        method: "POST",
        headers: { "cf-connecting-ip": "203.0.113.7" },
        body: JSON.stringify({ mode: "anonymous", turnstileToken: "human" }),
      });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
  });
});
