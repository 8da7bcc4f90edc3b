// shared/battle/style.ts: FastChat-compatible markdown counts (count_markdown_elements after removing ```[^`]*```),
// cl100k_base token counts and the per-side style features that feed style control (DESIGN section 7).
import { describe, expect, it } from "vitest";
import { countEmoji, countTokens, markdownCounts, sideStyle } from "../../shared/battle/style";

const NO_HEADERS = { h1: 0, h2: 0, h3: 0, h4: 0, h5: 0, h6: 0 };

describe("markdownCounts: headers", () => {
  it("counts each header level only at its exact number of #", () => {
    const text = ["# One", "## Two", "### Three", "#### Four", "##### Five", "###### Six", "####### Seven"].join("\n");
    // "####### Seven" has seven #: no level h1..h6 matches it (the level is followed by '#', not whitespace).
    expect(markdownCounts(text).header).toEqual({ h1: 1, h2: 1, h3: 1, h4: 1, h5: 1, h6: 1 });
  });

  it('counts "## x" as an h2 only, not also as an h1', () => {
    expect(markdownCounts("## x").header).toEqual({ ...NO_HEADERS, h2: 1 });
  });

  it("needs the # at the start of a line and whitespace after it", () => {
    const text = "#hashtag\n  # indented\nissue #12 is open\nC# is a language\n# Real header";
    expect(markdownCounts(text).header).toEqual({ ...NO_HEADERS, h1: 1 });
  });

  it("counts headers on every line of a multi-line answer", () => {
    const text = "## Overview\n\nSome text.\n\n## Details\n\nMore text.\n\n### Note\n";
    expect(markdownCounts(text).header).toEqual({ ...NO_HEADERS, h2: 2, h3: 1 });
  });
});

describe("markdownCounts: lists", () => {
  it("counts ordered and unordered items, including indented ones", () => {
    const text = [
      "1. first",
      "2. second",
      "10. tenth",
      "   3. nested",
      "- dash",
      "* star",
      "+ plus",
      "    - nested dash",
    ].join("\n");
    expect(markdownCounts(text).list).toEqual({ ordered: 4, unordered: 4 });
  });

  it("does not count numbers, negative values or bold text as list items", () => {
    const text = [
      "1.5 million people",
      "-5 degrees outside",
      "**Bold** start of a line",
      "2.the missing space",
      "Price: 3. dollars",
    ].join("\n");
    expect(markdownCounts(text).list).toEqual({ ordered: 0, unordered: 0 });
  });
});

describe("markdownCounts: bold", () => {
  it("counts **x** and __x__ separately", () => {
    expect(markdownCounts("**a** and **b c** and __d__").bold).toEqual({ "**": 2, __: 1 });
  });

  it("does not count emphasis that spans a line break or is empty", () => {
    expect(markdownCounts("**not\nbold**").bold).toEqual({ "**": 0, __: 0 });
    expect(markdownCounts("__also\nnot__").bold).toEqual({ "**": 0, __: 0 });
    expect(markdownCounts("empty **** here").bold).toEqual({ "**": 0, __: 0 });
    expect(markdownCounts("empty ____ here").bold).toEqual({ "**": 0, __: 0 });
  });

  it("does not count single-star or single-underscore emphasis", () => {
    expect(markdownCounts("*italic* and _italic_ and snake_case_name").bold).toEqual({ "**": 0, __: 0 });
  });
});

describe("markdownCounts: fenced code is removed first", () => {
  it("ignores headers, list items and bold inside a fenced block", () => {
    const text = "```python\n# a comment\n- not an item\n1. not an item\n**kwargs**\n```\n# Real header\n- real item";
    expect(markdownCounts(text)).toEqual({
      header: { ...NO_HEADERS, h1: 1 },
      list: { ordered: 0, unordered: 1 },
      bold: { "**": 0, __: 0 },
      emoji: 0,
    });
  });

  it("removes every fenced block, keeping the markdown between them", () => {
    const text = "```sh\n# one\n```\n## Between\n```sh\n# two\n```";
    expect(markdownCounts(text).header).toEqual({ ...NO_HEADERS, h2: 1 });
  });

  it("like FastChat, does not remove a block that contains a single backtick", () => {
    // ```[^`]*``` cannot cross the inline backticks, so the block stays and its "# inside" line is counted.
    const text = "```js\nconst s = `x`;\n# inside\n```";
    expect(markdownCounts(text).header.h1).toBe(1);
  });

  it("returns all zeros for empty or plain text", () => {
    const zeros = { header: NO_HEADERS, list: { ordered: 0, unordered: 0 }, bold: { "**": 0, __: 0 }, emoji: 0 };
    expect(markdownCounts("")).toEqual(zeros);
    expect(markdownCounts("Just a plain sentence, nothing else.")).toEqual(zeros);
  });
});

