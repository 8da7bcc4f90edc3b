// PII scrubbing for the released conversations (DESIGN section 4, /api/export/conversations.jsonl): e-mail
// addresses, phone numbers, IP addresses (v4 and v6), API keys and tokens, private keys and payment card numbers
// (Luhn-checked) are replaced by a bracketed placeholder. Pure and deterministic. Tuned on
// test/fixtures/pii/corpus.json, which also holds ordinary text (dates, prices, versions, times, maths, code) that must
// come through unchanged. Names and street addresses are not detected (that needs a model; see docs/data.md).

export const PLACEHOLDERS = {
  email: "[EMAIL]",
  phone: "[PHONE]",
  ip: "[IP]",
  key: "[KEY]",
  card: "[CARD]",
} as const;

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;

/** Vendor token formats (prefix + enough entropy), and JWTs. */
const TOKENS: readonly RegExp[] = [
  /\bsk-(?:proj-|ant-(?:api\d{2}-)?|live_|test_)?[A-Za-z0-9_-]{20,}/g, // OpenAI, Anthropic, Stripe-style secret keys
  /\b(?:rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/g, // Stripe
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub
  /\bgithub_pat_[A-Za-z0-9_]{22,}/g,
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\bhf_[A-Za-z0-9]{30,}\b/g, // Hugging Face
  /\bgsk_[A-Za-z0-9]{30,}\b/g, // Groq
  /\br8_[A-Za-z0-9]{30,}\b/g, // Replicate
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWT
];
/** `Authorization: Bearer …` and `api_key = "…"`-style assignments: the name stays, the value goes. */
const BEARER = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{16,}/g;
const ASSIGNED_SECRET =
  /\b((?:api[_-]?key|apikey|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|password|passwd|pwd|client[_-]?secret)["']?\s*[:=]\s*)(["']?)([^\s"',;]{8,})\2/gi;

const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;

/** 13–19 digits, optionally in groups separated by one space or dash. */
const CARD_CANDIDATE = /(?<![\d.,-])\d(?:[ -]?\d){12,18}(?![\d.,]\d)/g;

const IPV4 = /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]*\d)/g;
const IPV6 =
  /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:|(?:[0-9A-Fa-f]{1,4}:){1,6}:[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,5}(?::[0-9A-Fa-f]{1,4}){1,2}|(?:[0-9A-Fa-f]{1,4}:){1,4}(?::[0-9A-Fa-f]{1,4}){1,3}|(?:[0-9A-Fa-f]{1,4}:){1,3}(?::[0-9A-Fa-f]{1,4}){1,4}|(?:[0-9A-Fa-f]{1,4}:){1,2}(?::[0-9A-Fa-f]{1,4}){1,5}|[0-9A-Fa-f]{1,4}:(?::[0-9A-Fa-f]{1,4}){1,6}|::(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![\w:])/g;

/**
 * Phone numbers: an international number (+ and 8–15 digits), a number with a bracketed area code, or a
 * separated national format (3-3-4 as in North America, or 2–5 digit groups starting with 0 as in Europe). Plain digit
 * runs, years, dates and amounts do not match.
 */
const PHONES: readonly RegExp[] = [
  /(?<![\w+])\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}(?![\w])/g,
  /(?<![\w])\(\d{2,5}\)[ .-]?\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?![\w])/g,
  /(?<![\w.-])\d{3}[ .-]\d{3}[ .-]\d{4}(?![\w.-]?\d)/g,
  /(?<![\w.-])0\d{1,4}(?:[ -]\d{2,4}){2,4}(?![\w.-]?\d)/g,
];

/** The Luhn checksum of a digit string (payment cards). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const digitCount = (s: string) => s.replace(/\D/g, "").length;
const isValidIpv6 = (s: string) => (s.match(/:/g) ?? []).length >= 2 && /[0-9a-f]/i.test(s.replace(/:/g, ""));

/** Replaces every detected item by its placeholder. */
export function scrubPii(text: string): string {
  let out = text.replace(PRIVATE_KEY, PLACEHOLDERS.key);
  for (const re of TOKENS) out = out.replace(re, PLACEHOLDERS.key);
  out = out.replace(BEARER, (_m, scheme: string) => `${scheme} ${PLACEHOLDERS.key}`);
  out = out.replace(ASSIGNED_SECRET, (_m, name: string, quote: string) => `${name}${quote}${PLACEHOLDERS.key}${quote}`);
  out = out.replace(EMAIL, PLACEHOLDERS.email);
  out = out.replace(CARD_CANDIDATE, (m) => {
    const digits = m.replace(/\D/g, "");
    return digits.length >= 13 && digits.length <= 19 && luhnValid(digits) ? PLACEHOLDERS.card : m;
  });
  out = out.replace(IPV4, PLACEHOLDERS.ip);
  out = out.replace(IPV6, (m) => (isValidIpv6(m) ? PLACEHOLDERS.ip : m));
  for (const re of PHONES) {
    out = out.replace(re, (m) => {
      const n = digitCount(m);
      return n >= 8 && n <= 15 ? PLACEHOLDERS.phone : m;
    });
  }
  return out;
}
