// Red Team kinds are versioned data (shared/redteam/kinds/*.json), validated by shared/redteam/kinds.ts.
import { describe, expect, it } from "vitest";
import { KIND_FILES, KIND_NAMES, kinds, parseKinds } from "../../shared/redteam/kinds";
import { setupGame } from "../../shared/redteam/game";
import { generateSecret } from "../../shared/redteam/secret";

describe("red team kinds", () => {
  it("every kind file is valid and every kind is present", () => {
    const all = parseKinds(KIND_FILES);
    expect([...all.keys()].sort()).toEqual([...KIND_NAMES].sort());
    for (const k of all.values()) {
      expect(k.seconds).toBe(60);
      expect(k.targets.length).toBeGreaterThan(0);
    }
    expect(all.get("bad-words")!.targets.length).toBeGreaterThanOrEqual(45);
  });

  it("target ids are unique across kinds", () => {
    const ids = [...kinds().values()].flatMap((k) => k.targets.map((t) => t.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("rejects a duplicate target id and an invalid file, naming the file", () => {
    const bw = KIND_FILES["bad-words.json"] as { targets: { id: string }[] };
    const copy = { ...bw, kind: "bad-words" };
    expect(() =>
      parseKinds({ "a.json": KIND_FILES["secret.json"], "b.json": { ...(KIND_FILES["secret.json"] as object) } }),
    ).toThrow(/defined twice|not unique/);
    expect(() => parseKinds({ "x.json": { ...copy, seconds: "sixty" } })).toThrow(/x\.json: seconds/);
    expect(() => parseKinds({ "y.json": { ...copy, targets: [bw.targets[0], bw.targets[0]] } })).toThrow(/not unique/);
  });

  it("secret games get a fresh credential inside the system prompt; the player is not shown it", () => {
    const a = setupGame("secret", "secret-api-key");
    const b = setupGame("secret", "secret-api-key");
    expect(a.target).not.toBe(b.target);
    expect(a.system).toContain(a.target);
    expect(a.system).not.toContain("{{secret}}");
    expect(a.shownTarget).toBeNull();
    expect(generateSecret("pin")).toMatch(/^\d{8}$/);
    expect(generateSecret("password")).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
  });

  it("bad-words shows its phrase; system-prompt hides its canary, which is in the system prompt", () => {
    const bw = setupGame("bad-words");
    expect(bw.shownTarget).toBe(bw.target);
    const sp = setupGame("system-prompt");
    expect(sp.shownTarget).toBeNull();
    expect(sp.system).toContain(sp.target);
  });
});
