// "Report this battle": the link-style button and the form it opens under the composer (POST
// /api/battles/:id/report). The duel enables the button once a battle exists and closes the form on a new round.
import { describeError, postJson } from "../api";
import { h } from "../dom";
import type { DuelMode } from "./mode";

export interface ReportWidget {
  button: HTMLButtonElement;
  form: HTMLFormElement;
  /** Hides the form and clears its status line. */
  close(): void;
}

/** `battleId` answers which battle a report is about (null before one starts). */
export function buildReport(mode: DuelMode, battleId: () => string | null): ReportWidget {
  const id = `report-reason-${mode}`;
  const button = h(
    "button",
    {
      type: "button",
      class: "link",
      "data-testid": "report",
      disabled: true,
      "aria-expanded": "false",
      onclick: () => toggle(),
    },
    "Report this battle",
  );
  const area = h("textarea", { id, rows: 2, maxlength: 2000, required: true }) as HTMLTextAreaElement;
  const status = h("span", { class: "muted", role: "status" });
  const form = h(
    "form",
    {
      class: "report-form",
      hidden: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const battle = battleId();
        if (!battle || !area.value.trim()) return;
        try {
          await postJson(`/api/battles/${battle}/report`, { reason: area.value.trim() });
          status.textContent = "Thank you. A moderator will look at this battle.";
          area.value = "";
        } catch (err) {
          status.textContent = describeError(err);
        }
      },
    },
    h("label", { for: id }, "What is wrong with this battle? (harmful content, a broken answer, …)"),
    area,
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Send report"), status),
  ) as HTMLFormElement;

  function toggle(): void {
    const open = form.hidden;
    form.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open) area.focus();
  }

  return {
    button,
    form,
    close() {
      form.hidden = true;
      button.setAttribute("aria-expanded", "false");
      status.textContent = "";
    },
  };
}
