// `/leaderboard`: the latest published snapshot as a table (rank by upper bound, score, interval, votes,
// organization, license) with a category selector, a style-control toggle that shows each model's rank change,
// search and a minimum-votes filter; then plots, drawn by a lazily loaded chunk (Chart.js) only on this page.
import { ApiError, describeError, getJson, type PublicModel } from "../lib/api";
import { h, markReady, timeAgo } from "../lib/dom";
import {
  categoryLabel,
  changeText,
  ciText,
  orderedCategories,
  ratingText,
  signed,
  type AdjustedView,
  type Board,
  type Leaderboard,
  type ModelRow,
  type WinnersCurse,
} from "../lib/leaderboard-data";
import { promptBoardSection } from "../lib/prompt-board";

const main = document.getElementById("main")!;

interface View {
  category: string;
  style: boolean;
  search: string;
  minVotes: number;
}

const state: View = { category: "overall", style: false, search: "", minVotes: 0 };
let board: Leaderboard | null = null;
let meta = new Map<string, PublicModel>();
let plots: typeof import("./leaderboard-plots") | null = null;
/** The winner's-curse estimates of /api/transparency, by model (loaded lazily; empty when it fails). */
let curses = new Map<string, WinnersCurse>();

const categorySelect = h("select", { id: "lb-category", "data-testid": "category-select" }) as HTMLSelectElement;
const styleToggle = h("input", {
  id: "lb-style",
  type: "checkbox",
  "data-testid": "style-control-toggle",
}) as HTMLInputElement;
const search = h("input", {
  id: "lb-search",
  type: "search",
  "data-testid": "leaderboard-search",
  placeholder: "Model or organization",
  autocomplete: "off",
}) as HTMLInputElement;
const minVotes = h("input", {
  id: "lb-min-votes",
  type: "number",
  min: 0,
  step: 1,
  value: 0,
  inputmode: "numeric",
  "data-testid": "min-votes",
}) as HTMLInputElement;
const styleNote = h("p", { class: "muted small", id: "lb-style-note" });
const metaLine = h("p", { class: "lb-meta", "data-testid": "leaderboard-meta" });
const tbody = h("tbody", {});
// ---------------------------------------------------------------- metadata columns (DESIGN section 14), sortable

type Meta = Partial<Pick<PublicModel, "parameters" | "openWeights" | "pricing" | "contextWindow" | "knowledgeCutoff">>;

interface MetaColumn {
  key: string;
  title: string;
  /** The value sorted on (null sorts last whatever the direction). */
  value: (m: Meta) => number | string | null;
  text: (m: Meta) => string;
  head: HTMLElement;
}

/** Sorting by a metadata column (null: the board's own order, by score). */
let sortBy: { key: string; dir: 1 | -1 } | null = null;

function metaColumn(key: string, label: string, title: string, value: MetaColumn["value"], text: MetaColumn["text"]) {
  const button = h(
    "button",
    {
      type: "button",
      class: "sort",
      "data-testid": `sort-${key}`,
      title: `${title} — click to sort`,
      onclick: () => {
        sortBy = sortBy?.key === key ? (sortBy.dir === 1 ? { key, dir: -1 } : null) : { key, dir: 1 };
        renderTable();
      },
    },
    label,
  );
  const head = h("th", { scope: "col", class: "num meta", "aria-sort": "none" }, button);
  return { key, title, value, text, head } satisfies MetaColumn;
}

const money = (x: number) => (x < 1 ? `$${x.toFixed(2)}` : `$${x.toFixed(x < 10 ? 1 : 0)}`);
const META_COLUMNS: MetaColumn[] = [
  metaColumn(
    "price",
    "Price",
    "USD per 1M output tokens (input price in the tooltip)",
    (m) => m.pricing?.output ?? null,
    (m) => (m.pricing ? money(m.pricing.output) : "—"),
  ),
  metaColumn(
    "size",
    "Size",
    "Parameters, billions",
    (m) => m.parameters ?? null,
    (m) => (m.parameters ? `${m.parameters}B` : "—"),
  ),
  metaColumn(
    "open",
    "Open",
    "Open weights",
    (m) => (m.openWeights === undefined || m.openWeights === null ? null : m.openWeights ? 1 : 0),
    (m) => (m.openWeights === true ? "yes" : m.openWeights === false ? "no" : "—"),
  ),
  metaColumn(
    "context",
    "Context",
    "Context window, tokens",
    (m) => m.contextWindow ?? null,
    (m) => (m.contextWindow ? `${Math.round(m.contextWindow / 1024)}k` : "—"),
  ),
  metaColumn(
    "cutoff",
    "Cutoff",
    "Knowledge cutoff",
    (m) => m.knowledgeCutoff ?? null,
    (m) => m.knowledgeCutoff ?? "—",
  ),
];

