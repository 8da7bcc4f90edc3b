// The leaderboard's plots, loaded on demand by /leaderboard only (Chart.js with the matrix controller, ~70 KB
// gzipped): rating with its 95% interval, pairwise win fractions, battle counts per pair, and one model's rating
// over time from /api/leaderboard/history. Colours come from the page's CSS variables (light or dark theme).
// Provisional ratings (the data cannot pin them down: on a board of a few battles the ridge holds them at numbers
// like 0 or 2700) are drawn as hollow markers and never set an axis' range: the axes cover the other entries, and
// a provisional value beyond them sits on the edge as a triangle. Only when every entry is provisional do they
// define the range. Missing snapshots (the model was not rated) have no point; provisional ones break the line.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from "chart.js";
import { MatrixController, MatrixElement } from "chartjs-chart-matrix";
import { getJson, type PublicModel } from "../lib/api";
import { h } from "../lib/dom";
import {
  CHANGE_LABELS,
  axisRange,
  categoryLabel,
  changeText,
  clampTo,
  ratingText,
  type Board,
  type Change,
  type ModelRow,
  type PointChange,
} from "../lib/leaderboard-data";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Filler,
  Legend,
  LinearScale,
  LogarithmicScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  MatrixController,
  MatrixElement,
);

export interface PlotInput {
  board: Board;
  category: string;
  style: boolean;
  minVotes: number;
  meta: Map<string, PublicModel>;
  /** The leaderboard's change over time (overall board without style control). */
  changes?: Record<string, Change>;
  level?: number;
}

interface HistoryPoint {
  generatedAt: string;
  rating: number;
  ci: [number, number] | null;
  rank: number;
  votes: number;
  /** Extra field of the history API: the data could not pin this rating down in that snapshot. */
  provisional?: true;
  /** The latest point of the overall board without style control: its change in each comparison. */
  changes?: Record<string, PointChange>;
}

/** Values that set an axis: ratings and interval ends. */
const spanOf = (e: { rating: number; ci: [number, number] | null }) =>
  e.ci ? [e.rating, e.ci[0], e.ci[1]] : [e.rating];

const PROVISIONAL_NOTE =
  "Hollow markers: provisional ratings, which the votes so far cannot pin down; they do not set the axis, and a " +
  "triangle marks one beyond it.";

/** Records what a chart's y axis covers, for tests and for anyone inspecting the page. */
function recordAxis(canvas: HTMLCanvasElement, key: string, provisional: number): void {
  const y = charts.get(key)?.scales["y"];
  canvas.dataset.provisional = String(provisional);
  if (y) {
    canvas.dataset.yMin = String(y.min);
    canvas.dataset.yMax = String(y.max);
  }
}

/** At most this many models in the heatmaps (the top of the board): beyond it the cells get unreadable. */
const HEATMAP_MODELS = 20;

const charts = new Map<string, Chart>();
let historyModel: string | null = null;
let historyRequest = 0;

function colors() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    fg: v("--fg"),
    muted: v("--muted"),
    grid: v("--border"),
    accent: v("--accent"),
    accentSoft: v("--accent-soft"),
    good: v("--plot-high"),
    bad: v("--plot-low"),
    mid: v("--plot-mid"),
    frontier: v("--good"),
  };
}

/** Linear blend of two CSS hex colours. */
function mix(a: string, b: string, t: number): string {
  const parse = (c: string) => {
    const m = /^#?([0-9a-f]{6})$/i.exec(c.trim());
    const n = m ? parseInt(m[1]!, 16) : 0x888888;
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  };
  const [x, y] = [parse(a), parse(b)];
  const c = x.map((xi, i) => Math.round(xi + (y[i]! - xi) * Math.max(0, Math.min(1, t))));
  return `rgb(${c.join(",")})`;
}

function place(key: string, canvas: HTMLCanvasElement, config: ChartConfiguration): void {
  charts.get(key)?.destroy();
  charts.set(key, new Chart(canvas, config));
}

