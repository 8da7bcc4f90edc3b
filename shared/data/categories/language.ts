// Language of the user's prompt as an ISO 639-1 code, for the `english` / `non_english` / `lang_xx` boards
// (the ratings parser maps the code to those boards). Detector: ELD (efficient-language-detector, 60 languages,
// ISO 639-1 output) with its extra-small n-gram database: ~285 KB gzip in the Worker bundle, loaded lazily on first
// use so it does not slow every cold start. Chosen over franc-min (ISO 639-3 codes, weaker on short text) and
// tinyld (larger, weaker on our fixtures); see docs/data.md.

/** Detection looks at this much of the user's text (after removing code): plenty for a reliable answer. */
export const LANGUAGE_SCAN_CHARS = 2_000;

interface Detector {
  detect(text: string): { language: string; isReliable(): boolean };
}

let detector: Promise<Detector> | undefined;

function loadDetector(): Promise<Detector> {
  detector ??= import("eld/extrasmall").then((m) => m.eld as Detector);
  detector.catch(() => (detector = undefined)); // a failed load is retried on the next call
  return detector;
}

const FENCED = /```[\s\S]*?(?:```|$)/g;
const INLINE_CODE = /`[^`\n]*`/g;
const URLS = /\b(?:https?:\/\/|www\.)\S+/gi;
const EMAILS = /\b[\w.+-]+@[\w-]+\.[\w.-]+\b/g;
const LETTER = /\p{L}/u;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Scripts that name one language, for text too short for the n-gram detector ("네", "你好"). Order matters: kana
 * before Han (Japanese mixes both). */
const SCRIPTS: readonly [RegExp, string][] = [
  [/[\u3040-\u30ff]/, "ja"],
  [/[\uac00-\ud7af\u1100-\u11ff]/, "ko"],
  [/[\u4e00-\u9fff]/, "zh"],
  [/[\u0e00-\u0e7f]/, "th"],
  [/[\u0590-\u05ff]/, "he"],
  [/[\u0370-\u03ff]/, "el"],
  [/[\u10a0-\u10ff]/, "ka"],
  [/[\u0530-\u058f]/, "hy"],
];

/** The prose the language is judged on: code, URLs and addresses say nothing about the user's language. */
export function proseOf(userTurns: readonly string[]): string {
  const joined = userTurns.join("\n");
  const prose = joined.replace(FENCED, " ").replace(INLINE_CODE, " ").replace(URLS, " ").replace(EMAILS, " ");
  return (LETTER.test(prose) ? prose : joined).slice(0, LANGUAGE_SCAN_CHARS).trim();
}

/**
 * ISO 639-1 code of the user's language, or null when there is no text to judge. When the detector is unsure (very
 * short text) a plain-ASCII prompt counts as English ("hi", "thanks!", "test"), which is what such prompts almost
 * always are on an arena; a script used by one language decides (Hangul, kana, Han, Thai, …); otherwise the
 * detector's best guess is kept. ELD has no Indonesian: Indonesian prompts come out as `ms` (Malay).
 */
export async function detectLanguage(userTurns: readonly string[]): Promise<string | null> {
  const text = proseOf(userTurns);
  if (!LETTER.test(text)) return null;
  const d = await loadDetector();
  const result = d.detect(text);
  if (result.isReliable() && result.language) return result.language;
  if (ASCII_ONLY.test(text)) return "en";
  for (const [script, code] of SCRIPTS) if (script.test(text)) return code;
  return result.language || null;
}
