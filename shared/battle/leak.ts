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
    // Global so a search can start mid-text while the lookbehind still sees the characters before that point.
    this.re = parts.length ? new RegExp(parts.join("|"), "gi") : null;
    this.window = terms.reduce((m, t) => Math.max(m, t.length), 0) + 1;
  }

  /** True when the complete `text` contains a term. */
  test(text: string): boolean {
    return this.search(text, 0, true);
  }

  /**
   * For a text that is still growing: checks only where the last `added` characters could have completed a
   * match, which keeps the per-token cost flat. A match that touches the end of the text does not count yet
   * ("Gazette" may still become "Gazettes"); call test() on the final text to settle it.
   */
  testTail(text: string, added: number): boolean {
    return this.search(text, Math.max(0, text.length - added - this.window), false);
  }

  private search(text: string, from: number, final: boolean): boolean {
    if (!this.re) return false;
    this.re.lastIndex = from;
    for (let m = this.re.exec(text); m; m = this.re.exec(text)) {
      const end = m.index + m[0].length;
      if (final || end < text.length || !/\w$/.test(m[0])) return true;
      this.re.lastIndex = m.index + 1;
    }
    return false;
  }
}
