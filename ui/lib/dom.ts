// Tiny DOM helpers: the UI is plain TypeScript, no framework.

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
type Child = Node | string | null | undefined | false;

/** Creates an element: h("button", { class: "x", onclick: fn, "data-testid": "send" }, "Send"). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** The element with this data-testid (or selector) inside root; throws when the page markup lacks it. */
export function $<T extends HTMLElement = HTMLElement>(selector: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(
    selector.startsWith("#") || selector.startsWith(".") ? selector : `[data-testid="${selector}"]`,
  );
  if (!el) throw new Error(`missing element ${selector}`);
  return el;
}

export const show = (el: HTMLElement, visible: boolean) => {
  el.hidden = !visible;
};

/** "3 minutes ago" style relative time for a past date. */
export function timeAgo(date: Date, now = Date.now()): string {
  const s = Math.round((now - date.getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (Math.abs(s) < 60) return rtf.format(-s, "second");
  if (Math.abs(s) < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (Math.abs(s) < 86400) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}

/** Marks the page as rendered for the first-render benchmark (bench/ui.mjs) and the browser tests. */
export function markReady(): void {
  if (document.documentElement.dataset.ready) return;
  performance.mark("arena:ready");
  document.documentElement.dataset.ready = "true";
}
