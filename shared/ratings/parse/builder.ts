// Streaming row builder: appends normalised battles into a growable columnar BattleTable (DESIGN section 7).
// Typed arrays double in capacity; optional columns (style, sampling probability, ids, tstamp) are allocated
// only when the first row carrying them arrives, and earlier rows are back-filled with NaN / null.

import { OUTCOMES, type BattleTable } from "../table";
import { InputError } from "./errors";

export const MAX_CATEGORIES = 32;

/** One battle after normalisation (see normalize.ts). */
export interface BattleRow {
  modelA: string;
  modelB: string;
  /** Index into OUTCOMES. */
  outcome: number;
  /** Category names (not language boards; those come from `language`). */
  categories: string[];
  /** ISO 639-1 code, or "" for a language we could not map (still counted as non_english), or null. */
  language: string | null;
  /** [length, header, list, bold] per side, or null when the row has no conv_metadata. */
  styleA: readonly number[] | null;
  styleB: readonly number[] | null;
  samplingProbability: number | null;
  id: string | null;
  tstamp: number | null;
}

export interface BuiltTable {
  table: BattleTable;
  /** `lang_<code>` categories that did not fit in the 32 category bits (least frequent languages first dropped). */
  droppedCategories: string[];
}

export class TableBuilder {
  private cap: number;
  private n = 0;
  private readonly models: string[] = [];
  private readonly modelIndex = new Map<string, number>();
  private readonly categories: string[] = [];
  private readonly categoryIndex = new Map<string, number>();
  private modelA: Int32Array;
  private modelB: Int32Array;
  private outcome: Uint8Array;
  private categoryBits: Uint32Array;
  /** 1-based index into `languages` (0 = no language board). */
  private langIdx: Uint16Array;
  private readonly languages: string[] = [];
  private readonly languageIndex = new Map<string, number>();
  private readonly languageCount: number[] = [];
  private styleA: Float64Array | null = null;
  private styleB: Float64Array | null = null;
  private samplingProbability: Float64Array | null = null;
  private ids: (string | null)[] | null = null;
  private tstamp: Float64Array | null = null;
  private finished = false;

  constructor(initialCapacity = 1024) {
    this.cap = Math.max(1, initialCapacity);
    this.modelA = new Int32Array(this.cap);
    this.modelB = new Int32Array(this.cap);
    this.outcome = new Uint8Array(this.cap);
    this.categoryBits = new Uint32Array(this.cap);
    this.langIdx = new Uint16Array(this.cap);
  }

  get length(): number {
    return this.n;
  }

  /** Appends one row. Throws InputError (kind too_many_categories) when a 33rd non-language category appears. */
  add(row: BattleRow, line: number | null = null): void {
    if (this.finished) throw new Error("TableBuilder: add() after finish()");
    if (row.outcome < 0 || row.outcome >= OUTCOMES.length) throw new Error(`TableBuilder: bad outcome ${row.outcome}`);
    // Resolve categories first so a too-many-categories error leaves the table unchanged.
    let bits = 0;
    for (const c of row.categories) bits |= 1 << this.categoryBit(c, line);
    if (row.language !== null) bits |= 1 << this.categoryBit(row.language === "en" ? "english" : "non_english", line);
    if (this.n === this.cap) this.grow();
    const i = this.n;
    this.modelA[i] = this.model(row.modelA);
    this.modelB[i] = this.model(row.modelB);
    this.outcome[i] = row.outcome;
    this.categoryBits[i] = bits >>> 0;
    if (row.language) {
      let li = this.languageIndex.get(row.language);
      if (li === undefined) {
        this.languages.push(row.language);
        this.languageCount.push(0);
        li = this.languages.length;
        this.languageIndex.set(row.language, li);
      }
      this.langIdx[i] = li;
      this.languageCount[li - 1]! += 1;
    }
    if (row.styleA !== null && row.styleB !== null) {
      if (this.styleA === null || this.styleB === null) {
        this.styleA = new Float64Array(this.cap * 4).fill(NaN);
        this.styleB = new Float64Array(this.cap * 4).fill(NaN);
      }
      for (let f = 0; f < 4; f++) {
        this.styleA[i * 4 + f] = row.styleA[f] ?? NaN;
        this.styleB[i * 4 + f] = row.styleB[f] ?? NaN;
      }
    } else if (this.styleA !== null && this.styleB !== null) {
      this.styleA.fill(NaN, i * 4, i * 4 + 4);
      this.styleB.fill(NaN, i * 4, i * 4 + 4);
    }
    if (row.samplingProbability !== null) {
      if (this.samplingProbability === null) this.samplingProbability = new Float64Array(this.cap).fill(NaN);
      this.samplingProbability[i] = row.samplingProbability;
    } else if (this.samplingProbability !== null) this.samplingProbability[i] = NaN;
    if (row.id !== null) {
      if (this.ids === null) this.ids = new Array<string | null>(i).fill(null);
      this.ids[i] = row.id;
    } else if (this.ids !== null) this.ids[i] = null;
    if (row.tstamp !== null) {
      if (this.tstamp === null) this.tstamp = new Float64Array(this.cap).fill(NaN);
      this.tstamp[i] = row.tstamp;
    } else if (this.tstamp !== null) this.tstamp[i] = NaN;
    this.n++;
  }