function figure(
  key: string,
  title: string,
  description: string,
  height: number,
  extra?: HTMLElement | null,
  note?: HTMLElement,
): HTMLCanvasElement {
  const canvas = h("canvas", { role: "img", "aria-label": `${title}. ${description}`, "data-testid": `plot-${key}` });
  const wrap = h("div", { class: "plot-canvas", style: `height:${height}px` }, canvas);
  const fig = h(
    "figure",
    { class: "plot" },
    h("figcaption", {}, h("strong", {}, title), h("span", { class: "muted small" }, ` ${description}`)),
    extra ?? null,
    wrap,
    note ?? null,
  );
  figures.push(fig);
  return canvas;
}
let figures: HTMLElement[] = [];

const baseOptions = (c: ReturnType<typeof colors>) => ({
  animation: false as const,
  responsive: true,
  maintainAspectRatio: false,
  color: c.fg,
  plugins: { legend: { display: false } },
});

/** Writes each heatmap cell's value on it when the cell is big enough to hold it. */
const cellLabels = (format: (v: number) => string, color: (v: number) => string): Plugin<"matrix"> => ({
  id: "cellLabels",
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const meta = chart.getDatasetMeta(0);
    ctx.save();
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    meta.data.forEach((el, i) => {
      const raw = chart.data.datasets[0]!.data[i] as { v: number | null } | undefined;
      const props = el.getProps(["x", "y", "width", "height"], true) as {
        x: number;
        y: number;
        width: number;
        height: number;
      };
      if (!raw || raw.v === null || props.width < 26 || props.height < 14) return;
      ctx.fillStyle = color(raw.v);
      ctx.fillText(format(raw.v), props.x + props.width / 2, props.y + props.height / 2);
    });
    ctx.restore();
  },
});

/** Vertical interval bars (with caps) under the points of one dataset: `bars[i]` for its i-th point. */
const errorBars = (bars: ([number, number] | null)[], color: string, datasetIndex: number): Plugin => ({
  id: "errorBars",
  beforeDatasetsDraw(chart) {
    const y = chart.scales["y"];
    if (!y) return;
    const { ctx, chartArea } = chart;
    ctx.save();
    ctx.beginPath();
    ctx.rect(chartArea.left, chartArea.top, chartArea.width, chartArea.height);
    ctx.clip();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    chart.getDatasetMeta(datasetIndex).data.forEach((el, i) => {
      const ci = bars[i];
      if (!ci || !Number.isFinite(el.x)) return;
      const [top, bottom] = [y.getPixelForValue(ci[1]), y.getPixelForValue(ci[0])];
      ctx.beginPath();
      ctx.moveTo(el.x, top);
      ctx.lineTo(el.x, bottom);
      ctx.moveTo(el.x - 3, top);
      ctx.lineTo(el.x + 3, top);
      ctx.moveTo(el.x - 3, bottom);
      ctx.lineTo(el.x + 3, bottom);
      ctx.stroke();
    });
    ctx.restore();
  },
});

/** Short name labels beside the points of one dataset (only when there are few enough to stay readable). */
const pointLabels = (labels: string[], color: string, datasetIndex: number): Plugin => ({
  id: "pointLabels",
  afterDatasetsDraw(chart) {
    if (labels.length > 25) return;
    const { ctx } = chart;
    ctx.save();
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = color;
    ctx.textBaseline = "bottom";
    chart.getDatasetMeta(datasetIndex).data.forEach((el, i) => {
      const l = labels[i] ?? "";
      if (!Number.isFinite(el.x) || !Number.isFinite(el.y)) return;
      const text = l.length > 22 ? `${l.slice(0, 21)}…` : l;
      // Near the right edge the label goes to the left of its point, so it stays inside the chart.
      const left = el.x + 6 + ctx.measureText(text).width > chart.chartArea.right;
      ctx.textAlign = left ? "right" : "left";
      ctx.fillText(text, left ? el.x - 6 : el.x + 6, el.y - 3);
    });
    ctx.restore();
  },
});

/** A log axis' tick: labelled at 1, 2 and 5 times a power of 10 only (the other ticks keep their grid line). */
const logTick = (v: number) => {
  const m = Math.round((v / 10 ** Math.floor(Math.log10(v) + 1e-9)) * 1000) / 1000;
  return m === 1 || m === 2 || m === 5 ? usd(v) : "";
};