/** A row's metadata: frozen on the snapshot's raw board entry, else the live model list. */
function metaOf(b: Board, id: string): Meta {
  const entry = b.models.find((r) => r.model === id) as (ModelRow & Meta) | undefined;
  const live = meta.get(id);
  return entry && (entry.pricing || entry.parameters) ? entry : (live ?? {});
}

const deltaHead = h(
  "th",
  { scope: "col", class: "num", hidden: true, title: "Places moved compared with the ranking without style control" },
  "Δ place",
);
const table = h(
  "table",
  { class: "lb-table", "data-testid": "leaderboard-table" },
  h("caption", { class: "sr-only" }, "Leaderboard"),
  h(
    "thead",
    {},
    h(
      "tr",
      {},
      h(
        "th",
        {
          scope: "col",
          class: "num",
          title: "1 + the number of models whose lower bound is above this model's upper bound",
        },
        "Rank (UB)",
      ),
      deltaHead,
      h("th", { scope: "col" }, "Model"),
      h("th", { scope: "col", class: "num" }, "Arena score"),
      h("th", { scope: "col", class: "num" }, "95% CI"),
      h("th", { scope: "col", class: "num" }, "Votes"),
      h("th", { scope: "col" }, "Organization"),
      h("th", { scope: "col" }, "License"),
      ...META_COLUMNS.map((c) => c.head),
    ),
  ),
  tbody,
);
const countLine = h("p", { class: "muted small", role: "status", "aria-live": "polite" });
const plotSection = h("section", { class: "plots", "aria-labelledby": "plots-title" });

function currentBoard(): Board | null {
  return board?.categories[state.category] ?? null;
}

function rowsFor(b: Board, style: boolean): ModelRow[] {
  return style && b.styleControl ? b.styleControl.models : b.models;
}

function renderTable(): void {
  const b = currentBoard();
  if (!board || !b) return;
  const useStyle = state.style && !!b.styleControl;
  const rows = rowsFor(b, useStyle);
  // Places moved by style control: position in the style-controlled order vs the plain order (both by score).
  const basePlace = new Map(b.models.map((r, i) => [r.model, i + 1]));
  const baseRank = new Map(b.models.map((r) => [r.model, r.rank]));
  const q = state.search.trim().toLowerCase();
  const visible = rows.filter((r) => {
    if (r.votes < state.minVotes) return false;
    if (!q) return true;
    const m = meta.get(r.model);
    return [r.model, m?.name, m?.organization].some((s) => s?.toLowerCase().includes(q));
  });
  deltaHead.hidden = !useStyle;
  const column = sortBy ? META_COLUMNS.find((c) => c.key === sortBy!.key) : undefined;
  for (const c of META_COLUMNS) {
    c.head.setAttribute("aria-sort", c === column ? (sortBy!.dir === 1 ? "descending" : "ascending") : "none");
  }
  if (column) {
    const dir = sortBy!.dir;
    visible.sort((x, y) => {
      const [a, bv] = [column.value(metaOf(b, x.model)), column.value(metaOf(b, y.model))];
      if (a === null || bv === null) return a === bv ? 0 : a === null ? 1 : -1;
      return (a < bv ? 1 : a > bv ? -1 : 0) * dir || y.rating - x.rating;
    });
  }
  tbody.replaceChildren(
    ...visible.map((r) => {
      const m = meta.get(r.model);
      const place = rows.indexOf(r) + 1;
      const delta = (basePlace.get(r.model) ?? place) - place;
      return h(
        "tr",
        {
          "data-testid": "leaderboard-row",
          "data-model": r.model,
          class: r.provisional ? "provisional" : null,
        },
        h("td", { class: "num rank" }, String(r.rank)),
        useStyle
          ? h(
              "td",
              {
                class: `num delta ${delta > 0 ? "up" : delta < 0 ? "down" : ""}`,
                "data-testid": "rank-delta",
                title: `Place ${basePlace.get(r.model)} and rank (UB) ${baseRank.get(r.model)} without style control`,
              },
              delta > 0 ? `▲ ${delta}` : delta < 0 ? `▼ ${-delta}` : "—",
              h("span", { class: "sr-only" }, delta > 0 ? " places up" : delta < 0 ? " places down" : " no change"),
            )
          : null,
        h(
          "th",
          { scope: "row", class: "model" },
          h("span", { class: "name" }, m?.name ?? r.model),
          r.provisional
            ? h(
                "span",
                { class: "badge", "data-testid": "provisional-badge", title: provisionalReason(b, r, useStyle) },
                "provisional",
              )
            : null,
          changeBadge(r.model, useStyle),
          curseBadge(r.model),
          h("span", { class: "id muted small" }, r.model),
        ),
        h("td", { class: "num score" }, ratingText(r.rating)),
        h("td", { class: "num ci", title: r.ci ? `${ratingText(r.ci[0])} – ${ratingText(r.ci[1])}` : "" }, ciText(r)),
        h("td", { class: "num votes" }, r.votes.toLocaleString("en")),
        h("td", {}, m?.organization ?? "—"),
        h("td", {}, m?.license ?? "—"),
        ...META_COLUMNS.map((c) => {
          const md = metaOf(b, r.model);
          const title =
            c.key === "price" && md.pricing
              ? `input ${money(md.pricing.input)} / output ${money(md.pricing.output)}`
              : "";
          return h("td", { class: `num meta ${c.key}`, title }, c.text(md));
        }),
      );
    }),
  );
  countLine.textContent = `${visible.length} of ${rows.length} models shown · ${b.battles.toLocaleString("en")} battles in ${categoryLabel(state.category)}`;
  table.dataset.category = state.category;
  table.dataset.style = String(useStyle);
}

