// Row normalisation (DESIGN section 7): one raw row (a parsed JSON object, or a CSV record keyed by header) →
// a BattleRow, a skip (anony false / excluded_reason), or a RowError. See README.md in this folder for every
// accepted spelling.

import type { BattleRow } from "./builder";
import { RowError } from "./errors";

/** Accepted winner spellings → OUTCOMES index (model_a 0, model_b 1, tie 2, tie (bothbad) 3). Exact, after trim. */
export const WINNER_CODES: Readonly<Record<string, number>> = {
  model_a: 0,
  a: 0,
  model_b: 1,
  b: 1,
  tie: 2,
  "tie (bothbad)": 3,
  bothbad: 3,
  both_bad: 3,
};
const WINNER_EXPECTED = "expected model_a, model_b, tie, tie (bothbad)";

/** FastChat (polyglot) language names → ISO 639-1. Matched case-insensitively. */
export const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: "en",
  chinese: "zh",
  russian: "ru",
  spanish: "es",
  german: "de",
  french: "fr",
  japanese: "ja",
  korean: "ko",
  portuguese: "pt",
  italian: "it",
  vietnamese: "vi",
  polish: "pl",
  arabic: "ar",
  turkish: "tr",
  dutch: "nl",
  indonesian: "id",
  persian: "fa",
  farsi: "fa",
  ukrainian: "uk",
  hindi: "hi",
  czech: "cs",
  swedish: "sv",
  hungarian: "hu",
  greek: "el",
  hebrew: "he",
  thai: "th",
  romanian: "ro",
  danish: "da",
  finnish: "fi",
  norwegian: "no",
  bulgarian: "bg",
  bengali: "bn",
  malay: "ms",
  tagalog: "tl",
  filipino: "tl",
  catalan: "ca",
  croatian: "hr",
  serbian: "sr",
  slovak: "sk",
  slovenian: "sl",
  lithuanian: "lt",
  latvian: "lv",
  estonian: "et",
  urdu: "ur",
  tamil: "ta",
  telugu: "te",
  marathi: "mr",
  gujarati: "gu",
  kannada: "kn",
  malayalam: "ml",
  punjabi: "pa",
  swahili: "sw",
  afrikaans: "af",
  armenian: "hy",
  georgian: "ka",
  azerbaijani: "az",
  kazakh: "kk",
  uzbek: "uz",
  mongolian: "mn",
  nepali: "ne",
  sinhala: "si",
  burmese: "my",
  khmer: "km",
  lao: "lo",
  icelandic: "is",
  irish: "ga",
  welsh: "cy",
  basque: "eu",
  galician: "gl",
  albanian: "sq",
  macedonian: "mk",
  bosnian: "bs",
  belarusian: "be",
  latin: "la",
  esperanto: "eo",
  amharic: "am",
  somali: "so",
  yoruba: "yo",
  zulu: "zu",
  pashto: "ps",
  kurdish: "ku",
  tajik: "tg",
  kyrgyz: "ky",
  tatar: "tt",
  maltese: "mt",
  luxembourgish: "lb",
};

/** User-token threshold of FastChat's "exclude short query" view: no_short = sum_user_tokens >= 5. */
export const SHORT_QUERY_TOKENS = 5;
/** FastChat's "longer query" category: long_query = sum_user_tokens >= 500. */
export const LONG_QUERY_TOKENS = 500;

/** CSV flag columns → category. */
const FLAG_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ["hard_6", "hard_prompts"],
  ["math", "math"],
  ["creative_writing", "creative_writing"],
  ["instruction_following", "instruction_following"],
  ["if", "instruction_following"],
  ["is_code", "coding"],
];

export type Normalised = { row: BattleRow } | { skip: string };

const isAbsent = (v: unknown): boolean => v === undefined || v === null || v === "";
const show = (v: unknown): string => {
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return JSON.stringify(s.length > 60 ? s.slice(0, 57) + "..." : s);
};

function num(v: unknown, field: string): number | null {
  if (isAbsent(v)) return null;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string") {
    const t = v.trim();
    if (t !== "") {
      const x = Number(t);
      if (Number.isFinite(x)) return x;
    }
  }
  throw new RowError("not_a_number", `${field} is not a number: ${show(v)}`);
}

