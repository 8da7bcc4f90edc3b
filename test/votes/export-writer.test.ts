// The frozen export goes to R2 once, hashed as it streams; large exports use a multipart upload whose parts
// (all but the last) must be the same size, or R2 refuses to complete it.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ExportWriter } from "../../workers/cron/export-writer";

const MiB = 1024 * 1024;

async function sha256(bytes: ArrayBuffer): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function writeLines(key: string, lines: number, partBytes?: number) {
  const writer = new ExportWriter(env.STORE, key, partBytes);
  // Lines of uneven length, so part boundaries fall inside lines.
  for (let i = 0; i < lines; i++)
    await writer.writeLine(JSON.stringify({ id: `row-${i}`, pad: "x".repeat(200 + (i % 97)) }));
  return writer.finish();
}

describe("ExportWriter", () => {
  it("writes a small export in one put, with the SHA-256 of exactly its bytes", async () => {
    const written = await writeLines("exports/test-small/battles.jsonl", 100);
    const object = (await env.STORE.get(written.key))!;
    const bytes = await object.arrayBuffer();
    expect(written).toMatchObject({ lines: 100, bytes: bytes.byteLength });
    expect(written.sha256).toBe(await sha256(bytes));
    expect(new TextDecoder().decode(bytes).split("\n")).toHaveLength(101); // every line ends with \n
  });

  it("writes a large export as equal-sized multipart parts that R2 accepts, byte for byte", async () => {
    const written = await writeLines("exports/test-large/battles.jsonl", 45_000, 5 * MiB);
    expect(written.bytes).toBeGreaterThan(11 * MiB); // two full 5 MiB parts and a remainder
    const object = (await env.STORE.get(written.key))!;
    const bytes = await object.arrayBuffer();
    expect(bytes.byteLength).toBe(written.bytes);
    expect(written.sha256).toBe(await sha256(bytes));
    const text = new TextDecoder().decode(bytes);
    expect(text.split("\n").at(-2)).toContain('"row-44999"');
  });
});
