// The first-visit notice: the rules and the data terms, with the consent choice that is sent as `consent` when a
// battle is created (DESIGN section 4). It sits above the arena and never blocks it: the page works while it
// is open, and it can be reopened from the "Data sharing" link.
import { h } from "./dom";
import { consentGiven, dismissNotice, noticeDismissed, setConsent } from "./storage";

export function createNotice(): { el: HTMLElement; summary: HTMLElement } {
  const checkbox = h("input", { type: "checkbox", id: "consent", "data-testid": "consent" }) as HTMLInputElement;
  checkbox.checked = consentGiven();
  const summaryText = h("span", {});
  const reopen = h("button", { type: "button", class: "link" }, "change");
  const summary = h("p", { class: "data-summary muted small" }, summaryText, " · ", reopen);
  const updateSummary = () => {
    summaryText.textContent = checkbox.checked
      ? "Data sharing: on (your conversations may be published for research)"
      : "Data sharing: off";
  };
  checkbox.addEventListener("change", () => {
    setConsent(checkbox.checked);
    updateSummary();
  });
  const close = h(
    "button",
    {
      type: "button",
      class: "primary",
      "data-testid": "notice-dismiss",
      onclick: () => {
        dismissNotice();
        el.hidden = true;
        summary.hidden = false;
      },
    },
    "Got it",
  );
  const el = h(
    "aside",
    { class: "notice", "data-testid": "notice", "aria-labelledby": "notice-title" },
    h("h2", { id: "notice-title" }, "How the arena works"),
    h(
      "ul",
      {},
      h("li", {}, "Ask anything. Two anonymous models answer side by side; vote for the better answer."),
      h(
        "li",
        {},
        "The models' names are revealed only after your vote. Asking a model who it is makes the vote not count.",
      ),
      h(
        "li",
        {},
        "Do not share personal or sensitive information. Votes are anonymous: we store a salted hash of your IP address, never the address itself.",
      ),
      h(
        "li",
        {},
        "Votes feed the public leaderboard, whose battle data is published under CC-BY-4.0. See ",
        h("a", { href: "/about#data" }, "data and policy"),
        ".",
      ),
    ),
    h(
      "p",
      { class: "consent" },
      checkbox,
      h(
        "label",
        { for: "consent" },
        " Allow my conversations to be published in the open research dataset (CC-BY-4.0, with personal data scrubbed).",
      ),
    ),
    h("div", { class: "actions" }, close),
  );
  reopen.addEventListener("click", () => {
    el.hidden = false;
    summary.hidden = true;
    checkbox.focus();
  });
  updateSummary();
  const dismissed = noticeDismissed();
  el.hidden = dismissed;
  summary.hidden = !dismissed;
  return { el, summary };
}