function bool(v: unknown, field: string): boolean | null {
  if (isAbsent(v)) return null;
  if (typeof v === "boolean") return v;
  if (v === 1 || v === 0) return v === 1;
  if (typeof v === "string") {
    const t = v.trim().toLowerCase();
    if (t === "true" || t === "1" || t === "1.0") return true;
    if (t === "false" || t === "0" || t === "0.0") return false;
  }
  throw new RowError("bad_value", `${field} is not a boolean (true/false/1/0): ${show(v)}`);
}

function model(raw: Record<string, unknown>, field: "model_a" | "model_b"): string {
  const v = raw[field];
  if (v === undefined || v === null) throw new RowError("missing_field", `missing ${field}`);
  if (typeof v !== "string") throw new RowError("bad_value", `${field} is not a string: ${show(v)}`);
  const s = v.trim();
  if (s === "") throw new RowError("empty_model", `empty model name in ${field}`);
  return s;
}

/** ISO 639-1 code for a language code or FastChat name; "" = not mappable (non_english only); null = none. */
export function languageCode(v: unknown): string | null {
  if (isAbsent(v)) return null;
  if (typeof v !== "string") throw new RowError("bad_value", `language is not a string: ${show(v)}`);
  const t = v.trim();
  if (t === "") return null;
  const m = /^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)*$/.exec(t);
  if (m) return m[1]!.toLowerCase();
  return LANGUAGE_NAMES[t.toLowerCase()] ?? "";
}

function obj(v: unknown, field: string): Record<string, unknown> | null {
  if (isAbsent(v)) return null;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      throw new RowError("bad_value", `${field} is not a JSON object: ${show(v)}`);
    }
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new RowError("bad_value", `${field} is not an object: ${show(v)}`);
  return v as Record<string, unknown>;
}

function sumKeys(o: Record<string, unknown>, field: string, keys: readonly string[]): number {
  const v = obj(o[field], `conv_metadata.${field}`);
  if (v === null) return 0;
  let s = 0;
  for (const k of keys) s += num(v[k], `conv_metadata.${field}.${k}`) ?? 0;
  return s;
}
const HEADERS = ["h1", "h2", "h3", "h4", "h5", "h6"] as const;
const LISTS = ["ordered", "unordered"] as const;
const BOLDS = ["**", "__"] as const;

function categoryList(v: unknown): string[] {
  if (isAbsent(v)) return [];
  let list: unknown = v;
  if (typeof v === "string") {
    const t = v.trim();
    if (t.startsWith("[")) {
      try {
        list = JSON.parse(t);
      } catch {
        throw new RowError("bad_value", `categories is not a JSON array: ${show(v)}`);
      }
    } else list = t.split(/[;|]/);
  }
  if (!Array.isArray(list)) throw new RowError("bad_value", `categories is not an array: ${show(v)}`);
  const out: string[] = [];
  for (const c of list) {
    if (typeof c !== "string") throw new RowError("bad_value", `category is not a string: ${show(c)}`);
    const t = c.trim();
    if (t !== "" && t !== "overall") out.push(t);
  }
  return out;
}

/** FastChat clean_battle `category_tag` → categories (criteria_v0.1 with >= 6 true → hard_prompts, etc.). */
function categoryTag(v: unknown, out: string[]): void {
  const tag = obj(v, "category_tag");
  if (tag === null) return;
  const crit = tag["criteria_v0.1"];
  if (crit && typeof crit === "object") {
    let c = 0;
    for (const x of Object.values(crit)) if (x === true) c++;
    if (c >= 6) out.push("hard_prompts");
  }
  const flag = (key: string, sub: string, cat: string) => {
    const o = tag[key];
    if (o && typeof o === "object" && (o as Record<string, unknown>)[sub] === true) out.push(cat);
  };
  flag("math_v0.1", "math", "math");
  flag("creative_writing_v0.1", "creative_writing", "creative_writing");
  flag("if_v0.1", "if", "instruction_following");
}

/**
 * Normalises one raw row. Throws RowError for a malformed row. Field values may be native JSON types or
 * strings (CSV); an empty string is treated as absent for optional fields.
 */
