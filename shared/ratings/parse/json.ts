// JSON: a top-level array of objects (FastChat clean_battle), scanned incrementally so a 500 MB file is never
// held whole. The scanner finds each element's extent (tracking strings, escapes and {}/[] depth) and
// JSON.parse's that element alone. Chunks may split anywhere (inside strings, escapes, numbers).

import { InputError } from "./errors";
import type { RowSink } from "./sink";

const enum S {
  BeforeArray,
  ExpectElement, // after '[' or ','
  InElement,
  AfterArray,
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonArrayScanner {
  private state = S.BeforeArray;
  private line = 1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private sawComma = false;
  private parts: string[] = [];
  private elemLine = 1;
  private elements = 0;

  constructor(private readonly sink: RowSink) {}

  push(chunk: string): void {
    const n = chunk.length;
    let i = 0;
    let elemStart = 0;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case S.BeforeArray:
          if (c === 0x5b /* [ */) this.state = S.ExpectElement;
          else if (c === 0x0a) this.line++;
          else if (!isWs(c) && c !== 0xfeff)
            throw new InputError(
              `expected a JSON array of battles ("[" ...), found ${JSON.stringify(chunk[i])}${c === 0x7b ? " (one object per line? use a .jsonl file)" : ""}`,
              this.line,
            );
          i++;
          break;
        case S.AfterArray:
          if (c === 0x0a) this.line++;
          else if (!isWs(c)) throw new InputError("unexpected content after the end of the JSON array", this.line);
          i++;
          break;
        case S.ExpectElement:
          if (c === 0x0a) this.line++;
          else if (c === 0x5d /* ] */) {
            if (this.sawComma) throw new InputError("trailing comma before ] in the JSON array", this.line);
            this.state = S.AfterArray;
          } else if (c === 0x2c /* , */)
            throw new InputError("empty element in the JSON array (two commas)", this.line);
          else if (!isWs(c)) {
            this.state = S.InElement;
            this.depth = 0;
            this.inString = false;
            this.escape = false;
            this.elemLine = this.line;
            elemStart = i;
            continue; // process this character in InElement
          }
          i++;
          break;
        case S.InElement: {
          // Tight loop over the element's characters.
          let depth = this.depth;
          let inString = this.inString;
          let escape = this.escape;
          let ended = -1;
          for (; i < n; i++) {
            const ch = chunk.charCodeAt(i);
            if (inString) {
              if (escape) escape = false;
              else if (ch === 0x5c /* \ */) escape = true;
              else if (ch === 0x22 /* " */) inString = false;
              else if (ch === 0x0a) this.line++;
              continue;
            }
            if (ch === 0x22) inString = true;
            else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) depth++;
            else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
              if (depth === 0) {
                if (ch === 0x5d) {
                  ended = i;
                  break;
                }
                throw new InputError("unbalanced } in the JSON array", this.line);
              }
              depth--;
            } else if (ch === 0x2c /* , */ && depth === 0) {
              ended = i;
              break;
            } else if (ch === 0x0a) this.line++;
          }
          this.depth = depth;
          this.inString = inString;
          this.escape = escape;
          if (ended < 0) {
            this.parts.push(chunk.slice(elemStart));
            break;
          }
          this.parts.push(chunk.slice(elemStart, ended));
          const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join("");
          this.parts = [];
          this.element(text);
          const term = chunk.charCodeAt(ended);
          this.state = term === 0x2c ? S.ExpectElement : S.AfterArray;
          this.sawComma = term === 0x2c;
          i = ended + 1;
          break;
        }
      }
    }
  }

  end(): void {
    if (this.state === S.BeforeArray) return; // empty input: the sink reports "no battles in input"
    if (this.state === S.InElement || this.state === S.ExpectElement)
      throw new InputError(
        "unexpected end of input: the JSON array is not closed" + (this.inString ? " (inside a string)" : ""),
        this.state === S.InElement ? this.elemLine : this.line,
      );
  }

  private element(text: string): void {
    this.elements++;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      this.sink.invalid(
        "bad_json",
        `invalid JSON in array element ${this.elements} (${e instanceof Error ? e.message : String(e)})`,
        this.elemLine,
      );
      return;
    }
    this.sink.row(v, this.elemLine);
  }
}
