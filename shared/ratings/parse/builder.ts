// Streaming row builder: appends normalised battles into a growable columnar BattleTable (DESIGN section 7).
// Typed arrays grow by doubling unless the caller knows the row count up front (the cron worker does, and so
// never holds two copies); optional columns (style, sampling probability) are allocated only when the first row
// carrying them arrives, and earlier rows are back-filled with NaN. Ids are validated by the parser but not
// kept: nothing in the engine needs them, and 3 million strings would not fit a Worker.

import {
  isDefaultStyleFeatures,
  MAX_MODELS,
  OUTCOMES,
  setStyleCounts,
  STYLE_FEATURES,
  styleColumns,
  type BattleTable,
  type StyleFeature,
} from "../table";
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
  /**
   * [length, header, list, bold] per side, plus emoji as a fifth entry when the row has emoji counts
   * (ALL_STYLE_FEATURES order), or null when the row has no conv_metadata.
   */
  styleA: readonly number[] | null;
  styleB: readonly number[] | null;
  samplingProbability: number | null;
  id: string | null;
  tstamp: number | null;
}

export interface BuilderOptions {
  /** Initial row capacity (it doubles as needed). */
  initialCapacity?: number;
  /** Keep sampling probabilities (for --ipw). Default true; the cron worker, which never weights, saves the memory. */
  samplingProbability?: boolean;
  /**
   * Keep each row's tstamp (`BattleTable.tstamp`, 8 bytes per row, for change over time). Default false: the
   * published boards do not need it and at 3M rows it is 24 MB of a Worker's 128 MB, so the caller that computes
   * changes opts in. The column is allocated only when the first row with a tstamp arrives (earlier rows
   * back-filled with NaN).
   */
  tstamp?: boolean;
  /**
   * The style features to keep, in canonical order (table.ts `parseStyleFeatures`). Default: the four of DESIGN
   * section 7, which is what the cron publishes. When `emoji` is asked for and no row has emoji counts, the
   * table is built without it (`BuiltTable.missingStyleFeatures` says so).
   */
  styleFeatures?: readonly StyleFeature[];
  /** Allocate the columns on SharedArrayBuffers, so worker threads can read the table without a copy (CLI). */
  shared?: boolean;
}

export interface BuiltTable {
  table: BattleTable;
  /** `lang_<code>` categories that did not fit in the 32 category bits (least frequent languages first dropped). */
  droppedCategories: string[];
  /** Requested style features no row had counts for (left out of the table), e.g. ["emoji"]. */
  missingStyleFeatures: StyleFeature[];
}

/**
 * A builder's rows before `finish()`, in its own dictionaries: one slice of a file parsed on its own thread
 * (`TableBuilder.part`), to be appended in file order to the whole table's builder (`TableBuilder.absorb`). Every
 * array may live on a SharedArrayBuffer, so handing a part to another thread copies nothing.
 */
export interface TablePart {
  length: number;
  models: string[];
  /** The line each model (category) was first seen on, so an overflow found when merging names the right line. */
  modelLines: number[];
  categories: string[];
  categoryLines: number[];
  /** Languages in first-seen order, their row counts, and each row's 1-based index into them (0 = none). */
  languages: string[];
  languageCount: number[];
  langIdx: Uint16Array;
  modelA: Uint16Array;
  modelB: Uint16Array;
  outcome: Uint8Array;
  categoryBits: Uint32Array;
  style: Float32Array | null;
  sawEmoji: boolean;
  samplingProbability: Float64Array | null;
  tstamp: Float64Array | null;
  latestTstamp: number | null;
}