/**
 * ▲/▼ on a row whose change since the previous snapshot is significant (Holm-adjusted, DESIGN section 14). The
 * comparison is of the overall board without style control, so the badge shows only there.
 */
function changeBadge(model: string, style: boolean): HTMLElement | null {
  if (!board || style || state.category !== "overall") return null;
  const cmp = board.changes?.previous;
  const c = cmp?.models.find((m) => m.model === model);
  if (!cmp || !c || !c.significant) return null;
  const since = cmp.since ? ` (${cmp.since.slice(0, 16).replace("T", " ")} UTC)` : "";
  return h(
    "span",
    {
      class: `badge change ${c.delta > 0 ? "up" : "down"}`,
      "data-testid": "change-badge",
      title:
        `Since the previous snapshot${since}: ${ratingText(c.before)} → ${ratingText(c.after)}, change ` +
        `${changeText(c, cmp.level)}, Holm-adjusted p = ${c.pAdjusted.toPrecision(2)} (significant at ${cmp.alpha})`,
    },
    c.delta > 0 ? "▲" : "▼",
    h("span", { class: "sr-only" }, ` significant change ${signed(c.delta)} since the previous snapshot`),
  );
}

/** The winner's-curse estimate of a released model chosen as the best of k private variants. */
function curseBadge(model: string): HTMLElement | null {
  const w = curses.get(model);
  if (!w) return null;
  return h(
    "span",
    {
      class: "badge curse",
      "data-testid": "winners-curse-badge",
      title:
        `Its provider tested ${w.k} private variants of this line and released ${w.releasedWasBest ? "the best-looking one" : "one of them"}. ` +
        `Picking the best of ${w.k} noisy estimates inflates the chosen one's rating: the estimated inflation is ` +
        `${w.inflation.toFixed(1)} points${w.se !== null ? ` (± ${w.se.toFixed(1)})` : ""}, so its rating may be about that much lower ` +
        `after more public votes. See /about#v2.`,
    },
    `best of ${w.k}: ${signed(-w.inflation)}`,
  );
}

// ---------------------------------------------------------------- adjusted scores (DESIGN section 14)

const adjustedSection = h("section", { class: "adjusted", "aria-labelledby": "adjusted-title" });