const usd = (x: number) => (x < 1 ? `$${x.toFixed(2)}` : `$${x.toFixed(x < 10 ? 1 : 0)}`);

function heatmap(
  key: string,
  canvas: HTMLCanvasElement,
  models: string[],
  label: (id: string) => string,
  cell: (i: number, j: number) => number | null,
  fill: (v: number | null) => string,
  format: (v: number) => string,
  tooltip: (a: string, b: string, v: number) => string,
  c: ReturnType<typeof colors>,
): void {
  const narrow = canvas.parentElement!.clientWidth < 560;
  // Long model names are shortened on the axes of a narrow chart (the tooltip keeps the full name).
  function shortTick(this: { getLabelForValue(v: number): string }, value: string | number): string {
    const l = this.getLabelForValue(Number(value));
    const max = narrow ? 12 : 28;
    return l.length > max ? `${l.slice(0, max - 1)}…` : l;
  }
  const data: { x: string; y: string; v: number | null }[] = [];
  models.forEach((a, i) => models.forEach((b, j) => data.push({ x: label(b), y: label(a), v: cell(i, j) })));
  const n = models.length;
  place(key, canvas, {
    type: "matrix",
    data: {
      datasets: [
        {
          data: data as never,
          backgroundColor: (ctx: { raw?: unknown }) => fill((ctx.raw as { v: number | null } | undefined)?.v ?? null),
          borderColor: c.grid,
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / n - 1,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / n - 1,
        },
      ],
    },
    options: {
      ...baseOptions(c),
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: () => "",
            label: (ctx) => {
              const r = ctx.raw as { x: string; y: string; v: number | null };
              return r.v === null ? `${r.y} vs ${r.x}: no battles` : tooltip(r.y, r.x, r.v);
            },
          },
        },
      },
      scales: {
        x: {
          type: "category",
          labels: models.map(label),
          offset: true,
          position: "top",
          ticks: { color: c.fg, autoSkip: false, maxRotation: 60, minRotation: 30, callback: shortTick },
          grid: { display: false },
          title: { display: true, text: "Model B", color: c.muted },
        },
        y: {
          type: "category",
          // The category axis counts from the bottom: list the models reversed so the best one is the top row.
          labels: models.map(label).reverse(),
          offset: true,
          ticks: { color: c.fg, autoSkip: false, callback: shortTick },
          grid: { display: false },
          title: { display: true, text: "Model A", color: c.muted },
        },
      },
    },
    plugins: [cellLabels(format, () => c.fg) as Plugin],
  } as ChartConfiguration);
}