export class TableBuilder {
  private cap: number;
  private n = 0;
  private readonly models: string[] = [];
  private readonly modelLines: number[] = [];
  private readonly modelIndex = new Map<string, number>();
  private readonly categories: string[] = [];
  private readonly categoryLines: number[] = [];
  private readonly categoryIndex = new Map<string, number>();
  private modelA: Uint16Array;
  private modelB: Uint16Array;
  private outcome: Uint8Array;
  private categoryBits: Uint32Array;
  /** 1-based index into `languages` (0 = no language board). */
  private langIdx: Uint16Array;
  private readonly languages: string[] = [];
  private readonly languageIndex = new Map<string, number>();
  private readonly languageCount: number[] = [];
  private style: Float32Array | null = null;
  private samplingProbability: Float64Array | null = null;
  private latestTstamp: number | null = null;
  private tstamp: Float64Array | null = null;
  private finished = false;
  private readonly keepSamplingProbability: boolean;
  private readonly keepTstamp: boolean;
  private readonly shared: boolean;
  /** Style features kept (canonical order), their width and their indices into the rows' counts. */
  private readonly features: readonly StyleFeature[];
  private readonly W: number;
  private readonly columns: Uint8Array | undefined;
  /** Index of emoji in `features` (−1 = not asked for) and whether any row had an emoji count. */
  private readonly emojiAt: number;
  private sawEmoji = false;

  constructor(options: BuilderOptions = {}) {
    this.cap = Math.max(1, options.initialCapacity ?? 1024);
    this.keepSamplingProbability = options.samplingProbability ?? true;
    this.keepTstamp = options.tstamp ?? false;
    this.shared = options.shared ?? false;
    this.features = options.styleFeatures ?? STYLE_FEATURES;
    if (this.features.length === 0) throw new Error("TableBuilder: at least one style feature");
    this.W = this.features.length;
    // The default set keeps the original code path (setStyleCounts without columns).
    this.columns = isDefaultStyleFeatures(this.features) ? undefined : styleColumns(this.features);
    this.emojiAt = this.features.indexOf("emoji");
    this.modelA = this.alloc(Uint16Array, this.cap);
    this.modelB = this.alloc(Uint16Array, this.cap);
    this.outcome = this.alloc(Uint8Array, this.cap);
    this.categoryBits = this.alloc(Uint32Array, this.cap);
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
    this.modelA[i] = this.model(row.modelA, line);
    this.modelB[i] = this.model(row.modelB, line);
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
    this.setOptional(i, row);
    this.n++;
  }

  /** Row i's style, sampling probability and tstamp (each column allocated when its first value arrives). */
  private setOptional(i: number, row: BattleRow): void {
    const W = this.W;
    if (row.styleA !== null && row.styleB !== null) {
      if (this.style === null) this.style = this.alloc(Float32Array, this.cap * W).fill(NaN);
      setStyleCounts(this.style, i, row.styleA, row.styleB, this.columns);
      if (this.emojiAt >= 0 && row.styleA.length > 4 && row.styleB.length > 4) this.sawEmoji = true;
    } else if (this.style !== null) this.style.fill(NaN, i * W, (i + 1) * W);
    if (this.keepSamplingProbability) {
      if (row.samplingProbability !== null) {
        if (this.samplingProbability === null) this.samplingProbability = this.alloc(Float64Array, this.cap).fill(NaN);
        this.samplingProbability[i] = row.samplingProbability;
      } else if (this.samplingProbability !== null) this.samplingProbability[i] = NaN;
    }
    if (this.keepTstamp) {
      if (row.tstamp !== null) {
        if (this.tstamp === null) this.tstamp = this.alloc(Float64Array, this.cap).fill(NaN);
        this.tstamp[i] = row.tstamp;
      } else if (this.tstamp !== null) this.tstamp[i] = NaN;
    }
    if (row.tstamp !== null && !(this.latestTstamp !== null && this.latestTstamp >= row.tstamp))
      this.latestTstamp = row.tstamp;
  }

  /** Ends this builder without finishing the table: its rows as a part for another builder to absorb. */
  part(): TablePart {
    if (this.finished) throw new Error("TableBuilder: part() after finish()");
    this.finished = true;
    const n = this.n;
    const W = this.W;
    return {
      length: n,
      models: this.models,
      modelLines: this.modelLines,
      categories: this.categories,
      categoryLines: this.categoryLines,
      languages: this.languages,
      languageCount: this.languageCount,
      langIdx: this.langIdx.subarray(0, n),
      modelA: this.modelA.subarray(0, n),
      modelB: this.modelB.subarray(0, n),
      outcome: this.outcome.subarray(0, n),
      categoryBits: this.categoryBits.subarray(0, n),
      style: this.style?.subarray(0, n * W) ?? null,
      sawEmoji: this.sawEmoji,
      samplingProbability: this.samplingProbability?.subarray(0, n) ?? null,
      tstamp: this.tstamp?.subarray(0, n) ?? null,
      latestTstamp: this.latestTstamp,
    };
  }