function adjustedTable(kind: "price" | "size", view: AdjustedView, level: number): HTMLElement {
  const xText = (x: number) => {
    const v = 10 ** x;
    return kind === "price" ? money(v) : `${v >= 10 ? Math.round(v) : Number(v.toPrecision(2))}B`;
  };
  const title = kind === "price" ? "Price-adjusted" : "Size-adjusted";
  const fit = view.fit;
  const fitLine =
    `Fit: score = ${ratingText(fit.intercept)} ${fit.slope < 0 ? "−" : "+"} ${Math.abs(fit.slope).toFixed(1)} · log10(${kind === "price" ? "price" : "parameters"})` +
    (fit.ci ? ` (slope ${Math.round(level * 100)}% CI ${signed(fit.ci.slope[0])} to ${signed(fit.ci.slope[1])})` : "");
  return h(
    "div",
    { class: "adjusted-view" },
    h("h3", {}, title),
    h("p", { class: "muted small" }, fitLine),
    h(
      "div",
      { class: "table-wrap" },
      h(
        "table",
        { class: "lb-table adjusted-table", "data-testid": `adjusted-${kind}-table` },
        h("caption", { class: "sr-only" }, `${title} scores`),
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "Model"),
            h("th", { scope: "col", class: "num" }, kind === "price" ? "Price" : "Size"),
            h(
              "th",
              { scope: "col", class: "num", title: "Score minus the fitted line at its price or size" },
              "Adjusted",
            ),
            h("th", { scope: "col", class: "num" }, `${Math.round(level * 100)}% CI`),
          ),
        ),
        h(
          "tbody",
          {},
          view.models.map((m) =>
            h(
              "tr",
              { "data-testid": "adjusted-row", "data-model": m.model },
              h("th", { scope: "row", class: "model" }, meta.get(m.model)?.name ?? m.model),
              h("td", { class: "num" }, xText(m.x)),
              h("td", { class: "num score" }, signed(m.adjusted)),
              h("td", { class: "num ci" }, m.ci ? `${signed(m.ci[0])} to ${signed(m.ci[1])}` : "—"),
            ),
          ),
        ),
      ),
    ),
  );
}

function renderAdjusted(): void {
  const b = currentBoard();
  const views = b?.adjusted;
  const level = board?.method.ci.level ?? 0.95;
  const parts = (["price", "size"] as const).flatMap((k) => (views?.[k] ? [adjustedTable(k, views[k]!, level)] : []));
  adjustedSection.hidden = parts.length === 0;
  adjustedSection.replaceChildren(
    h("h2", { id: "adjusted-title" }, "Adjusted for price and size"),
    h(
      "p",
      { class: "muted small", "data-testid": "adjusted-note" },
      "How far each model's score is above (+) or below (−) what models of its price or size typically score on this " +
        "board (without style control), with intervals from the bootstrap. ",
      h("a", { href: "/about#v2" }, "How it is computed"),
      ".",
    ),
    h("div", { class: "adjusted-grid" }, ...parts),
  );
}

const RIDGE_REASON =
  "The votes so far cannot pin this rating down: it never lost or never won, or its battles do not link it both " +
  "ways to the main group of models. The number is held finite by a tiny ridge and means little yet.";

/** Why a row is provisional: the engine's rule (the board lists it), the provider rule (`method.provisionalRule`), or both. */
function provisionalReason(b: Board, r: ModelRow, style: boolean): string {
  const providerRule = (board?.method.provisionalRule as { models?: string[] } | undefined)?.models ?? [];
  const byProvider = providerRule.includes(r.model);
  // The style-controlled models carry no list: a mark there the provider rule does not explain is the engine's.
  const byData = style
    ? !byProvider || (b.method?.provisional ?? []).includes(r.model)
    : (b.method?.provisional ?? []).includes(r.model);
  return (
    [
      byData ? RIDGE_REASON : "",
      byProvider
        ? "Its provider tested many private variants at the same time; marked until it has enough votes after release."
        : "",
    ]
      .filter(Boolean)
      .join(" ") || RIDGE_REASON
  );
}

function renderControls(): void {
  const b = currentBoard();
  const has = !!b?.styleControl;
  styleToggle.disabled = !has;
  if (!has) styleToggle.checked = false;
  state.style = styleToggle.checked;
  const coef = b?.styleControl?.coefficients;
  styleNote.textContent = has
    ? `Style control separates substance from style: ratings are refitted with answer length, headers, lists and bold as extra factors (effects per standard deviation: ${Object.entries(
        coef ?? {},
      )
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(", ")}).`
    : "Style control is not available for this board.";
}

function update(): void {
  renderControls();
  renderTable();
  renderAdjusted();
  const b = currentBoard();
  if (plots && board && b)
    plots.render(plotSection, {
      board: b,
      category: state.category,
      style: state.style,
      minVotes: state.minVotes,
      meta,
      changes: board.changes,
      level: board.method.ci.level,
    });
}

/** The winner's-curse list, fetched once after the table is up; a failure only means no badges. */
async function loadCurses(): Promise<void> {
  try {
    const report = await getJson<{ winnersCurse?: WinnersCurse[] }>("/api/transparency");
    curses = new Map((report.winnersCurse ?? []).map((w) => [w.model, w]));
  } catch {
    curses = new Map();
  }
  if (curses.size) renderTable();
}

