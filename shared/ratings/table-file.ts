// A BattleTable as one binary object (issue 17: the frozen input of a fanned-out recompute). The cron parses the
// export once, writes the table here, and every board's consumer reads it back instead of parsing the JSONL again.
// Reading makes no copy of the columns: they are typed-array views into the object's bytes, so a consumer holds
// the table once (25 bytes a battle with the default style features, 33 with tstamps).
//
// Layout: "ABT1" (4 bytes), the header's byte length (u32 little-endian), the header (UTF-8 JSON: the table's
// names, its length and each column's offset), zero padding to 8 bytes, then the columns, each starting at a
// multiple of 8 (so Float64Array views are aligned), in the machine's byte order — little-endian on every
// platform Workers and Node run on, which the header records and the reader checks.
import { MAX_MODELS, type BattleTable, type StyleFeature } from "./table";

const MAGIC = 0x31544241; // "ABT1" little-endian

type ColumnName = "tstamp" | "samplingProbability" | "style" | "categoryBits" | "modelA" | "modelB" | "outcome";

interface Header {
  length: number;
  models: string[];
  categories: string[];
  styleFeatures: readonly StyleFeature[] | null;
  latestTstamp: number | null;
  littleEndian: true;
  /** Byte offset and element count of each present column. */
  columns: Partial<Record<ColumnName, { offset: number; count: number }>>;
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const align8 = (n: number) => (n + 7) & ~7;

/** The table as bytes (its columns are copied once, into the result). */
export function encodeTable(table: BattleTable): Uint8Array {
  if (!littleEndian) throw new Error("table files are little-endian; this platform is not");
  const columns: [ColumnName, ArrayBufferView & { length: number }][] = [];
  if (table.tstamp) columns.push(["tstamp", table.tstamp]);
  if (table.samplingProbability) columns.push(["samplingProbability", table.samplingProbability]);
  if (table.style) columns.push(["style", table.style]);
  columns.push(["categoryBits", table.categoryBits], ["modelA", table.modelA], ["modelB", table.modelB]);
  columns.push(["outcome", table.outcome]);
  const header: Header = {
    length: table.length,
    models: table.models,
    categories: table.categories,
    styleFeatures: table.styleFeatures ?? null,
    latestTstamp: table.latestTstamp,
    littleEndian: true,
    columns: {},
  };
  // Offsets depend on the header's length, which depends on the offsets' digits: lay out until it is stable.
  let text = "";
  for (let start = 0, pass = 0; pass < 4; pass++) {
    let offset = start;
    for (const [name, column] of columns) {
      header.columns[name] = { offset, count: column.length };
      offset = align8(offset + column.byteLength);
    }
    text = JSON.stringify(header);
    const next = align8(8 + new TextEncoder().encode(text).length);
    if (next === start) break;
    start = next;
  }
  const headerBytes = new TextEncoder().encode(text);
  let end = align8(8 + headerBytes.length);
  for (const [, column] of columns) end = align8(end + column.byteLength);
  const out = new Uint8Array(end);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  for (const [name, column] of columns) {
    const at = header.columns[name]!.offset;
    out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
  }
  return out;
}

/** The table in `bytes` (an ArrayBuffer from R2, say); its columns are views into that buffer, not copies. */
export function decodeTable(bytes: ArrayBuffer): BattleTable {
  if (!littleEndian) throw new Error("table files are little-endian; this platform is not");
  const view = new DataView(bytes);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error("not a battle table file");
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerLength))) as Header;
  if (header.models.length > MAX_MODELS) throw new Error(`at most ${MAX_MODELS} models`);
  const column = <T>(name: ColumnName, Type: { new (b: ArrayBuffer, o: number, n: number): T }): T | null => {
    const c = header.columns[name];
    return c ? new Type(bytes, c.offset, c.count) : null;
  };
  const required = <T>(name: ColumnName, Type: { new (b: ArrayBuffer, o: number, n: number): T }): T => {
    const c = column(name, Type);
    if (!c) throw new Error(`battle table file without its ${name} column`);
    return c;
  };
  const table: BattleTable = {
    length: header.length,
    models: header.models,
    modelA: required("modelA", Uint16Array),
    modelB: required("modelB", Uint16Array),
    outcome: required("outcome", Uint8Array),
    categories: header.categories,
    categoryBits: required("categoryBits", Uint32Array),
    style: column("style", Float32Array),
    samplingProbability: column("samplingProbability", Float64Array),
    latestTstamp: header.latestTstamp,
    tstamp: column("tstamp", Float64Array),
  };
  if (header.styleFeatures) table.styleFeatures = header.styleFeatures;
  return table;
}