  /**
   * Appends a part's rows, as if its rows had been added here one by one: models and categories new to this
   * builder take the next indices in the part's first-seen order, so absorbing a file's slices in order builds
   * exactly the table one sequential parse would. `lineOffset` is the number of lines before the part's first
   * (an overflow is reported at the file's line). Built with the same options as this builder.
   */
  absorb(part: TablePart, lineOffset: number): void {
    if (this.finished) throw new Error("TableBuilder: absorb() after finish()");
    // Categories are resolved before models within a row, so at the same line a category overflow wins.
    let overflow: InputError | null = null;
    const catMap = new Uint8Array(part.categories.length);
    for (let k = 0; k < part.categories.length; k++) {
      try {
        catMap[k] = this.categoryBit(part.categories[k]!, part.categoryLines[k]! + lineOffset);
      } catch (e) {
        overflow = e as InputError;
        break;
      }
    }
    const modelMap = new Uint16Array(part.models.length);
    for (let k = 0; k < part.models.length; k++) {
      try {
        modelMap[k] = this.model(part.models[k]!, part.modelLines[k]! + lineOffset);
      } catch (e) {
        if (!overflow || (e as InputError).line! < overflow.line!) overflow = e as InputError;
        break;
      }
    }
    if (overflow) throw overflow;
    const langMap = new Uint16Array(part.languages.length + 1);
    part.languages.forEach((code, k) => {
      let li = this.languageIndex.get(code);
      if (li === undefined) {
        this.languages.push(code);
        this.languageCount.push(0);
        li = this.languages.length;
        this.languageIndex.set(code, li);
      }
      langMap[k + 1] = li;
      this.languageCount[li - 1]! += part.languageCount[k]!;
    });
    const m = part.length;
    while (this.cap < this.n + m) this.grow();
    const at = this.n;
    const identity = (map: ArrayLike<number>) => Array.prototype.every.call(map, (g: number, k: number) => g === k);
    if (identity(modelMap)) {
      this.modelA.set(part.modelA, at);
      this.modelB.set(part.modelB, at);
    } else {
      for (let i = 0; i < m; i++) {
        this.modelA[at + i] = modelMap[part.modelA[i]!]!;
        this.modelB[at + i] = modelMap[part.modelB[i]!]!;
      }
    }
    this.outcome.set(part.outcome, at);
    if (identity(catMap)) this.categoryBits.set(part.categoryBits, at);
    else {
      // Each half-word of a row's bits maps through its own table: two lookups a row instead of a loop over bits.
      const low = new Uint32Array(65536);
      const high = new Uint32Array(65536);
      for (let x = 1; x < 65536; x++) {
        let lo = 0;
        let hi = 0;
        for (let b = 0; b < 16; b++) {
          if (x & (1 << b)) {
            if (b < catMap.length) lo |= 1 << catMap[b]!;
            if (b + 16 < catMap.length) hi |= 1 << catMap[b + 16]!;
          }
        }
        low[x] = lo >>> 0;
        high[x] = hi >>> 0;
      }
      for (let i = 0; i < m; i++) {
        const x = part.categoryBits[i]!;
        this.categoryBits[at + i] = (low[x & 0xffff]! | high[x >>> 16]!) >>> 0;
      }
    }
    if (part.languages.length > 0) for (let i = 0; i < m; i++) this.langIdx[at + i] = langMap[part.langIdx[i]!]!;
    const W = this.W;
    this.style = this.absorbColumn(this.style, part.style, at, m, W);
    this.samplingProbability = this.keepSamplingProbability
      ? this.absorbColumn(this.samplingProbability, part.samplingProbability, at, m, 1)
      : null;
    this.tstamp = this.keepTstamp ? this.absorbColumn(this.tstamp, part.tstamp, at, m, 1) : null;
    if (part.sawEmoji) this.sawEmoji = true;
    if (part.latestTstamp !== null && !(this.latestTstamp !== null && this.latestTstamp >= part.latestTstamp))
      this.latestTstamp = part.latestTstamp;
    this.n += m;
  }