export function normaliseRow(raw: Record<string, unknown>): Normalised {
  // Skips first: a row excluded on purpose is not "invalid" even if other fields are odd.
  const excluded = raw["excluded_reason"];
  if (!isAbsent(excluded))
    return { skip: `excluded:${typeof excluded === "string" ? excluded.trim() : JSON.stringify(excluded)}` };
  if (bool(raw["anony"], "anony") === false) return { skip: "anony_false" };

  const modelA = model(raw, "model_a");
  const modelB = model(raw, "model_b");
  const w = raw["winner"];
  if (w === undefined || w === null) throw new RowError("missing_field", "missing winner");
  const wc = typeof w === "string" ? WINNER_CODES[w.trim()] : undefined;
  if (wc === undefined) throw new RowError("unknown_winner", `unknown winner ${show(w)} (${WINNER_EXPECTED})`);

  const categories = categoryList(raw["categories"]);
  for (const [col, cat] of FLAG_COLUMNS) if (bool(raw[col], col)) categories.push(cat);
  categoryTag(raw["category_tag"], categories);
  const dedup = bool(raw["dedup_sampled"], "dedup_sampled");
  if (dedup === true) categories.push("dedup");
  else if (dedup === null) {
    const dt = obj(raw["dedup_tag"], "dedup_tag");
    if (dt !== null && bool(dt["sampled"], "dedup_tag.sampled") === true) categories.push("dedup");
  }
  let multiTurn = (num(raw["turn"], "turn") ?? 1) > 1;

  let styleA: number[] | null = null;
  let styleB: number[] | null = null;
  const meta = obj(raw["conv_metadata"], "conv_metadata");
  if (meta !== null) {
    const userTokens = num(meta["sum_user_tokens"], "conv_metadata.sum_user_tokens");
    if (userTokens !== null) {
      if (userTokens >= SHORT_QUERY_TOKENS) categories.push("no_short");
      if (userTokens >= LONG_QUERY_TOKENS) categories.push("long_query");
    }
    if ((num(meta["turns"], "conv_metadata.turns") ?? 1) > 1) multiTurn = true;
    const lenA = num(meta["sum_assistant_a_tokens"], "conv_metadata.sum_assistant_a_tokens");
    const lenB = num(meta["sum_assistant_b_tokens"], "conv_metadata.sum_assistant_b_tokens");
    if (lenA === null || lenB === null)
      throw new RowError("missing_field", "conv_metadata needs sum_assistant_a_tokens and sum_assistant_b_tokens");
    styleA = [
      lenA,
      sumKeys(meta, "header_count_a", HEADERS),
      sumKeys(meta, "list_count_a", LISTS),
      sumKeys(meta, "bold_count_a", BOLDS),
    ];
    styleB = [
      lenB,
      sumKeys(meta, "header_count_b", HEADERS),
      sumKeys(meta, "list_count_b", LISTS),
      sumKeys(meta, "bold_count_b", BOLDS),
    ];
    // Style control v2 (DESIGN section 14): emoji counts, a plain number per side, when the row has both.
    const emojiA = num(meta["emoji_count_a"], "conv_metadata.emoji_count_a");
    const emojiB = num(meta["emoji_count_b"], "conv_metadata.emoji_count_b");
    if (emojiA !== null && emojiB !== null) {
      styleA.push(emojiA);
      styleB.push(emojiB);
    }
  }
  if (multiTurn) categories.push("multi_turn");

  const idRaw = raw["id"] ?? raw["question_id"];
  let id: string | null = null;
  if (!isAbsent(idRaw)) {
    if (typeof idRaw === "string") id = idRaw;
    else if (typeof idRaw === "number") id = String(idRaw);
    else throw new RowError("bad_value", `id is not a string: ${show(idRaw)}`);
  }
  const sp = num(raw["sampling_probability"], "sampling_probability");
  if (sp !== null && !(sp > 0 && sp <= 1))
    throw new RowError("not_a_number", `sampling_probability must be in (0, 1]: ${show(raw["sampling_probability"])}`);

  return {
    row: {
      modelA,
      modelB,
      outcome: wc,
      categories,
      language: languageCode(raw["language"]),
      styleA,
      styleB,
      samplingProbability: sp,
      id,
      tstamp: num(raw["tstamp"], "tstamp"),
    },
  };
}
