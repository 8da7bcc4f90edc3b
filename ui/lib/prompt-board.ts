// The leaderboard page's "for my prompt" box (Prompt-to-Leaderboard, DESIGN section 12): type a prompt, get the
// board of GET /api/leaderboard/prompt — the logged battles weighted by how similar their prompt is to yours — with
// its intervals. Text only (textContent), like every table of the page.
import type { PromptBoard } from "../../shared/routing/prompt-board";
import { ApiError, describeError, getJson } from "./api";
import { h } from "./dom";

interface PromptBoardResponse {
  schema: "arena-leaderboard/v1";
  snapshot: string;
  generatedAt: string;
  data: { battles: number };
  categories: { prompt: PromptBoard };
}

const fmt = (x: number) => x.toFixed(1);

export function promptBoardSection(nameOf: (id: string) => string): HTMLElement {
  const input = h("textarea", {
    id: "lb-prompt",
    "data-testid": "lb-prompt-input",
    rows: 2,
    maxlength: 4000,
    placeholder: "e.g. Write a SQL query that finds duplicate rows",
  }) as HTMLTextAreaElement;
  const submit = h("button", { type: "submit", class: "primary", "data-testid": "lb-prompt-submit" }, "Rank for it");
  const status = h("p", { class: "muted small", role: "status", "data-testid": "lb-prompt-status" });
  const result = h("div", { class: "table-wrap", "data-testid": "lb-prompt-result" });

  const render = (r: PromptBoardResponse) => {
    const b = r.categories.prompt;
    status.textContent =
      `${b.models.length} models, from about ${Math.round(b.battles).toLocaleString("en")} similar battles ` +
      `(weighted by similarity) of ${r.data.battles.toLocaleString("en")} logged; 95% bootstrap intervals.`;
    result.replaceChildren(
      h(
        "table",
        { class: "lb-table", "data-testid": "lb-prompt-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["Rank", "Model", "Score", "95% CI", "Similar votes", "Win rate"].map((t) =>
              h("th", { scope: "col" }, t),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          ...b.models.map((m) =>
            h(
              "tr",
              { "data-testid": "lb-prompt-row", "data-model": m.model },
              h("td", {}, String(m.rank)),
              h("td", {}, nameOf(m.model)),
              h("td", { class: "num" }, fmt(m.rating)),
              h("td", { class: "num" }, `${fmt(m.ci[0])} – ${fmt(m.ci[1])}`),
              h("td", { class: "num" }, fmt(m.votes)),
              h("td", { class: "num" }, `${Math.round(m.winRate * 100)}%`),
            ),
          ),
        ),
      ),
    );
  };

  const form = h(
    "form",
    {
      class: "lb-prompt-form",
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const q = input.value.trim();
        if (!q) {
          status.textContent = "Type a prompt first.";
          return;
        }
        submit.disabled = true;
        status.textContent = "Ranking…";
        try {
          render(await getJson<PromptBoardResponse>(`/api/leaderboard/prompt?q=${encodeURIComponent(q)}`));
        } catch (err) {
          result.replaceChildren();
          status.textContent =
            err instanceof ApiError && err.status === 503
              ? "Not enough battles with released prompts yet: vote on a few, then try again in a minute."
              : `Could not rank for this prompt: ${describeError(err)}`;
        } finally {
          submit.disabled = false;
        }
      },
    },
    h("label", { for: input.id }, "Your prompt", input),
    submit,
  );

  return h(
    "section",
    { class: "lb-prompt", "aria-labelledby": "lb-prompt-title", "data-testid": "lb-prompt" },
    h("h2", { id: "lb-prompt-title" }, "For my prompt"),
    h(
      "p",
      { class: "muted small" },
      "Which model is best depends on the prompt. This board reweights the logged battles by how similar their prompt " +
        "is to yours (Prompt-to-Leaderboard) and fits the same Bradley–Terry model.",
    ),
    form,
    status,
    result,
  );
}
