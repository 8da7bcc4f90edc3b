// A fuzz corpus over every route of /openapi.json (issue 11): generated from each operation's schemas (a valid
// request, then every property given every wrong type and every nasty value, required properties left out, unknown
// ones added), plus hand-written nasty cases (malformed JSON, huge and deeply nested bodies, odd unicode, malformed
// ids, wrong methods and content types, missing and foreign credentials). Deterministic: the same document gives
// the same corpus, in the same order. Pure: no Worker globals, so it can be reused from Node.

export type Credential = "none" | "admin" | "provider" | "otherProvider" | "garbage" | "basic" | "empty";

export interface FuzzCase {
  /** What the case is, for failure messages. */
  name: string;
  method: string;
  /** Path with `{param}` placeholders filled in by the runner from `params` (already URL-encoded values). */
  path: string;
  params: Record<string, string>;
  query?: string;
  /**
   * Raw body text (sent as is), made on demand: the corpus holds ~80 MB of bodies in all, too much to keep at once
   * inside the Workers runtime the tests run in.
   */
  body?: () => string;
  contentType?: string;
  credential: Credential;
  /** The operation's declared security: the runner checks credentials never get past it. */
  secured: "admin" | "provider" | null;
}

type Schema = Record<string, any>;
interface OpenApiDoc {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ["get", "post", "put", "patch", "delete"];

/** Deep nesting as raw JSON text (building it as an object would overflow the stack of the test itself). */
export const deepObject = (depth: number) => `${'{"k":'.repeat(depth)}1${"}".repeat(depth)}`;
export const deepArray = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;

/** JSON texts of nasty scalar and structural values; each is spliced into a body as raw JSON. */
export const NASTY_VALUES: Record<string, string> = {
  null: "null",
  true: "true",
  zero: "0",
  negative: "-1",
  float: "0.5",
  huge_number: "1e308",
  tiny_number: "-1e-308",
  big_int: "123456789012345678901234567890",
  empty_string: '""',
  string: '"fuzz"',
  long_string: JSON.stringify("x".repeat(100_000)),
  lone_surrogate: '"a\\ud800b"',
  lone_low_surrogate: '"\\udc00"',
  nul_char: '"a\\u0000b"',
  rtl_override: '"\\u202egnp.exe"',
  zero_width: '"\\u200b\\u200d\\ufeff"',
  emoji: '"\\ud83d\\ude00\\ud83c\\udff3\\ufe0f\\u200d\\ud83c\\udf08"',
  combining: `"${"e\\u0301".repeat(500)}"`,
  html: '"<script>alert(1)</script>"',
  sql: '"\' OR 1=1; DROP TABLE models; --"',
  path_traversal: '"../../../etc/passwd"',
  empty_array: "[]",
  array_of_junk: '[null, 1, "a", {}, []]',
  long_array: `[${Array.from({ length: 20_000 }, () => "1").join(",")}]`,
  empty_object: "{}",
  proto: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}',
  deep_object: deepObject(10_000),
  deep_array: deepArray(10_000),
  wide_object: `{${Array.from({ length: 5_000 }, (_, i) => `"k${i}":${i}`).join(",")}}`,
};

/** Only inside object-valued properties (the operator's 3 MB `params` string once answered 500). */
const MEGABYTE_STRING = JSON.stringify("y".repeat(3_000_000));

/** Bodies that are not JSON at all, or JSON of the wrong shape. */
export const NASTY_BODIES: Record<string, string> = {
  empty: "",
  whitespace: "   \n\t ",
  truncated: '{"a":',
  unterminated_string: '{"a": "b',
  single_quotes: "{'a': 1}",
  trailing_comma: '{"a": 1,}',
  comments: '{/* c */ "a": 1}',
  bom: '\ufeff{"a": 1}',
  nul: "\u0000",
  binary: "\u0001\u0002\u00ff\ufffd",
  nan: '{"a": NaN}',
  top_null: "null",
  top_number: "42",
  top_string: '"body"',
  top_array: "[]",
  top_true: "true",
  deep_object: deepObject(10_000),
  deep_array: deepArray(10_000),
  huge_body: JSON.stringify({ filler: "z".repeat(1_500_000) }),
  duplicate_keys: '{"a": 1, "a": 2}',
};

