// shared/battle/transcript.ts: the R2 transcript format. Its key, its turns as the battle view shows them, and a
// read that checks the shape: an object that is not a transcript is logged and read as absent, never cast.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readTranscript, transcriptKey, turnsOf, type Transcript } from "../../shared/battle/transcript";

const transcript: Transcript = {
  id: "b1",
  modelA: "demo-pebble",
  modelB: "demo-gazette",
  conversationA: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello from A" },
    { role: "user", content: "again" },
    { role: "assistant", content: "A again" },
  ],
  conversationB: [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello from B" },
    { role: "user", content: "again" },
  ],
};

afterEach(() => vi.restoreAllMocks());

describe("transcript", () => {
  it("is keyed by the UTC day of the vote", () => {
    const votedAt = Date.UTC(2026, 0, 31, 23, 59);
    expect(transcriptKey({ battleId: "b1", votedAt })).toBe("transcripts/2026-01-31/b1.json");
  });

  it("turns pair each prompt with both answers, empty where a side has none", () => {
    expect(turnsOf(transcript)).toEqual([
      { user: "hi", a: "hello from A", b: "hello from B" },
      { user: "again", a: "A again", b: "" },
    ]);
  });

  it("reads a stored transcript back; a missing, non-JSON or wrong-shaped object is null and logged", async () => {
    await env.STORE.put("t/good.json", JSON.stringify(transcript));
    await env.STORE.put("t/text.json", "not json");
    await env.STORE.put("t/shape.json", JSON.stringify({ ...transcript, conversationB: "nope" }));
    const errors: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void errors.push(String(line)));

    expect(await readTranscript(env.STORE, "t/good.json")).toEqual(transcript);
    expect(await readTranscript(env.STORE, "t/absent.json")).toBeNull();
    expect(errors).toEqual([]);
    expect(await readTranscript(env.STORE, "t/text.json")).toBeNull();
    expect(await readTranscript(env.STORE, "t/shape.json")).toBeNull();
    expect(errors.map((e) => JSON.parse(e))).toMatchObject([
      { level: "error", msg: "transcript.invalid", key: "t/text.json" },
      {
        level: "error",
        msg: "transcript.invalid",
        key: "t/shape.json",
        reason: expect.stringContaining("conversationB"),
      },
    ]);
  });
});