describe("countTokens (cl100k_base)", () => {
  it("counts known strings exactly", async () => {
    expect(await countTokens(["hello world", "hello", "The quick brown fox jumps over the lazy dog."])).toEqual([
      2, 1, 10,
    ]);
  });

  it("returns one count per input, in order, with 0 for empty text", async () => {
    expect(await countTokens(["", "hello world", ""])).toEqual([0, 2, 0]);
    expect(await countTokens([])).toEqual([]);
  });

  it("counts long text in proportion to its length", async () => {
    // "hello" + 99 × (" world" / " hello") + " world" + trailing " " = 201 tokens.
    expect(await countTokens(["hello world ".repeat(100)])).toEqual([201]);
  });

  it("handles non-ASCII text and emoji", async () => {
    const [n] = await countTokens(["héllo wörld 你好 🎉"]);
    expect(n).toBe(12);
  });

  it("does not throw on special-token text and counts it as the special token", async () => {
    expect(await countTokens(["<|endoftext|>", "<|fim_prefix|>"])).toEqual([1, 1]);
  });

  // cl100k_base with allowed_special="all" (tiktoken: [64, 220, 100257, 293]); gpt-tokenizer 4.0 alone only
  // recognises a special token at the very start of its input, so shared/battle/style.ts splits at them itself.
  it("counts special-token text the same wherever it appears in the answer", async () => {
    expect(await countTokens(["a <|endoftext|> b"])).toEqual([4]);
  });
});

describe("sideStyle", () => {
  it("sums tokens per answer rather than over the joined text", async () => {
    // Each answer is 2 tokens; "hello world\nhello world" would be 5.
    const style = await sideStyle(["hello world", "hello world"]);
    expect(style.tokens).toBe(4);
  });

  it("counts markdown over all answers, each starting on its own line", async () => {
    const style = await sideStyle(["# First answer\n- item", "# Second answer\n1. step\n**bold**", "plain"]);
    expect(style.header).toEqual({ ...NO_HEADERS, h1: 2 });
    expect(style.list).toEqual({ ordered: 1, unordered: 1 });
    expect(style.bold).toEqual({ "**": 1, __: 0 });
  });

  it("does not count bold that would only form across two answers", async () => {
    const style = await sideStyle(["start **open", "close** end"]);
    expect(style.bold["**"]).toBe(0);
  });

  it("removes fenced code before counting markdown", async () => {
    const style = await sideStyle(["```\n# code comment\n- x\n```", "## Real"]);
    expect(style.header).toEqual({ ...NO_HEADERS, h2: 1 });
    expect(style.list.unordered).toBe(0);
  });

  it("is all zeros for a side with no answers", async () => {
    expect(await sideStyle([])).toEqual({
      tokens: 0,
      header: NO_HEADERS,
      list: { ordered: 0, unordered: 0 },
      bold: { "**": 0, __: 0 },
      emoji: 0,
    });
  });

  it("counts emoji over all answers, outside fenced code", async () => {
    const style = await sideStyle(["Great question! 🎉", "Done ✅ 👍🏽", "```\n// 🐛 in code\n```"]);
    expect(style.emoji).toBe(3);
  });
});

describe("countEmoji", () => {
  it("is 0 for plain text, digits, # and *, and symbols that default to text", () => {
    expect(countEmoji("")).toBe(0);
    expect(countEmoji("Just a plain sentence, 123 # * - nothing else.")).toBe(0);
    expect(countEmoji("héllo wörld 你好 ← → ✓")).toBe(0);
    expect(countEmoji("© 2026 ® ™ ‼ ❤ ☺")).toBe(0);
  });

  it("counts single emoji, and a text-default symbol with U+FE0F", () => {
    expect(countEmoji("😀")).toBe(1);
    expect(countEmoji("😀😀 hi 🎉")).toBe(3);
    expect(countEmoji("❤️")).toBe(1);
    expect(countEmoji("☺️")).toBe(1);
  });

  it("does not count a symbol forced to text presentation with U+FE0E", () => {
    expect(countEmoji("☺\uFE0E")).toBe(0);
  });

  it("counts a ZWJ sequence once", () => {
    expect(countEmoji("👨‍👩‍👧‍👦")).toBe(1);
    expect(countEmoji("🏳️‍🌈")).toBe(1);
    expect(countEmoji("🧑🏽‍💻 and 👩‍🔬")).toBe(2);
  });

  it("counts a skin-tone modifier sequence once", () => {
    expect(countEmoji("👍🏽")).toBe(1);
    expect(countEmoji("👋🏻👋🏿")).toBe(2);
  });

  it("counts flags once: regional-indicator pairs and tag sequences", () => {
    expect(countEmoji("🇫🇷")).toBe(1);
    expect(countEmoji("🇫🇷🇩🇪🇯🇵")).toBe(3);
    expect(countEmoji("🏴󠁧󠁢󠁳󠁣󠁴󠁿")).toBe(1);
  });

  it("counts keycaps once", () => {
    expect(countEmoji("1️⃣")).toBe(1);
    expect(countEmoji("#️⃣ *️⃣ 0️⃣")).toBe(3);
    expect(countEmoji("Step 1\u20E3")).toBe(1);
  });

  it("counts emoji inside ordinary text", () => {
    expect(countEmoji("Sure! 🚀 Here is the plan:\n- 📌 first\n- ✅ done")).toBe(3);
  });
});
