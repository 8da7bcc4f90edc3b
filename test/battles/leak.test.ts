// shared/battle/leak.ts: the identity strings of a model pool and the live, case-insensitive whole-word matcher that
// marks a battle as `identity_leak` (DESIGN invariant 4).
import { describe, expect, it } from "vitest";
import seedModels from "../../d1/seed/models.json";
import { identityTerms, LeakDetector } from "../../shared/battle/leak";

describe("identityTerms", () => {
  it("collects ids, names, organizations and aliases of the pool, lower-cased", () => {
    const terms = identityTerms(seedModels);
    for (const t of [
      "demo-pebble",
      "pebble mini (demo)",
      "quarrystone demo lab",
      "pebble mini",
      "quarrystone",
      "gazette",
      "broadsheet press",
      "trellis collective",
      "paperfold",
    ]) {
      expect(terms).toContain(t);
    }
    expect(terms.every((t) => t === t.toLowerCase())).toBe(true);
  });

  it("includes a private model's codename", () => {
    expect(identityTerms([{ id: "p1", name: "Secret Thing", organization: "Acme", codename: "Nightjar" }])).toContain(
      "nightjar",
    );
  });

  it("trims, deduplicates case-insensitively and drops terms shorter than two characters", () => {
    const terms = identityTerms([
      { id: "m1", name: "  Falcon  ", organization: "Acme", aliases: ["X", "", "   "] },
      { id: "m2", name: "FALCON", organization: "acme", aliases: ["Falcon"] },
    ]);
    expect([...terms].sort()).toEqual(["acme", "falcon", "m1", "m2"]);
  });

  it("orders terms longest first", () => {
    const terms = identityTerms(seedModels);
    for (let i = 1; i < terms.length; i++) expect(terms[i - 1]!.length).toBeGreaterThanOrEqual(terms[i]!.length);
  });
});

describe("LeakDetector.test", () => {
  const detector = new LeakDetector(identityTerms(seedModels));

  it("matches a term as a whole word, ignoring case", () => {
    expect(detector.test("the gazette says")).toBe(true);
    expect(detector.test("THE GAZETTE SAYS")).toBe(true);
    expect(detector.test("Gazette.")).toBe(true);
    expect(detector.test("I was trained by Tallyhall")).toBe(true);
  });

  it("does not match a term inside a longer word", () => {
    expect(detector.test("gazettes")).toBe(false);
    expect(detector.test("the megazette")).toBe(false);
    expect(detector.test("paperfolding is fun")).toBe(false);
    expect(detector.test("gazette_archive")).toBe(false);
  });

  it("matches names that start or end with punctuation", () => {
    expect(detector.test("I am Pebble Mini (demo), nice to meet you")).toBe(true);
    expect(detector.test("I am pebble mini (DEMO).")).toBe(true);
    expect(detector.test("Answer from Wisteria Longform (demo)")).toBe(true);
  });

  it("matches ids containing a hyphen as whole words", () => {
    expect(detector.test("model: demo-pebble")).toBe(true);
    expect(detector.test("model: demo-pebbles")).toBe(false);
  });

  it("does not report ordinary text that only shares words with the pool", () => {
    expect(detector.test("This is a demo of a mini pebble, a press release and a lab report.")).toBe(false);
    expect(detector.test("(demo)")).toBe(false);
  });

  it("treats regex metacharacters in terms literally", () => {
    const d = new LeakDetector(identityTerms([{ id: "gpt-4.1", name: "C++ Helper (beta)", organization: "A.I. Co" }]));
    expect(d.test("I am gpt-4.1.")).toBe(true);
    expect(d.test("I am gpt-401")).toBe(false);
    expect(d.test("ask c++ helper (beta) today")).toBe(true);
    expect(d.test("ask c helper beta today")).toBe(false);
    expect(d.test("made by a.i. co")).toBe(true);
    expect(d.test("made by axix co")).toBe(false);
  });

  it("never matches with an empty pool", () => {
    const d = new LeakDetector([]);
    expect(d.test("anything at all")).toBe(false);
    expect(d.testTail("anything at all", 3)).toBe(false);
  });
});

describe("LeakDetector.testTail", () => {
  const detector = new LeakDetector(identityTerms(seedModels));

  it("finds a term that straddles the old text and the newly added text", () => {
    const old = "Well, the Gaz";
    const added = "ette reports that";
    expect(detector.test(old)).toBe(false);
    expect(detector.testTail(old + added, added.length)).toBe(true);
  });

  it("finds a multi-word name completed by a single added character at the end of a long answer", () => {
    const old = "lorem ipsum dolor sit amet ".repeat(400) + "published by Broadsheet Demo Pres";
    expect(detector.test(old)).toBe(false);
    const text = old + "s";
    // Touching the end of a growing text the match is not settled yet ("Press" could still become "Pressed")…
    expect(detector.testTail(text, 1)).toBe(false);
    // …it is as soon as more text follows, or when the answer ends (test() on the final text).
    expect(detector.testTail(text + " today", 6)).toBe(true);
    expect(detector.test(text)).toBe(true);
  });

  it("does not flag a name that the next chunk turns into a longer word", () => {
    let text = "";
    const flagged: boolean[] = [];
    for (const chunk of ["Read the", " Gazette", "s of old."]) {
      text += chunk;
      flagged.push(detector.testTail(text, chunk.length));
    }
    expect(flagged).toEqual([false, false, false]);
    expect(detector.test(text)).toBe(false);
  });

  it("finds a name ending in punctuation completed by its last character", () => {
    const d = new LeakDetector(identityTerms([{ id: "nova-1", name: "Nova One (demo)", organization: "Starlight" }]));
    const old = "lorem ipsum ".repeat(300) + "I am Nova One (demo";
    expect(d.test(old)).toBe(false);
    expect(d.testTail(old + ")", 1)).toBe(true);
  });

  it("finds a term lying entirely inside a long added chunk", () => {
    const old = "x ".repeat(1000);
    const added = "Some context first. Then: Broadsheet Press wrote this. And a long tail after it, too.";
    expect(detector.testTail(old + added, added.length)).toBe(true);
  });

  it("respects the word boundary before a straddling term", () => {
    const old = "the megaz";
    const added = "ette";
    expect(detector.testTail(old + added, added.length)).toBe(false);
  });

  it("does not report text without a term", () => {
    const text = "It helps to check the units and the orders of magnitude.";
    expect(detector.testTail(text, 10)).toBe(false);
  });

  // Regression: the search window must not hide the character before a term ("Ollama" is not "Llama").
  it("agrees with test() on the full text for a term preceded by a letter at the cut point", () => {
    const d = new LeakDetector(
      identityTerms([{ id: "llama-3-8b", name: "Llama 3 8B", organization: "Meta", aliases: ["Llama"] }]),
    );
    const chunks = ["Install", " Ollama", " first", ", then", " run it."];
    let text = "";
    const flagged: string[] = [];
    for (const chunk of chunks) {
      text += chunk;
      if (d.testTail(text, chunk.length)) flagged.push(chunk);
    }
    expect(d.test(text)).toBe(false);
    expect(flagged).toEqual([]);
  });
});
