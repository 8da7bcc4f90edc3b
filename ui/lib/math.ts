// KaTeX, loaded only when an answer contains math: the parser marks formulas as placeholders
// (<span class="math-inline" data-tex="…">), sanitization keeps them, and this fills them in. KaTeX runs with
// trust: false, so \href, \url, \includegraphics and friends stay disabled.
type Katex = typeof import("katex").default;

let katex: Katex | null = null;
let loading: Promise<Katex> | null = null;

function loadKatex(): Promise<Katex> {
  if (!loading) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = "/assets/katex.css";
    document.head.append(link);
    loading = import("katex").then((m) => (katex = m.default));
  }
  return loading;
}

const SELECTOR = ".math-inline[data-tex], .math-display[data-tex]";

function renderInto(k: Katex, root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>(SELECTOR)) {
    if (el.dataset.rendered) continue;
    const tex = el.dataset.tex ?? "";
    try {
      k.render(tex, el, {
        displayMode: el.classList.contains("math-display"),
        throwOnError: false,
        trust: false,
        strict: "ignore",
        maxSize: 20,
        maxExpand: 500,
        output: "htmlAndMathml",
      });
      el.dataset.rendered = "true";
    } catch {
      // Not typesettable (e.g. \href with trust: false): show the source as plain text.
      el.textContent = tex;
      el.dataset.rendered = "error";
    }
  }
}

/** Typesets every math placeholder under root; loads KaTeX the first time one is found. */
export function typeset(root: ParentNode, onLoaded?: () => void): void {
  if (!root.querySelector(SELECTOR)) return;
  if (katex) return renderInto(katex, root);
  void loadKatex().then(() => {
    onLoaded?.();
    if (root instanceof Node && !root.isConnected) return;
    renderInto(katex!, root);
  });
}
