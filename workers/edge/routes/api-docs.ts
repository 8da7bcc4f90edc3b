// GET /api/docs: the OpenAPI document rendered as one readable HTML page, on the server, with no script and no
// outside assets (it works offline and in any browser). Generated from the same document as /openapi.json.
import { createRoute, z } from "@hono/zod-openapi";
import type { App } from "../env";

type Json = Record<string, any>;
type DocConfig = Parameters<App["getOpenAPI31Document"]>[0];

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

const esc = (v: unknown) =>
  String(v).replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

/** `code` spans for backticked words in descriptions; everything else escaped. */
const text = (v: unknown) => esc(v ?? "").replace(/`([^`]+)`/g, "<code>$1</code>");

const refName = (ref: string) => ref.split("/").pop()!;
const anchor = (name: string) => `schema-${name.replace(/[^A-Za-z0-9_-]/g, "-")}`;

/** A short type label: a link for a named schema, `array of …`, enums and literals spelled out. */
function typeLabel(s: Json | undefined): string {
  if (!s) return "any";
  if (s.$ref) return `<a href="#${anchor(refName(s.$ref))}">${esc(refName(s.$ref))}</a>`;
  if (s.const !== undefined) return `<code>${esc(JSON.stringify(s.const))}</code>`;
  if (s.enum) return s.enum.map((e: unknown) => `<code>${esc(JSON.stringify(e))}</code>`).join(" | ");
  for (const k of ["anyOf", "oneOf"]) if (s[k]) return (s[k] as Json[]).map(typeLabel).join(" | ");
  if (s.type === "array") return `array of ${typeLabel(s.items)}`;
  if (Array.isArray(s.type)) return s.type.map((t: string) => esc(t)).join(" | ");
  if (s.type === "object" && !s.properties && s.additionalProperties)
    return `map of ${typeLabel(s.additionalProperties)}`;
  return esc(s.type ?? "any");
}

/** An object's fields as a table (nested inline objects one level deep), else its type label. */
function schemaHtml(s: Json | undefined, depth = 0): string {
  if (!s) return "";
  const props = s.properties as Record<string, Json> | undefined;
  if (!props || depth > 2) {
    return `<p class="type">${typeLabel(s)}${s.description ? ` — ${text(s.description)}` : ""}</p>`;
  }
  const required = new Set<string>(s.required ?? []);
  const rows = Object.entries(props).map(([name, p]) => {
    const nested = p.properties ? schemaHtml(p, depth + 1) : "";
    const items = p.type === "array" && p.items?.properties ? schemaHtml(p.items, depth + 1) : "";
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? "" : ' <span class="opt">optional</span>'}</td>
<td>${typeLabel(p)}</td><td>${text(p.description ?? "")}${nested}${items}</td></tr>`;
  });
  return `<table><thead><tr><th>field</th><th>type</th><th>notes</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** A body: its type, and a named schema's fields inline (one level), so a reader need not jump to Schemas. */
function contentHtml(content: Json | undefined, schemas: Record<string, Json>): string {
  if (!content) return "";
  return Object.entries(content)
    .map(([type, c]) => {
      const schema = (c as Json).schema as Json | undefined;
      const named = schema?.$ref ? schemas[refName(schema.$ref)] : undefined;
      const inline = named?.properties ? schemaHtml(named) : "";
      return `<div class="media"><span class="mt">${esc(type)}</span>${schemaHtml(schema)}${inline}</div>`;
    })
    .join("");
}

function operationHtml(path: string, method: string, op: Json, schemas: Record<string, Json>): string {
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
  const auth = (op.security ?? []).flatMap((s: Json) => Object.keys(s));
  const params = (op.parameters ?? []) as Json[];
  const paramRows = params
    .map(
      (p) =>
        `<tr><td><code>${esc(p.name)}</code> <span class="opt">${esc(p.in)}${p.required ? "" : ", optional"}</span></td>
<td>${typeLabel(p.schema)}</td><td>${text(p.description ?? p.schema?.description ?? "")}</td></tr>`,
    )
    .join("");
  const responses = Object.entries(op.responses ?? {})
    .map(
      ([status, r]) =>
        `<li><b>${esc(status)}</b> ${text((r as Json).description ?? "")}${contentHtml((r as Json).content, Number(status) < 400 ? schemas : {})}</li>`,
    )
    .join("");
  return `<section class="op" id="${id}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${text(op.summary ?? "")}</p>
