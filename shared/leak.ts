// Live identity-leak detection (invariant 4): an assistant answer that names any model of the pool — id, name,
// alias, codename or organization — as a whole word, case-insensitively, makes the battle not count.

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export interface IdentitySource {
  id: string;
  name: string;
  organization: string;
  aliases?: readonly string[];
  codename?: string | null;
}

/** The distinct identity strings of a pool, longest first (so the regex prefers the longest match). */
export function identityTerms(models: readonly IdentitySource[]): string[] {
  const terms = new Set<string>();
  for (const m of models) {
    for (const t of [m.id, m.name, m.organization, m.codename ?? "", ...(m.aliases ?? [])]) {
      const trimmed = t.trim();
      if (trimmed.length >= 2) terms.add(trimmed.toLowerCase());
    }
  }
  return [...terms].sort((a, b) => b.length - a.length);
}

/**
 * A matcher over a growing text. `\b` only works next to word characters, so each end of a term gets a
 * boundary that is right for it: "(demo)" must still match when followed by a space.
 */
export class LeakDetector {
  private readonly re: RegExp | null;
  private readonly window: number;

  constructor(terms: readonly string[]) {
    const parts = terms.map((t) => {
      const start = /^\w/.test(t) ? "(?<![\\w])" : "";
      const end = /\w$/.test(t) ? "(?![\\w])" : "";
      return `${start}${escape(t)}${end}`;
    });
    this.re = parts.length ? new RegExp(parts.join("|"), "i") : null;
    this.window = terms.reduce((m, t) => Math.max(m, t.length), 0) + 1;
  }

  /** True when `text` contains a term. */
  test(text: string): boolean {
    return this.re !== null && this.re.test(text);
  }

  /**
   * Checks only the part of `text` that new characters could have completed a match in: the last
   * `added` characters plus the longest term's length. Keeps the per-token cost flat on long answers.
   */
  testTail(text: string, added: number): boolean {
    return this.test(text.slice(Math.max(0, text.length - added - this.window)));
  }
}