  /**
   * Returns the table with `length` set (arrays are views of exactly `length` rows). Language boards
   * `lang_<code>` take the category bits left after the other categories, most frequent language first (ties by
   * code); the rest are listed in `droppedCategories`.
   */
  finish(): BuiltTable {
    if (this.finished) throw new Error("TableBuilder: finish() called twice");
    this.finished = true;
    const n = this.n;
    const order = this.languages
      .map((code, k) => ({ code, k: k + 1, count: this.languageCount[k] ?? 0 }))
      .sort((x, y) => y.count - x.count || (x.code < y.code ? -1 : x.code > y.code ? 1 : 0));
    const langBit = new Int32Array(this.languages.length + 1).fill(-1);
    const droppedCategories: string[] = [];
    for (const { code, k } of order) {
      const name = `lang_${code}`;
      const existing = this.categoryIndex.get(name);
      if (existing !== undefined) langBit[k] = existing;
      else if (this.categories.length < MAX_CATEGORIES) {
        langBit[k] = this.categories.length;
        this.categoryIndex.set(name, this.categories.length);
        this.categories.push(name);
      } else droppedCategories.push(name);
    }
    if (this.languages.length > 0) {
      for (let i = 0; i < n; i++) {
        const b = langBit[this.langIdx[i]!]!;
        if (b >= 0) this.categoryBits[i] = (this.categoryBits[i]! | (1 << b)) >>> 0;
      }
    }
    if (this.ids !== null) this.ids.length = n;
    const table: BattleTable = {
      length: n,
      models: this.models,
      modelA: this.modelA.subarray(0, n),
      modelB: this.modelB.subarray(0, n),
      outcome: this.outcome.subarray(0, n),
      categories: this.categories,
      categoryBits: this.categoryBits.subarray(0, n),
      styleA: this.styleA?.subarray(0, n * 4) ?? null,
      styleB: this.styleB?.subarray(0, n * 4) ?? null,
      samplingProbability: this.samplingProbability?.subarray(0, n) ?? null,
      ids: this.ids,
      tstamp: this.tstamp?.subarray(0, n) ?? null,
    };
    return { table, droppedCategories };
  }

  private model(name: string): number {
    let k = this.modelIndex.get(name);
    if (k === undefined) {
      k = this.models.length;
      this.models.push(name);
      this.modelIndex.set(name, k);
    }
    return k;
  }

  private categoryBit(name: string, line: number | null): number {
    let k = this.categoryIndex.get(name);
    if (k === undefined) {
      if (this.categories.length >= MAX_CATEGORIES)
        throw new InputError(
          `too many categories: "${name}" would be number ${MAX_CATEGORIES + 1} (at most ${MAX_CATEGORIES})`,
          line,
          "too_many_categories",
        );
      k = this.categories.length;
      this.categories.push(name);
      this.categoryIndex.set(name, k);
    }
    return k;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends Int32Array | Uint8Array | Uint32Array | Uint16Array | Float64Array>(
      a: T,
      size: number,
      fill?: number,
    ): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      if (fill !== undefined) b.fill(fill, a.length);
      return b;
    };
    this.modelA = g(this.modelA, cap);
    this.modelB = g(this.modelB, cap);
    this.outcome = g(this.outcome, cap);
    this.categoryBits = g(this.categoryBits, cap);
    this.langIdx = g(this.langIdx, cap);
    if (this.styleA) this.styleA = g(this.styleA, cap * 4, NaN);
    if (this.styleB) this.styleB = g(this.styleB, cap * 4, NaN);
    if (this.samplingProbability) this.samplingProbability = g(this.samplingProbability, cap, NaN);
    if (this.tstamp) this.tstamp = g(this.tstamp, cap, NaN);
    this.cap = cap;
  }
}
