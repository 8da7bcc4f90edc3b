// Model answers are untrusted text. They are rendered as GitHub-flavoured markdown (marked), highlighted
// (highlight.js) and typeset (KaTeX, lazily), and every byte of HTML goes through DOMPurify with a strict allowlist
// before it reaches the page: no scripts, no event handlers, no styles, no images or other elements that load
// anything, and links only to http(s)/mailto (opened in a new tab, without referrer). Markdown images become plain
// links, so an answer can never make the browser fetch a URL on its own (no tracking pixels).
import DOMPurify from "dompurify";
import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";
import { escapeHtml, highlightCode } from "./highlight";
import { typeset } from "./math";

const attr = (s: string) => escapeHtml(s);

interface MathToken extends Tokens.Generic {
  type: "mathBlock" | "mathInline";
  text: string;
  display: boolean;
}

const mathHtml = (tex: string, display: boolean) =>
  display
    ? `<div class="math-display" data-tex="${attr(tex)}">${escapeHtml(tex)}</div>`
    : `<span class="math-inline" data-tex="${attr(tex)}">${escapeHtml(tex)}</span>`;

/** $$…$$ and \[…\] on lines of their own. */
const mathBlock: TokenizerAndRendererExtension = {
  name: "mathBlock",
  level: "block",
  start(src) {
    const m = /^ {0,3}(\$\$|\\\[)/m.exec(src);
    return m ? m.index : undefined;
  },
  tokenizer(src) {
    const m = /^ {0,3}(?:\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\])[ \t]*(?:\n+|$)/.exec(src);
    if (!m) return undefined;
    const tex = (m[1] ?? m[2] ?? "").trim();
    if (!tex) return undefined;
    return { type: "mathBlock", raw: m[0], text: tex, display: true } satisfies MathToken;
  },
  renderer(token) {
    return mathHtml((token as MathToken).text, true);
  },
};