/** Path segments that are not ids: each replaces a path parameter (URL-encoded already where needed). */
export const NASTY_IDS: Record<string, string> = {
  unknown: "no-such-id",
  uuid_shaped: "00000000-0000-4000-8000-000000000000",
  long: "a".repeat(5_000),
  dots: "..",
  encoded_slash: "..%2F..%2Fetc%2Fpasswd",
  encoded_nul: "%00",
  percent: "%",
  bad_percent: "%zz",
  invalid_utf8: "%ff%fe",
  lone_surrogate_utf8: "%ED%A0%80",
  emoji: encodeURIComponent("🙂"),
  spaces: "%20%20",
  html: encodeURIComponent("<script>"),
  sql: encodeURIComponent("' OR 1=1 --"),
};

/** Query strings with nasty values (appended to GET operations' paths). */
const NASTY_QUERIES = [
  "model=%00",
  "model=" + "m".repeat(5_000),
  "category=%ff",
  "style=maybe",
  "style=true&style=false",
  "snapshot=../../x",
  "include=everything",
  "sample=-1",
  "sample=1e309",
  "reason=" + encodeURIComponent("\u202e"),
  "q=" + encodeURIComponent("\ud83d\ude00".repeat(100)),
  "%%%=%%%",
];

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/json; charset=latin1",
  "application/vnd.api+json",
  "",
];

const CREDENTIALS: Credential[] = ["none", "garbage", "basic", "empty", "admin", "provider", "otherProvider"];

function resolve(doc: OpenApiDoc, schema: Schema | undefined, seen = 0): Schema {
  if (!schema) return {};
  if (schema.$ref && seen < 20) {
    const name = String(schema.$ref).split("/").pop()!;
    return resolve(doc, doc.components?.schemas?.[name], seen + 1);
  }
  return schema;
}

/** A plausible valid value for a schema (enum first, bounds respected, required properties filled). */
export function validValue(doc: OpenApiDoc, raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(doc, raw);
  if (depth > 6) return null;
  if (schema.enum?.length) return schema.enum[0];
  if ("const" in schema) return schema.const;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt?.length)
    return validValue(doc, alt.find((s: Schema) => resolve(doc, s).type !== "null") ?? alt[0], depth + 1);
  if (schema.allOf?.length) return validValue(doc, schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "string": {
      if (schema.format === "uri" || schema.format === "url") return "http://127.0.0.1:9/v1";
      const min = schema.minLength ?? 1;
      const base = "fuzz-value";
      return base.length >= min
        ? base.slice(0, Math.max(min, Math.min(base.length, schema.maxLength ?? 99)))
        : base.padEnd(min, "x");
    }
    case "integer":
    case "number":
      return schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
    case "boolean":
      return true;
    case "array":
      return Array.from({ length: schema.minItems ?? 1 }, () => validValue(doc, schema.items, depth + 1));
    case "object":
    default: {
      if (!schema.properties) return type === "object" ? {} : null;
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = validValue(doc, schema.properties[key], depth + 1);
      return out;
    }
  }
}

/** The JSON body schema of an operation, resolved, or null when it takes no JSON body. */
function bodySchema(doc: OpenApiDoc, op: any): Schema | null {
  const s = op.requestBody?.content?.["application/json"]?.schema;
  return s ? resolve(doc, s) : null;
}

const securityOf = (op: any): FuzzCase["secured"] => {
  const names = (op.security ?? []).flatMap((s: object) => Object.keys(s));
  return names.includes("adminToken") ? "admin" : names.includes("providerKey") ? "provider" : null;
};