${auth.length ? `<p class="auth">Auth: ${auth.map((a: string) => `<code>Authorization: Bearer</code> (${esc(a)})`).join(" or ")}</p>` : ""}
${paramRows ? `<h4>Parameters</h4><table><tbody>${paramRows}</tbody></table>` : ""}
${op.requestBody ? `<h4>Body</h4>${contentHtml(op.requestBody.content, schemas)}` : ""}
<h4>Responses</h4><ul class="responses">${responses}</ul>
</section>`;
}

/** The group an operation is listed under: its first tag, else by path. */
function groupOf(path: string, op: Json): string {
  if (op.tags?.[0]) return op.tags[0];
  if (path.startsWith("/api/admin")) return "Operator";
  return "Public";
}

const GROUP_ORDER = ["Public", "Operator", "Provider", "OpenAI-compatible"];

export function renderApiDocs(doc: Json): string {
  const components = (doc.components?.schemas ?? {}) as Record<string, Json>;
  const groups = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (ops as Json)[method];
      if (!op) continue;
      const g = groupOf(path, op);
      if (!groups.has(g)) (groups.set(g, []), toc.set(g, []));
      groups.get(g)!.push(operationHtml(path, method, op, components));
      const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
      toc
        .get(g)!
        .push(`<li><a href="#${id}"><span class="m m-${method}">${method.toUpperCase()}</span> ${esc(path)}</a></li>`);
    }
  }
  const order = [...groups.keys()].sort(
    (a, b) => (GROUP_ORDER.indexOf(a) + 1 || 99) - (GROUP_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const schemas = Object.entries(components)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, s]) =>
        `<section class="schema" id="${anchor(name)}"><h3>${esc(name)}</h3>${text(s.description ?? "")}${schemaHtml(s)}</section>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info?.title ?? "API")} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#fafbfc}
main{max-width:1000px;margin:0 auto;padding:1.5rem}
h1{margin:.2rem 0}h2{margin-top:2.5rem;border-bottom:2px solid #d8dee8;padding-bottom:.3rem}
h3{margin:.2rem 0;font-size:1.05rem}h4{margin:.8rem 0 .3rem;font-size:.9rem;color:#4a5568}
code{font:13px ui-monospace,monospace;background:#eef1f5;padding:0 .25rem;border-radius:3px}
.op,.schema{background:#fff;border:1px solid #dfe4ec;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:3.6rem;text-align:center;font:600 12px ui-monospace,monospace;color:#fff;border-radius:3px;padding:.1rem .3rem}
.m-get{background:#2b6cb0}.m-post{background:#2f855a}.m-put{background:#b7791f}.m-patch{background:#6b46c1}.m-delete{background:#c53030}
table{border-collapse:collapse;width:100%;font-size:14px;margin:.3rem 0}td,th{border:1px solid #e2e8f0;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f4f6f9;font-weight:600}.opt{color:#718096;font-size:12px}.auth{color:#744210}
.mt{font:12px ui-monospace,monospace;color:#4a5568}.responses{padding-left:1.2rem}.type{margin:.2rem 0}
nav ul{columns:2;list-style:none;padding:0}nav li{margin:.1rem 0}nav a{text-decoration:none;color:#1d2330}
</style></head>
<body><main>
<h1>${esc(doc.info?.title ?? "API")} <small>${esc(doc.info?.version ?? "")}</small></h1>
<p>${text(doc.info?.description ?? "")}</p>
<p>Machine-readable: <a href="/openapi.json"><code>/openapi.json</code></a> (OpenAPI ${esc(doc.openapi)}). Errors under
<code>/api</code> are <code>{"error": {"code", "message", "requestId"}}</code>; under <code>/v1</code> they use OpenAI's
<code>{"error": {"message", "type", "param", "code"}}</code>.</p>
${order.map((g) => `<nav><h4>${esc(g)}</h4><ul>${toc.get(g)!.join("")}</ul></nav>`).join("")}
${order.map((g) => `<h2>${esc(g)}</h2>${groups.get(g)!.join("")}`).join("")}
<h2>Schemas</h2>${schemas}
</main></body></html>`;
}

const route = createRoute({
  method: "get",
  path: "/api/docs",
  summary: "This API reference as a readable HTML page",
  tags: ["Public"],
  responses: { 200: { description: "HTML", content: { "text/html": { schema: z.string() } } } },
});

export function registerApiDocsRoute(app: App, config: DocConfig) {
  let cached: string | undefined;
  app.openapi(route, (c) => {
    cached ??= renderApiDocs(app.getOpenAPI31Document(config) as Json);
    return c.html(cached, 200, { "cache-control": "public, max-age=300" }) as never;
  });
}