function renderMeta(lb: Leaderboard): void {
  const when = new Date(lb.generatedAt);
  const excluded = Object.values(lb.data.excluded).reduce((s, n) => s + n, 0);
  metaLine.replaceChildren(
    "Updated ",
    h("time", { datetime: lb.generatedAt, title: when.toLocaleString() }, timeAgo(when)),
    ` · ${lb.data.battles.toLocaleString("en")} rated battles`,
    excluded ? ` (${excluded.toLocaleString("en")} excluded by cleaning)` : "",
    " · ",
    h("a", { href: "/leaderboard.json", "data-testid": "leaderboard-json-link" }, "leaderboard.json"),
    " · ",
    h(
      "a",
      {
        href: `/api/export/battles.jsonl?snapshot=${encodeURIComponent(lb.snapshot)}`,
        "data-testid": "export-link",
        download: `arena-battles-${lb.snapshot}.jsonl`,
      },
      "battle data (JSONL)",
    ),
    " · ",
    h("a", { href: "/about#reproduce" }, "reproduce it"),
  );
  metaLine.dataset.snapshot = lb.snapshot;
}

function showNotReady(message: string, retryAfter: number): void {
  const retry = h("button", { type: "button", onclick: () => void load() }, "Try again");
  main.replaceChildren(
    h("h1", {}, "Leaderboard"),
    h(
      "div",
      { class: "banner info", role: "status", "data-testid": "leaderboard-not-ready" },
      h("p", {}, h("strong", {}, "The leaderboard is not ready yet. ")),
      h("p", {}, message),
      h(
        "p",
        {},
        "It is recomputed every few minutes from the votes cast in the ",
        h("a", { href: "/" }, "arena"),
        ". This page checks again automatically. ",
        retry,
      ),
    ),
  );
  setTimeout(() => void load(), Math.min(Math.max(retryAfter, 5), 120) * 1000);
  markReady();
}

async function load(): Promise<void> {
  let lb: Leaderboard;
  try {
    const [l, models] = await Promise.all([
      getJson<Leaderboard>("/leaderboard.json"),
      getJson<PublicModel[]>("/api/models").catch(() => [] as PublicModel[]),
    ]);
    lb = l;
    meta = new Map(models.map((m) => [m.id, m]));
  } catch (err) {
    if (err instanceof ApiError && err.status === 503) return showNotReady(err.message, err.retryAfter ?? 60);
    main.replaceChildren(
      h("h1", {}, "Leaderboard"),
      h(
        "p",
        { class: "banner error", role: "alert" },
        `Could not load the leaderboard: ${describeError(err)} `,
        h("button", { type: "button", onclick: () => void load() }, "Retry"),
      ),
    );
    markReady();
    return;
  }
  board = lb;
  const names = orderedCategories(Object.keys(lb.categories));
  if (!lb.categories[state.category]) state.category = "overall";
  categorySelect.replaceChildren(
    ...names.map((n) =>
      h("option", { value: n }, `${categoryLabel(n)} (${lb.categories[n]!.battles.toLocaleString("en")})`),
    ),
  );
  categorySelect.value = state.category;
  renderMeta(lb);
  main.replaceChildren(
    h(
      "div",
      { class: "page-intro" },
      h("h1", {}, "Leaderboard"),
      h(
        "p",
        { class: "muted" },
        "Bradley–Terry ratings from anonymous votes, with 95% bootstrap intervals. ",
        h("a", { href: "/about#method" }, "How it is computed"),
        ".",
      ),
      metaLine,
    ),
    h(
      "form",
      { class: "lb-controls", role: "search", onsubmit: (e: Event) => e.preventDefault() },
      h("label", { for: categorySelect.id }, "Category", categorySelect),
      h("label", { for: styleToggle.id, class: "toggle" }, styleToggle, " Style control"),
      h("label", { for: search.id }, "Search", search),
      h("label", { for: minVotes.id }, "Min. votes", minVotes),
    ),
    styleNote,
    h("div", { class: "table-wrap" }, table),
    countLine,
    adjustedSection,
    promptBoardSection((id) => meta.get(id)?.name ?? id),
    plotSection,
  );
  styleToggle.setAttribute("aria-describedby", styleNote.id);
  update();
  markReady();
  void loadCurses();
  plotSection.replaceChildren(h("p", { class: "muted" }, "Loading plots…"));
  plots = await import("./leaderboard-plots");
  update();
}

categorySelect.addEventListener("change", () => {
  state.category = categorySelect.value;
  update();
});
styleToggle.addEventListener("change", () => {
  state.style = styleToggle.checked;
  update();
});
search.addEventListener("input", () => {
  state.search = search.value;
  renderTable();
});
minVotes.addEventListener("input", () => {
  state.minVotes = Math.max(0, Number(minVotes.value) || 0);
  update();
});

// Follow the system theme: the plots take their colours from CSS variables, so redraw them when it flips.
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => update());

void load();
