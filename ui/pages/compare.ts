// `/compare`: two models the person picks, named from the start, answering side by side; the vote is stored but
// never rated (DESIGN invariant 4). Temperature and max tokens apply to both sides for the whole comparison.
import { describeError, getJson, type PublicModel } from "../lib/api";
import { h, markReady } from "../lib/dom";
import { Duel } from "../lib/duel";
import { installCopyButtons } from "../lib/markdown";
import { paramControls } from "../lib/params";
import { consentGiven } from "../lib/storage";

const main = document.getElementById("main")!;
installCopyButtons();

const pickers = (["a", "b"] as const).map((side) =>
  h("select", { id: `compare-model-${side}`, "data-testid": `model-select-${side}` }),
) as HTMLSelectElement[];
const params = paramControls("compare");
const lockHint = h("p", { class: "muted small", hidden: true }, "Start a new round to change the models or settings.");
let models: PublicModel[] = [];

const selected = () => pickers.map((p) => models.find((m) => m.id === p.value) ?? null);

const duel = new Duel({
  mode: "side-by-side",
  createBody: () => {
    const [a, b] = selected();
    if (!a || !b || a.id === b.id) return null;
    return { mode: "side-by-side", models: [a.id, b.id], consent: consentGiven(), ...params.values() };
  },
  onBattleChange: (active) => {
    for (const p of pickers) p.disabled = active;
    params.setDisabled(active);
    lockHint.hidden = !active;
  },
});

const showPicked = () => {
  const [a, b] = selected();
  duel.setNames({ a: a ?? null, b: b ?? null });
  same.hidden = !(a && b && a.id === b.id);
};
const same = h("p", { class: "banner warn", role: "status", hidden: true }, "Pick two different models.");
for (const p of pickers) p.addEventListener("change", showPicked);

main.replaceChildren(
  h(
    "div",
    { class: "page-intro" },
    h("h1", {}, "Side by side"),
    h(
      "p",
      { class: "muted" },
      "Pick two models and compare their answers. Named votes are stored but do not change the leaderboard.",
    ),
  ),
  h(
    "form",
    { class: "setup", onsubmit: (e: Event) => e.preventDefault() },
    h("label", { for: pickers[0]!.id }, "Model A", pickers[0]!),
    h("label", { for: pickers[1]!.id }, "Model B", pickers[1]!),
    params.el,
  ),
  lockHint,
  same,
  duel.el,
);

try {
  models = (await getJson<PublicModel[]>("/api/models")).filter((m) => m.modes.includes("side-by-side"));
  pickers.forEach((p, i) => {
    p.replaceChildren(...models.map((m) => h("option", { value: m.id }, `${m.name} · ${m.organization}`)));
    if (models[i]) p.value = models[i]!.id;
  });
  if (models.length < 2) {
    main.append(h("p", { class: "banner warn" }, "At least two models are needed for a comparison."));
  }
  showPicked();
} catch (err) {
  main.prepend(h("p", { class: "banner error", role: "alert" }, `Could not load the models: ${describeError(err)}`));
}
if (matchMedia("(pointer: fine)").matches) duel.focusPrompt();
markReady();