export function render(section: HTMLElement, input: PlotInput): void {
  const c = colors();
  const { board } = input;
  const name = (id: string) => input.meta.get(id)?.name ?? id;
  const rows: ModelRow[] = (input.style && board.styleControl ? board.styleControl.models : board.models).filter(
    (r) => r.votes >= input.minVotes,
  );
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  figures = [];
  const label = categoryLabel(input.category) + (input.style && board.styleControl ? ", style control" : "");

  // 1. Rating with its interval: a thin floating bar for the CI, a point for the rating.
  const provisionalRows = rows.filter((r) => r.provisional).length;
  const ratingNote = h("p", { class: "muted small plot-note", "data-testid": "plot-rating-note" });
  ratingNote.hidden = provisionalRows === 0;
  ratingNote.textContent = PROVISIONAL_NOTE;
  const ratingCanvas = figure(
    "rating",
    "Arena score with 95% CI",
    `(${label})`,
    Math.max(260, Math.min(420, 180 + rows.length * 6)),
    null,
    ratingNote,
  );
  // 1b. Score against output price, from the raw board (the frontier and the adjusted views are of it): every
  // model with a known positive price (a log axis has no place for a free model), its interval as an error bar,
  // and the price–score Pareto frontier as a step line.
  const priceOf = (r: ModelRow): number | null => {
    const p =
      (r as ModelRow & { pricing?: { output?: number } }).pricing?.output ?? input.meta.get(r.model)?.pricing?.output;
    return typeof p === "number" && Number.isFinite(p) && p > 0 ? p : null;
  };
  const priced = board.models.filter((r) => r.votes >= input.minVotes && priceOf(r) !== null);
  const frontier = (board.frontier ?? []).filter((f) => f.price > 0);
  const priceNote = h(
    "p",
    { class: "muted small plot-note", "data-testid": "plot-price-note" },
    priced.length
      ? "Error bars: 95% CI. The line is the price–score frontier: the models no cheaper model beats. Hollow markers: provisional."
      : "No model of this board has a known price yet.",
  );
  const priceCanvas = figure(
    "price",
    "Arena score against price",
    `(${categoryLabel(input.category)}, without style control; output price per 1M tokens, log scale)`,
    340,
    null,
    priceNote,
  );
  // 2 and 3. Pairwise matrices (ties excluded from the win fractions, as in FastChat).
  const top = new Set(board.models.slice(0, HEATMAP_MODELS).map((r) => r.model));
  const pair = board.pairwise;
  const idx = pair.models.map((m, i) => [m, i] as const).filter(([m]) => top.has(m) && rows.some((r) => r.model === m));
  const order = idx.sort(
    (x, y) => board.models.findIndex((r) => r.model === x[0]) - board.models.findIndex((r) => r.model === y[0]),
  );
  const ids = order.map(([m]) => m);
  const side = Math.max(240, Math.min(720, 120 + ids.length * 34));
  const winCanvas = figure(
    "winrate",
    "Win fraction of model A against model B",
    "(non-tie battles; top models by rating)",
    side,
  );
  const countCanvas = figure("battles", "Battle count for each pair of models", "(all battles of this board)", side);
  // 4. History.
  const historySelect = h("select", {
    id: "history-model",
    "data-testid": "history-model-select",
  }) as HTMLSelectElement;
  historySelect.replaceChildren(...board.models.map((r) => h("option", { value: r.model }, name(r.model))));
  if (!historyModel || !board.models.some((r) => r.model === historyModel))
    historyModel = board.models[0]?.model ?? null;
  if (historyModel) historySelect.value = historyModel;
  const historyNote = h("p", { class: "muted small plot-note", "data-testid": "plot-history-note", hidden: true });
  const historyChanges = h("div", {
    class: "history-changes",
    "data-testid": "history-changes",
    "aria-live": "polite",
  });
  const historyCanvas = figure(
    "history",
    "Rating over time",
    `(${label}; one point per published snapshot that rated it)`,
    280,
    h("label", { for: historySelect.id, class: "inline" }, "Model ", historySelect),
    h("div", {}, historyNote, historyChanges),
  );

  section.replaceChildren(h("h2", { id: "plots-title" }, "Plots"), h("div", { class: "plot-grid" }, ...figures));

  // The axis covers the entries that mean something; provisional ones are drawn hollow, pinned to its edge when
  // beyond it (all of them provisional: they set the axis, there being nothing else).
  const solidRows = rows.filter((r) => !r.provisional);
  const ratingRange = solidRows.length > 0 ? axisRange(solidRows.flatMap(spanOf)) : null;
  const apart = (r: ModelRow) => !!r.provisional && ratingRange !== null;
  const pinned = rows.map((r) => (r.provisional ? clampTo(ratingRange, r.rating) : null));
  place("rating", ratingCanvas, {
    type: "bar",
    data: {
      labels: rows.map((r) => name(r.model)),
      datasets: [
        {
          type: "bar",
          label: "95% CI",
          data: rows.map((r) => (apart(r) ? null : r.ci ? [r.ci[0], r.ci[1]] : [r.rating, r.rating])) as never,
          backgroundColor: c.accentSoft,
          borderColor: c.accent,
          borderWidth: 1,
          barPercentage: 0.25,
          categoryPercentage: 1,
          pointStyle: "rect",
        },
        {
          type: "line",
          label: "Arena score",
          data: rows.map((r) => (r.provisional ? null : r.rating)),
          showLine: false,
          pointRadius: 4,
          pointStyle: "circle",
          pointBackgroundColor: c.accent,
          pointBorderColor: c.accent,
        },
        {
          type: "line",
          label: "Provisional",
          data: pinned.map((p) => p?.y ?? null),
          showLine: false,
          pointRadius: 5,
          pointStyle: pinned.map((p) => (p && p.off !== 0 ? "triangle" : "circle")) as never,
          rotation: pinned.map((p) => (p && p.off < 0 ? 180 : 0)) as never,
          pointBackgroundColor: "transparent",
          pointBorderColor: c.muted,
          borderColor: c.muted,
          pointBorderWidth: 1.5,
          clip: false,
        },
      ],
    },
    options: {
      ...baseOptions(c),
      plugins: {
        legend: {
          display: true,
          labels: {
            color: c.fg,
            usePointStyle: true,
            filter: (item: { datasetIndex?: number }) => item.datasetIndex !== 2 || provisionalRows > 0,
          },
        },
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const r = rows[ctx.dataIndex]!;
              return `${ratingText(r.rating)}${r.ci ? ` (95% CI ${ratingText(r.ci[0])}–${ratingText(r.ci[1])})` : ""}${r.provisional ? " · provisional" : ""}`;
            },
          },
        },
      },
      scales: {
        x: { ticks: { color: c.fg, maxRotation: 60, autoSkip: rows.length > 40 }, grid: { display: false } },
        y: {
          beginAtZero: false,
          ...(ratingRange ? { min: ratingRange.min, max: ratingRange.max } : { grace: "5%" }),
          ticks: { color: c.fg },
          grid: { color: c.grid },
          title: { display: true, text: "Arena score", color: c.muted },
        },
      },
    },
  } as ChartConfiguration);
  recordAxis(ratingCanvas, "rating", provisionalRows);

  const solidPriced = priced.filter((r) => !r.provisional);
  const priceRange = axisRange(
    (solidPriced.length ? solidPriced : priced).flatMap(spanOf).concat(frontier.map((f) => f.rating)),
  );
  const priceSpan = {
    min: Math.min(...priced.map((r) => priceOf(r)!)),
    max: Math.max(...priced.map((r) => priceOf(r)!)),
  };
  const pricePoints = priced.map((r) => {
    const y = r.provisional ? clampTo(priceRange, r.rating).y : r.rating;
    return { x: priceOf(r)!, y };
  });
  place("price", priceCanvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: "Arena score",
          data: pricePoints,
          showLine: false,
          pointRadius: 4,
          pointBackgroundColor: priced.map((r) => (r.provisional ? "transparent" : c.accent)) as never,
          pointBorderColor: priced.map((r) => (r.provisional ? c.muted : c.accent)) as never,
          borderColor: c.accent,
          backgroundColor: c.accent,
          clip: false,
        },
        {
          label: "Price–score frontier",
          data: frontier.map((f) => ({ x: f.price, y: f.rating })),
          stepped: "after",
          borderColor: c.frontier,
          backgroundColor: c.frontier,
          borderWidth: 1.5,
          pointRadius: 0,
          borderDash: [5, 3],
        },
      ],
    },
    options: {
      ...baseOptions(c),
      parsing: false,
      plugins: {
        legend: { display: true, labels: { color: c.fg, usePointStyle: true } },
        tooltip: {
          filter: (item) => item.datasetIndex === 0,
          callbacks: {
            label: (ctx) => {
              const r = priced[ctx.dataIndex]!;
              const ci = r.ci ? ` (95% CI ${ratingText(r.ci[0])}–${ratingText(r.ci[1])})` : "";
              const onFrontier = frontier.some((f) => f.model === r.model) ? " · on the frontier" : "";
              return `${name(r.model)}: ${ratingText(r.rating)}${ci} at ${usd(priceOf(r)!)}${onFrontier}${r.provisional ? " · provisional" : ""}`;
            },
          },
        },
      },
      scales: {
        x: {
          type: "logarithmic",
          // Half a factor of 10 of room on each side, so the cheapest and dearest points are not cut by the edge.
          ...(priced.length ? { min: priceSpan.min / 3, max: priceSpan.max * 3 } : {}),
          ticks: { color: c.fg, callback: (v) => logTick(Number(v)), autoSkip: false, maxRotation: 0 },
          grid: { color: c.grid },
          title: { display: true, text: "Output price, USD per 1M tokens (log scale)", color: c.muted },
        },
        y: {
          ...(priceRange ? { min: priceRange.min, max: priceRange.max } : {}),
          ticks: { color: c.fg },
          grid: { color: c.grid },
          title: { display: true, text: "Arena score", color: c.muted },
        },
      },
    },
    plugins: [
      errorBars(
        priced.map((r) => (r.provisional ? null : r.ci)),
        c.accent,
        0,
      ),
      pointLabels(
        priced.map((r) => name(r.model)),
        c.muted,
        0,
      ),
    ],
  } as ChartConfiguration);
  recordAxis(priceCanvas, "price", priced.filter((r) => r.provisional).length);
  priceCanvas.dataset.points = String(priced.length);
  priceCanvas.dataset.frontier = String(frontier.length);

  const at = (id: string) => pair.models.indexOf(id);
  heatmap(
    "winrate",
    winCanvas,
    ids,
    name,
    (i, j) => pair.winFraction[at(ids[i]!)]?.[at(ids[j]!)] ?? null,
    (v) =>
      v === null ? "transparent" : v >= 0.5 ? mix(c.mid, c.good, (v - 0.5) * 2) : mix(c.mid, c.bad, (0.5 - v) * 2),
    (v) => v.toFixed(2),
    (a, b, v) => `${a} beats ${b} in ${(v * 100).toFixed(0)}% of non-tie battles`,
    c,
  );
  const counts = ids.map((a) => ids.map((b) => pair.battles[at(a)]?.[at(b)] ?? 0));
  const maxCount = Math.max(1, ...counts.flat().map((v) => v ?? 0));
  heatmap(
    "battles",
    countCanvas,
    ids,
    name,
    (i, j) => (i === j ? null : (counts[i]![j] ?? 0)),
    (v) => (v === null ? "transparent" : mix(c.mid, c.accent, Math.sqrt((v ?? 0) / maxCount))),
    (v) => String(v),
    (a, b, v) => `${a} vs ${b}: ${v} battles`,
    c,
  );

  const drawHistory = async () => {
    const model = historySelect.value;
    historyModel = model;
    const request = ++historyRequest;
    let points: HistoryPoint[] = [];
    try {
      const q = new URLSearchParams({
        model,
        category: input.category,
        style: String(input.style && !!board.styleControl),
      });
      points = await getJson<HistoryPoint[]>(`/api/leaderboard/history?${q}`);
    } catch {
      points = [];
    }
    if (request !== historyRequest || !historyCanvas.isConnected) return;
    const xs = points.map((p) => Date.parse(p.generatedAt));
    const fmt = (ms: number) =>
      new Date(ms).toLocaleString("en", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
    // The line, its band and the axis follow the points that mean something; a provisional point breaks the
    // line (null) and is drawn hollow, pinned to the axis edge when beyond it.
    const solid = points.filter((p) => !p.provisional);
    const range = solid.length > 0 ? axisRange(solid.flatMap(spanOf)) : null;
    const provisionalPoints = points.length - solid.length;
    const line = (y: (p: HistoryPoint) => number) =>
      points.map((p, i) => ({ x: xs[i]!, y: p.provisional ? null : y(p) }));
    const pinned = points.map((p) => (p.provisional ? clampTo(range, p.rating) : null));
    place("history", historyCanvas, {
      type: "line",
      data: {
        datasets: [
          {
            label: "95% CI (upper)",
            data: line((p) => p.ci?.[1] ?? p.rating),
            borderWidth: 0,
            pointRadius: 0,
            fill: "+1",
            backgroundColor: c.accentSoft,
          },
          {
            label: "95% CI (lower)",
            data: line((p) => p.ci?.[0] ?? p.rating),
            borderWidth: 0,
            pointRadius: 0,
            fill: false,
          },
          {
            label: "Arena score",
            data: line((p) => p.rating),
            borderColor: c.accent,
            backgroundColor: c.accent,
            pointRadius: 3,
            tension: 0,
          },
          {
            label: "Provisional",
            data: pinned.map((p, i) => ({ x: xs[i]!, y: p ? p.y : null })),
            showLine: false,
            pointRadius: 4,
            pointStyle: pinned.map((p) => (p && p.off !== 0 ? "triangle" : "circle")) as never,
            rotation: pinned.map((p) => (p && p.off < 0 ? 180 : 0)) as never,
            pointBackgroundColor: "transparent",
            pointBorderColor: c.muted,
            borderColor: c.muted,
            pointBorderWidth: 1.5,
            clip: false,
          },
        ],
      },
      options: {
        ...baseOptions(c),
        parsing: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => fmt(items[0]?.parsed.x ?? 0),
              label: (ctx) => {
                const p = points[ctx.dataIndex]!;
                const text = `${ratingText(p.rating)} (rank ${p.rank}, ${p.votes} votes)`;
                return ctx.datasetIndex === 3 ? `${text} · provisional` : ctx.datasetIndex === 2 ? text : "";
              },
            },
            filter: (item) => item.datasetIndex === 2 || item.datasetIndex === 3,
          },
        },
        scales: {
          x: {
            type: "linear",
            ticks: { color: c.fg, callback: (v) => fmt(Number(v)), maxTicksLimit: 6 },
            grid: { color: c.grid },
            ...(xs.length === 1 ? { min: xs[0]! - 3_600_000, max: xs[0]! + 3_600_000 } : {}),
          },
          y: {
            ...(range ? { min: range.min, max: range.max } : {}),
            ticks: { color: c.fg },
            grid: { color: c.grid },
            title: { display: true, text: "Arena score", color: c.muted },
          },
        },
      },
    } as ChartConfiguration);
    historyNote.hidden = provisionalPoints === 0;
    historyNote.textContent =
      solid.length === 0 && provisionalPoints > 0
        ? "Every point is provisional: the votes so far cannot pin this rating down, so the numbers are placeholders."
        : PROVISIONAL_NOTE;
    recordAxis(historyCanvas, "history", provisionalPoints);
    historyCanvas.dataset.points = String(points.length);
    renderChanges(model, points[points.length - 1]?.changes);
  };
  // Change over time (DESIGN section 14): from the latest history point, else from the page's snapshot; computed
  // for the overall board without style control only.
  const renderChanges = (model: string, fromPoint: Record<string, PointChange> | undefined) => {
    const overall = input.category === "overall" && !(input.style && board.styleControl);
    const level = input.level ?? 0.95;
    const fromBoard = (key: string): PointChange | undefined => {
      const cmp = overall ? input.changes?.[key] : undefined;
      const m = cmp?.models.find((x) => x.model === model);
      return cmp && m ? { ...m, since: cmp.since } : undefined;
    };
    const items = CHANGE_LABELS.flatMap(([key, text]) => {
      const ch = (overall ? fromPoint?.[key] : undefined) ?? fromBoard(key);
      if (!ch) return [];
      const since = ch.since
        ? h("time", { datetime: ch.since, title: ch.since }, ` (from ${ch.since.slice(0, 10)})`)
        : "";
      return [
        h(
          "li",
          { "data-change": key, "data-significant": String(ch.significant) },
          `Change ${text}: `,
          h("strong", {}, changeText(ch, level)),
          since,
          " · ",
          ch.significant
            ? h(
                "span",
                { class: `badge change ${ch.delta > 0 ? "up" : "down"}`, title: "Holm-adjusted over all models" },
                `${ch.delta > 0 ? "▲" : "▼"} significant`,
              )
            : h("span", { class: "muted" }, "not significant"),
          h("span", { class: "muted small" }, ` (adjusted p = ${ch.pAdjusted.toPrecision(2)})`),
        ),
      ];
    });
    historyChanges.dataset.count = String(items.length);
    historyChanges.replaceChildren(
      items.length
        ? h("ul", { class: "plain" }, items)
        : h(
            "p",
            { class: "muted small" },
            overall
              ? "No earlier snapshot to compare this model with yet."
              : "Change over time is computed for the overall board without style control.",
          ),
      h("p", { class: "muted small" }, h("a", { href: "/about#v2" }, "What the change and “significant” mean"), "."),
    );
  };
  historySelect.addEventListener("change", () => void drawHistory());
  void drawHistory();
}