/** $…$ (not currency: no space inside the dollars, no digit right after the closing one), \(…\), $$…$$, \[…\]. */
const mathInline: TokenizerAndRendererExtension = {
  name: "mathInline",
  level: "inline",
  start(src) {
    const m = /\$|\\\(|\\\[/.exec(src);
    return m ? m.index : undefined;
  },
  tokenizer(src) {
    const patterns: [RegExp, boolean][] = [
      [/^\$\$([^$]+?)\$\$/, true],
      [/^\\\[([\s\S]+?)\\\]/, true],
      [/^\\\(([\s\S]+?)\\\)/, false],
      [/^\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<![\s\\])\$(?!\d)/, false],
    ];
    for (const [re, display] of patterns) {
      const m = re.exec(src);
      if (m && m[1]!.trim()) return { type: "mathInline", raw: m[0], text: m[1]!.trim(), display } satisfies MathToken;
    }
    return undefined;
  },
  renderer(token) {
    const t = token as MathToken;
    return mathHtml(t.text, t.display);
  },
};

const md = new Marked({ gfm: true, breaks: false, async: false });
md.use({
  extensions: [mathBlock, mathInline],
  renderer: {
    code({ text, lang }: Tokens.Code) {
      const { html, language } = highlightCode(text, lang);
      const safe = language && /^[\w+#.-]{1,24}$/.test(language) ? language : "";
      return `<pre><code class="hljs${safe ? ` language-${safe}` : ""}">${html}</code></pre>\n`;
    },
    image({ href, text }: Tokens.Image) {
      // Never load images from an answer: show them as a link the reader can choose to open.
      return `<a href="${attr(href)}">${escapeHtml(text ? `[image: ${text}]` : "[image]")}</a>`;
    },
    // Raw HTML in an answer: a block is sanitized on its own, so an unclosed tag (<style>, <math>, …) cannot swallow
    // the rest of the answer; an inline tag stays only if it is on the allowlist, otherwise it shows as text.
    html({ text, block }: Tokens.HTML | Tokens.Tag) {
      if (block) return sanitize(text);
      const tag = /^<\/?([a-zA-Z][\w-]*)[\s/>]/.exec(text)?.[1]?.toLowerCase();
      return tag && INLINE_TAGS.has(tag) ? text : escapeHtml(text);
    },
    checkbox({ checked }: Tokens.Checkbox) {
      return `<span class="task" aria-label="${checked ? "done" : "not done"}">${checked ? "☑" : "☐"}</span> `;
    },
  },
});

// prettier-ignore
const ALLOWED_TAGS = [
  "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl", "dt", "em",
  "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
  "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
  "ul", "var",
];
/** Raw HTML tags kept inside a paragraph: phrasing content only, so an unclosed one cannot restructure the page. */
// prettier-ignore
const INLINE_TAGS = new Set([
  "a", "abbr", "b", "br", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
  "strong", "sub", "sup", "u", "var",
]);
const ALLOWED_ATTR = ["href", "title", "class", "align", "colspan", "rowspan", "start", "reversed", "open", "data-tex"];
const CLASS_OK = /^(hljs(-[\w-]+)?|language-[\w+#.-]{1,24}|math-(inline|display)|task)$/;

const purifier = DOMPurify(window);
purifier.addHook("uponSanitizeAttribute", (_node, data) => {
  // data-tex carries a formula for KaTeX (trust: false); no other data-* attribute is kept.
  if (data.attrName.startsWith("data-") && data.attrName !== "data-tex") data.keepAttr = false;
  if (data.attrName === "class") {
    data.attrValue = data.attrValue
      .split(/\s+/)
      .filter((c) => CLASS_OK.test(c))
      .join(" ");
    if (!data.attrValue) data.keepAttr = false;
  }
});
purifier.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    if (node.getAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow ugc");
    }
  }
});

const PURIFY_CONFIG = {
  ALLOWED_TAGS,
  ALLOWED_ATTR: [...ALLOWED_ATTR, "target", "rel"],
  ALLOW_DATA_ATTR: true,
  ALLOW_ARIA_ATTR: false,
  // Absolute http(s) and mailto only: no javascript:, data:, relative or protocol-relative URLs.
  ALLOWED_URI_REGEXP: /^(?:https?:\/\/[^\s]|mailto:)/i,
  KEEP_CONTENT: true,
};

function sanitize(html: string): string {
  return purifier.sanitize(html, PURIFY_CONFIG) as unknown as string;
}

/** Markdown source → sanitized HTML string. */
export function markdownToSafeHtml(text: string): string {
  return sanitize(md.parse(text) as string);
}

/** Renders untrusted markdown into el (replacing its content), with copy buttons and math. */
export function renderMarkdown(el: HTMLElement, text: string): void {
  el.innerHTML = markdownToSafeHtml(text);
  decorateCode(el);
  typeset(el);
}

function decorateCode(root: HTMLElement): void {
  for (const pre of root.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    const lang = [...(code?.classList ?? [])].find((c) => c.startsWith("language-"))?.slice(9);
    const bar = document.createElement("div");
    bar.className = "code-bar";
    const label = document.createElement("span");
    label.textContent = lang ?? "code";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy";
    button.setAttribute("aria-label", `Copy ${lang ?? ""} code`.replace("  ", " "));
    bar.append(label, button);
    pre.before(bar);
    const wrap = document.createElement("div");
    wrap.className = "code-block";
    bar.before(wrap);
    wrap.append(bar, pre);
  }
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Clipboard API unavailable (insecure origin, permissions): fall back to a hidden textarea.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    const ok = document.execCommand("copy");
    area.remove();
    return ok;
  }
}

/** One delegated listener serves every copy button on the page. */
export function installCopyButtons(): void {
  document.addEventListener("click", (e) => {
    const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button.copy");
    if (!button) return;
    const code = button.closest(".code-block")?.querySelector("pre code");
    if (!code) return;
    void copyText(code.textContent ?? "").then((ok) => {
      button.textContent = ok ? "Copied" : "Copy failed";
      setTimeout(() => (button.textContent = "Copy"), 1500);
    });
  });
}
