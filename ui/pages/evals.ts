// `/evals`: LLM-judge evaluations (DESIGN section 13). Published suite results (`/api/evals`, `/evals/<suite>.json`):
// one table per suite (score, interval, style-controlled score, answers, judgments, failed) with the quality block
// against the human leaderboard and a plot of judge score against arena rating where models overlap. Below, a
// provider with a key starts a job on one of its models and watches its progress, or looks any of its jobs up by id
// (`/evals?job=<id>`). The key stays in this tab's sessionStorage only. Test ids: docs/ui.md.
import { ApiError, describeError, getJson } from "../lib/api";
import { h, markReady } from "../lib/dom";

interface SuiteInfo {
  suite: string;
  kind: "pairwise" | "single";
  questions: number;
  baseline: string | null;
  published: { url: string; judge: string; models: number; publishedAt: number } | null;
}
interface EvalModel {
  model: string;
  score: number | null;
  ci: [number, number] | null;
  styleControlled: { score: number; ci: [number, number] | null } | null;
  answers: number;
  judgments: number;
  failed: number;
  baseline?: true;
  turns?: (number | null)[];
}
interface EvalResult {
  suite: string;
  judge: string;
  baseline: string | null;
  models: EvalModel[];
  /** Publications: the arena (human) ratings of the models in both, from the board `quality` used. */
  arena?: { model: string; rating: number }[];
  quality: {
    against: string;
    models?: number;
    separability: number | null;
    agreement: number | null;
    spearman: number | null;
    brier: number | null;
  } | null;
}
interface Job {
  id: string;
  status: "queued" | "running" | "done" | "failed";
  model: string;
  suite: string;
  judge: string;
  progress: { done: number; total: number; failed: number };
  reason: string | null;
  result: EvalResult | null;
}

const KEY_STORE = "arena.evals.key";
const main = document.getElementById("main")!;
const num = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? "–" : x.toFixed(d));
const interval = (ci: [number, number] | null) => (ci ? `${ci[0].toFixed(2)} – ${ci[1].toFixed(2)}` : "–");

function resultTable(result: EvalResult, testid: string): HTMLElement {
  const single = result.models.some((m) => m.turns);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "lb-table", "data-testid": testid, "data-suite": result.suite },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          [
            "Model",
            single ? "Mean grade" : "Win rate vs baseline %",
            "95% interval",
            single ? "Per turn" : "Style-controlled",
            "Answers",
            "Judgments",
            "Failed",
          ].map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h(
        "tbody",
        {},
        result.models.map((m) =>
          h(
            "tr",
            { "data-testid": "evals-row", "data-model": m.model, "data-suite": result.suite },
            h("td", {}, m.model, m.baseline ? h("span", { class: "muted small" }, " (baseline)") : null),
            h("td", { "data-testid": "evals-score" }, num(m.score)),
            h("td", {}, interval(m.ci)),
            h(
              "td",
              {},
              single
                ? (m.turns ?? []).map((t) => num(t)).join(" / ")
                : m.styleControlled
                  ? `${num(m.styleControlled.score)} (${interval(m.styleControlled.ci)})`
                  : "–",
            ),
            h("td", {}, String(m.answers)),
            h("td", {}, String(m.judgments)),
            h("td", {}, String(m.failed)),
          ),
        ),
      ),
    ),
  );
}

function qualityLine(result: EvalResult): HTMLElement {
  const q = result.quality;
  if (!q)
    return h(
      "p",
      { class: "muted small", "data-testid": "evals-quality" },
      "No human leaderboard to compare with yet.",
    );
  return h(
    "p",
    { class: "muted small", "data-testid": "evals-quality" },
    `Against ${q.against} (${q.models ?? 0} shared models): separability ${num(q.separability)}, agreement ${num(q.agreement)}, Spearman ${num(q.spearman)}, Brier ${num(q.brier, 3)}.`,
  );
}

async function renderPublished(box: HTMLElement): Promise<void> {
  const suites = await getJson<SuiteInfo[]>("/api/evals");
  box.replaceChildren();
  for (const s of suites) {
    const section = h(
      "section",
      { class: "evals-suite", "data-testid": "evals-suite", "data-suite": s.suite },
      h("h2", {}, s.suite),
      h(
        "p",
        { class: "muted small" },
        `${s.questions} questions · ${s.kind === "pairwise" ? `pairwise against ${s.baseline}` : "single-answer grading 1–10"}`,
      ),
    );
    box.append(section);
    if (!s.published) {
      section.append(h("p", { "data-testid": "evals-none" }, "No published result yet."));
      continue;
    }
    const result = await getJson<EvalResult>(s.published.url);
    // The publication carries the human ratings its quality block compared with (`arena`).
    const arena = new Map((result.arena ?? []).map((r) => [r.model, r.rating]));
    section.append(
      h(
        "p",
        { class: "small" },
        `Judge: ${result.judge} · published ${new Date(s.published.publishedAt).toISOString()}`,
      ),
      resultTable(result, "evals-table"),
      qualityLine(result),
    );
    const points = result.models.flatMap((m) =>
      m.score !== null && arena.has(m.model) ? [{ model: m.model, judge: m.score, arena: arena.get(m.model)! }] : [],
    );
    if (points.length === 0) {
      section.append(
        h("p", { class: "muted small" }, "No model of this result is on the arena leaderboard yet: nothing to plot."),
      );
      continue;
    }
    const canvas = h("canvas", {
      "data-testid": "evals-plot",
      "aria-label": `Judge score against arena rating, ${s.suite}`,
      role: "img",
    });
    section.append(h("div", { style: "position:relative;height:280px" }, canvas));
    const { drawJudgeVsArena } = await import("./evals-plot");
    drawJudgeVsArena(canvas, s.suite, points);
  }
}