const placeholder = "__FUZZ_SLOT__";
/** `base` serialised with the property at `key` replaced by raw JSON text. */
const withRaw = (base: Record<string, unknown>, key: string, raw: string) =>
  JSON.stringify({ ...base, [key]: placeholder }).replace(JSON.stringify(placeholder), raw);

export function buildCorpus(doc: OpenApiDoc): FuzzCase[] {
  const cases: FuzzCase[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    const declared = Object.keys(ops).filter((m) => METHODS.includes(m));
    for (const method of declared) {
      const op = ops[method];
      const secured = securityOf(op);
      const credential: Credential = secured ?? "none";
      const pathParams = (op.parameters ?? []).filter((p: any) => p.in === "path").map((p: any) => p.name);
      const add = (name: string, c: Partial<FuzzCase>) =>
        cases.push({
          name: `${method.toUpperCase()} ${template} ${name}`,
          method: method.toUpperCase(),
          path: template,
          params: {},
          credential,
          secured,
          ...c,
        });
      const schema = bodySchema(doc, op);
      const base = schema ? (validValue(doc, schema) as Record<string, unknown>) : undefined;
      const baseJson = base === undefined ? undefined : JSON.stringify(base);
      const baseText = baseJson === undefined ? undefined : () => baseJson;
      add("valid", { body: baseText, contentType: schema ? "application/json" : undefined });

      // Malformed ids in every path parameter.
      for (const param of pathParams)
        for (const [label, value] of Object.entries(NASTY_IDS))
          add(`${param}=${label}`, { params: { [param]: value }, body: baseText, contentType: "application/json" });

      // Credentials: every other kind on a secured route.
      if (secured)
        for (const cred of CREDENTIALS.filter((c) => c !== secured))
          add(`credential=${cred}`, { credential: cred, body: baseText, contentType: "application/json" });

      // Query strings.
      if (method === "get") for (const q of NASTY_QUERIES) add(`query ${q.slice(0, 40)}`, { query: q });

      // Bodies: on every operation, also those that take none (an unread body must not hurt).
      for (const [label, text] of Object.entries(NASTY_BODIES))
        add(`body=${label}`, { body: () => text, contentType: "application/json" });
      if (baseText !== undefined)
        for (const ct of CONTENT_TYPES) add(`content-type=${ct || "none"}`, { body: baseText, contentType: ct });

      if (schema && base && typeof base === "object" && !Array.isArray(base)) {
        const props = Object.keys(schema.properties ?? {});
        for (const key of props) {
          for (const [label, raw] of Object.entries(NASTY_VALUES))
            add(`${key}=${label}`, { body: () => withRaw(base, key, raw), contentType: "application/json" });
          // One level down: nasty values inside an object-valued property (e.g. params, pricing).
          const inner = resolve(doc, schema.properties[key]);
          if (inner.type === "object" || inner.additionalProperties)
            for (const [label, raw] of [
              ["deep_object", NASTY_VALUES.deep_object],
              ["megabyte_string", MEGABYTE_STRING],
              ["lone_surrogate", NASTY_VALUES.lone_surrogate],
              ["wide_object", NASTY_VALUES.wide_object],
            ] as const)
              add(`${key}.k=${label}`, {
                body: () => withRaw(base, key, `{"k": ${raw}}`),
                contentType: "application/json",
              });
        }
        for (const key of schema.required ?? []) {
          const { [key]: _, ...rest } = base;
          add(`missing ${key}`, { body: () => JSON.stringify(rest), contentType: "application/json" });
        }
        add("unknown key", {
          body: () => JSON.stringify({ ...base, fuzzUnknownKey: 1 }),
          contentType: "application/json",
        });
      }
    }
    // Wrong methods on the path, with a body.
    for (const method of METHODS.filter((m) => !declared.includes(m)))
      cases.push({
        name: `${method.toUpperCase()} ${template} wrong method`,
        method: method.toUpperCase(),
        path: template,
        params: {},
        body: method === "get" ? undefined : () => '{"a":1}',
        contentType: "application/json",
        credential: "admin",
        secured: null,
      });
  }
  return cases;
}
