// Style features and token counts (DESIGN section 7, FastChat's add_markdown_meta / count_markdown_elements).
// One fixed tokenizer for every model: OpenAI's cl100k_base, as FastChat uses for sum_*_tokens.
// The tokenizer's rank table is large, so it is loaded lazily on first use rather than at Worker start-up.

export interface HeaderCounts {
  h1: number;
  h2: number;
  h3: number;
  h4: number;
  h5: number;
  h6: number;
}
export interface ListCounts {
  ordered: number;
  unordered: number;
}
export interface BoldCounts {
  "**": number;
  __: number;
}
export interface StyleCounts {
  tokens: number;
  header: HeaderCounts;
  list: ListCounts;
  bold: BoldCounts;
  /** Emoji (style control v2, DESIGN section 14): see `countEmoji`. */
  emoji: number;
}

/** FastChat removes fenced code with the pattern ```[^`]*``` before counting markdown. */
const FENCED_CODE = /```[^`]*```/g;

export function stripFencedCode(text: string): string {
  return text.replace(FENCED_CODE, "");
}

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

export function markdownCounts(text: string): Omit<StyleCounts, "tokens"> {
  const t = stripFencedCode(text);
  const header = (level: number) => count(t, new RegExp(`^#{${level}}\\s`, "gm"));
  return {
    header: { h1: header(1), h2: header(2), h3: header(3), h4: header(4), h5: header(5), h6: header(6) },
    list: { ordered: count(t, /^\s*\d+\.\s/gm), unordered: count(t, /^\s*[-*+]\s/gm) },
    bold: { "**": count(t, /\*\*[^*\n]+\*\*/g), __: count(t, /__[^_\n]+__/g) },
    emoji: countEmoji(t),
  };
}

// Emoji (style control v2). One emoji = one emoji sequence, matched as the grapheme-cluster rules of UAX #29 join
// them (GB9 Extend, GB11 ZWJ × Extended_Pictographic, GB12/13 regional-indicator pairs), so a ZWJ sequence
// (👨‍👩‍👧‍👦), a skin-tone modifier sequence (👍🏽), a flag (🇫🇷, and tag sequences such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿) and a keycap (1️⃣)
// each count once. A sequence counts when it is shown as an emoji: it has a code point with
// Emoji_Presentation=Yes, or U+FE0F (emoji presentation selector), or it is a keycap or a flag. Symbols that
// default to text presentation (©, ®, ™, ‼, ❤ and ☺ without U+FE0F) and anything followed by U+FE0E do not
// count. A regular expression rather than Intl.Segmenter: the same answer in every runtime and ICU version, and a
// text without any candidate code point (nearly every answer) costs one scan.
const EMOJI_CANDIDATE = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3]/u;
const EXTEND = "\\uFE0E\\uFE0F\\u{1F3FB}-\\u{1F3FF}\\u{E0020}-\\u{E007F}\\u20E3";
const EMOJI_SEQUENCE = new RegExp(
  `\\p{Regional_Indicator}{2}|[#*0-9]\\uFE0F?\\u20E3|\\p{Extended_Pictographic}[${EXTEND}]*(?:\\u200D\\p{Extended_Pictographic}[${EXTEND}]*)*`,
  "gu",
);
const EMOJI_PRESENTATION = /[\p{Emoji_Presentation}\uFE0F\u20E3]/u;

/** Number of emoji (emoji presentation sequences, each counted once) in `text`; 0 for plain text. */
export function countEmoji(text: string): number {
  if (!EMOJI_CANDIDATE.test(text)) return 0;
  let n = 0;
  for (const m of text.matchAll(EMOJI_SEQUENCE)) {
    const seq = m[0];
    if (seq.endsWith("\uFE0E")) continue;
    if (EMOJI_PRESENTATION.test(seq)) n++;
  }
  return n;
}

type TokenCounter = (text: string) => number;
let counter: Promise<TokenCounter> | undefined;

/** cl100k_base's special tokens. FastChat counts with allowed_special="all": each is one token wherever it appears. */
const SPECIAL_TOKENS = /<\|(?:endoftext|fim_prefix|fim_middle|fim_suffix|endofprompt)\|>/g;

function loadCounter(): Promise<TokenCounter> {
  counter ??= import("gpt-tokenizer/encoding/cl100k_base").then((m) => {
    const ordinary = (text: string) => (text ? m.countTokens(text, { disallowedSpecial: new Set() }) : 0);
    // Split at special tokens ourselves, as tiktoken does: gpt-tokenizer 4.0 only recognises one at the very
    // start of its input, which would make the count depend on where the token appears.
    return (text: string) => {
      const specials = text.match(SPECIAL_TOKENS)?.length ?? 0;
      return text.split(SPECIAL_TOKENS).reduce((sum, part) => sum + ordinary(part), specials);
    };
  });
  // A failed load must not be cached forever: the next call tries again.
  counter.catch(() => (counter = undefined));
  return counter;
}

/** cl100k_base token count of each text. */
export async function countTokens(texts: readonly string[]): Promise<number[]> {
  const c = await loadCounter();
  return texts.map((t) => (t ? c(t) : 0));
}

/** Style counts for one side of a conversation: tokens summed per answer, markdown over all answers joined. */
export async function sideStyle(answers: readonly string[]): Promise<StyleCounts> {
  const tokens = (await countTokens(answers)).reduce((a, b) => a + b, 0);
  return { tokens, ...markdownCounts(answers.join("\n")) };
}