// ---------------------------------------------------------------- provider jobs

async function providerFetch<T>(path: string, key: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok)
    throw new ApiError(res.status, json?.error?.code ?? "http_error", json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

const keyInput = h("input", {
  type: "password",
  id: "evals-key",
  "data-testid": "evals-key",
  autocomplete: "off",
  placeholder: "ak_…",
});
keyInput.value = sessionStorage.getItem(KEY_STORE) ?? "";
const modelInput = h("input", {
  type: "text",
  id: "evals-model",
  "data-testid": "evals-model",
  placeholder: "your model id",
});
const suiteSelect = h("select", { id: "evals-suite-select", "data-testid": "evals-suite-select" });
const limitInput = h("input", { type: "number", id: "evals-limit", "data-testid": "evals-limit", min: 1, value: 5 });
const startButton = h("button", { type: "submit", class: "primary", "data-testid": "evals-start" }, "Start evaluation");
const jobIdInput = h("input", {
  type: "text",
  id: "evals-job-id",
  "data-testid": "evals-job-id",
  placeholder: "job id",
});
const loadButton = h("button", { type: "button", "data-testid": "evals-job-load" }, "Show job");
const jobBox = h("div", { "data-testid": "evals-job", role: "status", "aria-live": "polite" });
const formError = h("p", { class: "error-text small", role: "alert", "data-testid": "evals-error" });

let polling = 0;

function renderJob(job: Job): void {
  const p = job.progress;
  jobBox.replaceChildren(
    h(
      "p",
      {},
      "Job ",
      h("code", { "data-testid": "evals-job-shown-id" }, job.id),
      ` · ${job.model} on ${job.suite}, judge ${job.judge}`,
    ),
    h("p", { "data-testid": "evals-job-status", "data-status": job.status }, `Status: ${job.status}`),
    h("progress", { max: p.total, value: p.done + p.failed, "aria-label": "Progress" }),
    h("p", { class: "small", "data-testid": "evals-job-progress" }, `${p.done} done, ${p.failed} failed of ${p.total}`),
    ...(job.reason ? [h("p", { class: "error-text" }, job.reason)] : []),
    ...(job.result ? [resultTable(job.result, "evals-job-result")] : []),
  );
}

async function watch(id: string): Promise<void> {
  const key = keyInput.value.trim();
  const mine = ++polling;
  history.replaceState(null, "", `/evals?job=${encodeURIComponent(id)}`);
  for (;;) {
    let job: Job;
    try {
      job = await providerFetch<Job>(`/v1/provider/evals/${encodeURIComponent(id)}`, key);
    } catch (err) {
      if (mine === polling) formError.textContent = describeError(err);
      return;
    }
    if (mine !== polling) return;
    formError.textContent = "";
    renderJob(job);
    if (job.status === "done" || job.status === "failed") return;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function jobForm(suites: SuiteInfo[]): HTMLElement {
  suiteSelect.replaceChildren(...suites.map((s) => h("option", { value: s.suite }, s.suite)));
  keyInput.addEventListener("change", () => sessionStorage.setItem(KEY_STORE, keyInput.value.trim()));
  const label = (forId: string, text: string) => h("label", { for: forId }, text);
  const form = h(
    "form",
    {
      class: "evals-form",
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        formError.textContent = "";
        sessionStorage.setItem(KEY_STORE, keyInput.value.trim());
        const limit = Number(limitInput.value);
        try {
          const created = await providerFetch<{ id: string }>("/v1/provider/evals", keyInput.value.trim(), {
            model: modelInput.value.trim(),
            suite: suiteSelect.value,
            ...(limit > 0 ? { limit } : {}),
          });
          jobIdInput.value = created.id;
          void watch(created.id);
        } catch (err) {
          formError.textContent = describeError(err);
        }
      },
    },
    h("p", {}, label("evals-key", "Provider key "), keyInput),
    h(
      "p",
      {},
      label("evals-model", "Model "),
      modelInput,
      " ",
      label("evals-suite-select", "Suite "),
      suiteSelect,
      " ",
      label("evals-limit", "Questions "),
      limitInput,
    ),
    h("p", {}, startButton),
    h("p", {}, label("evals-job-id", "Or show a job "), jobIdInput, " ", loadButton),
    formError,
  );
  loadButton.addEventListener("click", () => {
    formError.textContent = "";
    if (jobIdInput.value.trim()) void watch(jobIdInput.value.trim());
  });
  return form;
}

async function start(): Promise<void> {
  const published = h("div", { "data-testid": "evals-published" });
  main.replaceChildren(
    h("h1", {}, "Evaluations"),
    h(
      "p",
      {},
      "Automatic evaluations with an LLM judge: Arena-Hard (win rate against a baseline, two games per question) and MT-Bench (grades 1–10 per turn). Published results come from the operator's runs on public models; they are compared with the human leaderboard where models overlap.",
    ),
    published,
    h("h2", {}, "Run an evaluation"),
    h(
      "p",
      { class: "muted small" },
      "With a provider key, on one of your own models (public or private). The key is kept in this tab only.",
    ),
  );
  let suites: SuiteInfo[] = [];
  try {
    suites = await getJson<SuiteInfo[]>("/api/evals");
  } catch (err) {
    published.append(h("p", { class: "error-text" }, describeError(err)));
  }
  main.append(jobForm(suites), jobBox);
  try {
    await renderPublished(published);
  } catch (err) {
    published.append(h("p", { class: "error-text" }, describeError(err)));
  }
  const job = new URLSearchParams(location.search).get("job");
  if (job) {
    jobIdInput.value = job;
    if (keyInput.value) void watch(job);
  }
  markReady();
}

void start();