  /** An optional column after appending `m` rows at `at`: allocated (NaN before) when the part brings values. */
  private absorbColumn<T extends Float32Array | Float64Array>(
    mine: T | null,
    theirs: T | null,
    at: number,
    m: number,
    width: number,
  ): T | null {
    if (theirs === null) {
      mine?.fill(NaN, at * width, (at + m) * width);
      return mine;
    }
    const kind = theirs instanceof Float32Array ? Float32Array : Float64Array;
    const column = mine ?? (this.alloc(kind as unknown as TypedArrayConstructor<T>, this.cap * width).fill(NaN) as T);
    column.set(theirs as never, at * width);
    return column;
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
        this.categoryLines.push(0);
        this.categories.push(name);
      } else droppedCategories.push(name);
    }
    if (this.languages.length > 0) {
      for (let i = 0; i < n; i++) {
        const b = langBit[this.langIdx[i]!]!;
        if (b >= 0) this.categoryBits[i] = (this.categoryBits[i]! | (1 << b)) >>> 0;
      }
    }
    this.langIdx = new Uint16Array(0);
    // Emoji asked for but no row had emoji counts: build the table without that column (compacted in place,
    // row by row: row i's new offset never passes its old one).
    let features = this.features;
    let W = this.W;
    const missingStyleFeatures: StyleFeature[] = [];
    if (this.emojiAt >= 0 && !this.sawEmoji) {
      missingStyleFeatures.push("emoji");
      features = features.filter((f) => f !== "emoji");
      if (this.style && features.length > 0) {
        const s = this.style;
        for (let r = 0; r < n; r++)
          for (let f = 0, g = 0; f < W; f++) if (f !== this.emojiAt) s[r * (W - 1) + g++] = s[r * W + f]!;
      }
      W -= 1;
    }
    const style = features.length > 0 ? (this.style?.subarray(0, n * W) ?? null) : null;
    const table: BattleTable = {
      length: n,
      models: this.models,
      modelA: this.modelA.subarray(0, n),
      modelB: this.modelB.subarray(0, n),
      outcome: this.outcome.subarray(0, n),
      categories: this.categories,
      categoryBits: this.categoryBits.subarray(0, n),
      style,
      ...(isDefaultStyleFeatures(features) ? {} : { styleFeatures: features }),
      samplingProbability: this.samplingProbability?.subarray(0, n) ?? null,
      latestTstamp: this.latestTstamp,
      tstamp: this.tstamp?.subarray(0, n) ?? null,
    };
    return { table, droppedCategories, missingStyleFeatures };
  }

  private model(name: string, line: number | null): number {
    let k = this.modelIndex.get(name);
    if (k === undefined) {
      if (this.models.length >= MAX_MODELS)
        throw new InputError(`too many models: "${name}" would be number ${MAX_MODELS + 1}`, line, "too_many_models");
      k = this.models.length;
      this.models.push(name);
      this.modelLines.push(line ?? 0);
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
      this.categoryLines.push(line ?? 0);
      this.categoryIndex.set(name, k);
    }
    return k;
  }

  private alloc<T extends TypedArray>(kind: TypedArrayConstructor<T>, length: number): T {
    if (!this.shared) return new kind(length);
    return new kind(new SharedArrayBuffer(length * kind.BYTES_PER_ELEMENT) as unknown as ArrayBuffer, 0, length);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = <T extends TypedArray>(kind: TypedArrayConstructor<T>, a: T, size: number, fill?: number): T => {
      const b = this.alloc(kind, size);
      b.set(a as never);
      if (fill !== undefined) b.fill(fill, a.length);
      return b;
    };
    this.modelA = g(Uint16Array, this.modelA, cap);
    this.modelB = g(Uint16Array, this.modelB, cap);
    this.outcome = g(Uint8Array, this.outcome, cap);
    this.categoryBits = g(Uint32Array, this.categoryBits, cap);
    const lang = new Uint16Array(cap);
    lang.set(this.langIdx);
    this.langIdx = lang;
    if (this.style) this.style = g(Float32Array, this.style, cap * this.W, NaN);
    if (this.samplingProbability) this.samplingProbability = g(Float64Array, this.samplingProbability, cap, NaN);
    if (this.tstamp) this.tstamp = g(Float64Array, this.tstamp, cap, NaN);
    this.cap = cap;
  }
}

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;
interface TypedArrayConstructor<T extends TypedArray> {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}
