// `/about`: the page is static HTML except its "Providers and private testing" section, rendered here from the
// public transparency report (GET /api/transparency, docs/provider-transparency.md; issue 7). The policy text takes
// its numbers from the report's `policy` block. Everything from the report is inserted as text nodes (h()), never
// as HTML.
import { describeError, getJson } from "../lib/api";
import { h, markReady } from "../lib/dom";

/** The report's shape (zod schema `TransparencyReport` in shared/accounts/transparency.ts, schema arena-transparency/v1). */
export interface TransparencyReport {
  schema: "arena-transparency/v1";
  generatedAt: string;
  policy: {
    embargoDays: number;
    provisional: { maxParallel: number; minPostReleaseVotes: number; lookbackDays: number };
  };
  totals: { anonymousBattles: number; anonymousBattlesLast30Days: number; privateVariants: number; inTesting: number };
  providers: {
    name: string;
    kind: "account" | "operator";
    models: { public: number; private: number; deprecated: number };
    privateVariants: {
      total: number;
      inTesting: number;
      maxParallel: number;
      variants: {
        codename: string;
        name: string | null;
        model: string | null;
        status: "testing" | "paused" | "released" | "retired";
        testingStartedAt: string;
        testingEndedAt: string | null;
        disclosed: "released" | "line_released" | "embargo" | null;
      }[];
    };
    battles: { total: number; share: number; last30Days: number; shareLast30Days: number };
    sampling: { share: number; models: { model: string; weight: number; appearance: number }[] };
  }[];
  deprecations: { model: string; provider: string; deprecatedAt: string; reason: string | null }[];
  models: {
    model: string;
    provider: string;
    releasedAt: string | null;
    postReleaseVotes: number;
    parallelPrivateVariants: number;
    provisional: boolean;
  }[];
  /** DESIGN section 14: released models chosen as the best of k private variants, with the estimated inflation. */
  winnersCurse?: {
    model: string;
    family: string;
    k: number;
    inflation: number;
    se: number | null;
    releasedWasBest: boolean;
    method: string;
  }[];
  /** How anonymous battles pick their pair, with the current weights of the public pairs. */
  samplingPolicy?: {
    policy: "weighted" | "active";
    floor: number;
    snapshot: string | null;
    pairs: { a: string; b: string; probability: number }[];
    privatePairsShare: number;
  };
}

const root = document.querySelector<HTMLElement>('[data-testid="transparency"]');

const int = (n: number) => n.toLocaleString("en");
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** A UTC calendar date in a <time> element (the report's timestamps are ISO 8601). */
const day = (iso: string) => h("time", { datetime: iso, title: iso }, iso.slice(0, 10));

const DISCLOSED: Record<string, string> = {
  released: "released",
  line_released: "a model of its line was released",
  embargo: "embargo ended",
};

/** A table with a caption (for screen readers; the h3 above says it visually), column headers and a horizontal scroll container for narrow screens. */
function table(
  testid: string,
  caption: string,
  columns: { label: string; num?: boolean; title?: string }[],
  rows: HTMLTableRowElement[],
): HTMLElement {
  return h(
    "div",
    { class: "table-scroll" },
    h(
      "table",
      { class: "report-table", "data-testid": testid },
      h("caption", { class: "sr-only" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          columns.map((c) => h("th", { scope: "col", class: c.num ? "num" : null, title: c.title ?? null }, c.label)),
        ),
      ),
      h("tbody", {}, rows),
    ),
  );
}

const cell = (content: Node | string, num = false) => h("td", { class: num ? "num" : null }, content);
const rowHead = (content: Node | string) => h("th", { scope: "row" }, content);
const code = (text: string) => h("code", {}, text);

function policyText(report: TransparencyReport): HTMLElement {
  const { embargoDays, provisional } = report.policy;
  return h(
    "p",
    { "data-testid": "transparency-policy" },
    "Model providers can test unreleased models here under codenames. These private variants take part in " +
      "anonymous battles like any other model (never two of them in the same battle), but their votes count only in " +
      "the provider's private results, never on the public leaderboard, until the model is released. To keep that " +
      "honest we publish, for every provider: how many private variants it tested and when, the real names of those " +
      `variants once the provider releases a model of the same line (or ${int(embargoDays)} days after testing ` +
      "began, whichever comes first), its share of all battles, the current chance that a battle includes one of its " +
      "models, and every model retired with the reason given. A newly released model is marked ",
    h("strong", {}, "provisional"),
    ` while its provider ran more than ${int(provisional.maxParallel)} private variants at the same time around ` +
      `its testing and release (looking back ${int(provisional.lookbackDays)} days), until the model has ` +
      `${int(provisional.minPostReleaseVotes)} votes after its release. Providers see only their own private results.`,
  );
}

function totals(report: TransparencyReport): HTMLElement {
  const t = report.totals;
  const item = (label: string, value: number) => [h("dt", {}, label), h("dd", {}, int(value))];
  return h(
    "dl",
    { class: "report-totals", "data-testid": "transparency-totals" },
    item("Anonymous battles", t.anonymousBattles),
    item("in the last 30 days", t.anonymousBattlesLast30Days),
    item("Private variants tested", t.privateVariants),
    item("in testing now", t.inTesting),
  );
}

function providersTable(report: TransparencyReport): HTMLElement {
  const rows = report.providers.map((p) =>
    h(
      "tr",
      { "data-testid": "provider-row", "data-provider": p.name },
      rowHead(
        p.kind === "operator" ? h("span", {}, p.name, h("span", { class: "muted small" }, " (operator)")) : p.name,
      ),
      cell(`${int(p.models.public)} / ${int(p.models.private)} / ${int(p.models.deprecated)}`, true),
      cell(int(p.privateVariants.total), true),
      cell(int(p.privateVariants.inTesting), true),
      cell(int(p.privateVariants.maxParallel), true),
      cell(`${int(p.battles.total)} (${pct(p.battles.share)})`, true),
      cell(`${int(p.battles.last30Days)} (${pct(p.battles.shareLast30Days)})`, true),
      cell(pct(p.sampling.share), true),
    ),
  );
  return table(
    "transparency-providers",
    "Providers",
    [
      { label: "Provider" },
      { label: "Models", num: true, title: "Public / private / deprecated" },
      { label: "Private variants", num: true, title: "Every model of the provider that was ever private" },
      { label: "In testing", num: true },
      { label: "Max. parallel", num: true, title: "The most variants it had in testing at one instant, ever" },
      { label: "Battles", num: true, title: "Anonymous battles with one of its models, all time (share of all)" },
      { label: "Last 30 days", num: true, title: "Anonymous battles in the last 30 days (share of all)" },
      {
        label: "Sampling",
        num: true,
        title: "The probability that the next anonymous battle includes one of its models",
      },
    ],
    rows,
  );
}

function variantsTable(report: TransparencyReport): HTMLElement {
  const rows = report.providers.flatMap((p) =>
    p.privateVariants.variants.map((v) =>
      h(
        "tr",
        { "data-testid": "variant-row", "data-codename": v.codename },
        cell(p.name),
        rowHead(code(v.codename)),
        cell(
          v.name !== null || v.model !== null
            ? h(
                "span",
                {},
                v.name ?? "",
                v.model ? [" ", code(v.model)] : null,
                v.disclosed ? h("span", { class: "muted small" }, ` (${DISCLOSED[v.disclosed] ?? v.disclosed})`) : null,
              )
            : h("span", { class: "muted" }, "undisclosed"),
        ),
        cell(v.status),
        cell(
          h(
            "span",
            {},
            day(v.testingStartedAt),
            " – ",
            v.testingEndedAt ? day(v.testingEndedAt) : h("span", { class: "muted" }, "ongoing"),
          ),
        ),
      ),
    ),
  );
  if (!rows.length)
    return h("p", { class: "muted", "data-testid": "transparency-variants" }, "No private variants yet.");
  return table(
    "transparency-variants",
    "Private variants",
    [
      { label: "Provider" },
      { label: "Codename" },
      { label: "Disclosed as" },
      { label: "Status" },
      { label: "Test period" },
    ],
    rows,
  );
}

function samplingTable(report: TransparencyReport): HTMLElement {
  const rows = report.providers.flatMap((p) =>
    p.sampling.models.map((m) =>
      h(
        "tr",
        { "data-testid": "sampling-row" },
        cell(p.name),
        rowHead(code(m.model)),
        cell(String(m.weight), true),
        cell(pct(m.appearance), true),
      ),
    ),
  );
  if (!rows.length) return h("p", { class: "muted" }, "No model can be drawn into a battle right now.");
  return table(
    "transparency-sampling",
    "Current sampling",
    [
      { label: "Provider" },
      { label: "Model" },
      { label: "Weight", num: true },
      { label: "Appearance", num: true, title: "The probability that the next anonymous battle includes it" },
    ],
    rows,
  );
}

/** Ten pairs are plenty on the page; the JSON lists them all. */
const POLICY_PAIRS = 10;

function samplingPolicy(report: TransparencyReport): HTMLElement {
  const sp = report.samplingPolicy;
  if (!sp)
    return h("p", { class: "muted", "data-testid": "transparency-sampling-policy" }, "No sampling policy is reported.");
  const rule =
    sp.policy === "active"
      ? `Active sampling: pairs whose rating difference is most uncertain are shown more often (the Chatbot Arena ` +
        `paper's rule), with a floor of ${pct(sp.floor)} of the probability spread evenly over every allowed pair` +
        (sp.snapshot ? `; the weights come from snapshot ${sp.snapshot}.` : ".")
      : "Weighted sampling: each model's pair probability follows the operator's per-model weights.";
  const shown = sp.pairs.slice(0, POLICY_PAIRS);
  return h(
    "div",
    { "data-testid": "transparency-sampling-policy", "data-policy": sp.policy },
    h(
      "p",
      {},
      h("strong", {}, `Policy: ${sp.policy}. `),
      rule,
      ` Battles with a private model: ${pct(sp.privatePairsShare)} of the probability (those pairs are not listed).`,
    ),
    shown.length
      ? table(
          "transparency-pairs",
          "Most likely public pairs",
          [{ label: "Model A" }, { label: "Model B" }, { label: "Probability", num: true }],
          shown.map((p) =>
            h(
              "tr",
              { "data-testid": "policy-pair-row" },
              rowHead(code(p.a)),
              cell(code(p.b)),
              cell(pct(p.probability), true),
            ),
          ),
        )
      : h("p", { class: "muted" }, "No public pair can be drawn right now."),
    sp.pairs.length > shown.length
      ? h(
          "p",
          { class: "muted small" },
          `The ${int(shown.length)} most likely of ${int(sp.pairs.length)} pairs; all of them are in the JSON.`,
        )
      : null,
  );
}

function winnersCurseTable(report: TransparencyReport): HTMLElement {
  const list = report.winnersCurse ?? [];
  if (!list.length)
    return h(
      "p",
      { class: "muted", "data-testid": "transparency-winners-curse" },
      "No released model was chosen from two or more private variants with private results.",
    );
  return h(
    "div",
    { "data-testid": "transparency-winners-curse" },
    table(
      "transparency-winners-curse-table",
      "Winner's curse estimates",
      [
        { label: "Model" },
        { label: "Line" },
        { label: "Variants (k)", num: true },
        { label: "Inflation", num: true, title: "Estimated points the best-of-k choice added to its rating" },
        { label: "Released the best?", title: "The released variant had the best private estimate" },
      ],
      list.map((w) =>
        h(
          "tr",
          { "data-testid": "winners-curse-row", "data-model": w.model },
          rowHead(code(w.model)),
          cell(w.family),
          cell(int(w.k), true),
          cell(`${w.inflation.toFixed(1)}${w.se !== null ? ` ± ${w.se.toFixed(1)}` : ""}`, true),
          cell(w.releasedWasBest ? "yes" : "no"),
        ),
      ),
    ),
  );
}

function deprecationsTable(report: TransparencyReport): HTMLElement {
  if (!report.deprecations.length) return h("p", { class: "muted" }, "No model has been deprecated.");
  return table(
    "transparency-deprecations",
    "Deprecation log, newest first",
    [{ label: "Model" }, { label: "Provider" }, { label: "Deprecated" }, { label: "Reason" }],
    report.deprecations.map((d) =>
      h(
        "tr",
        { "data-testid": "deprecation-row" },
        rowHead(code(d.model)),
        cell(d.provider),
        cell(day(d.deprecatedAt)),
        cell(d.reason ?? h("span", { class: "muted" }, "no reason given")),
      ),
    ),
  );
}

function modelsTable(report: TransparencyReport): HTMLElement {
  if (!report.models.length) return h("p", { class: "muted" }, "No public models yet.");
  return table(
    "transparency-models",
    "Public models and the inputs of the provisional rule",
    [
      { label: "Model" },
      { label: "Provider" },
      { label: "Released" },
      { label: "Post-release votes", num: true },
      { label: "Parallel private variants", num: true },
      { label: "Provisional" },
    ],
    report.models.map((m) =>
      h(
        "tr",
        { "data-testid": "provisional-row" },
        rowHead(code(m.model)),
        cell(m.provider),
        cell(m.releasedAt ? day(m.releasedAt) : "—"),
        cell(int(m.postReleaseVotes), true),
        cell(int(m.parallelPrivateVariants), true),
        cell(m.provisional ? "yes" : "no"),
      ),
    ),
  );
}

function render(report: TransparencyReport): void {
  const { maxParallel, minPostReleaseVotes, lookbackDays } = report.policy.provisional;
  root!.replaceChildren(
    policyText(report),
    h(
      "p",
      { class: "muted small" },
      "Live report generated ",
      day(report.generatedAt),
      " at ",
      report.generatedAt.slice(11, 16),
      " UTC; the same data as JSON: ",
      h("a", { href: "/api/transparency" }, "/api/transparency"),
      ".",
    ),
    totals(report),
    h("h3", {}, "Per provider"),
    h(
      "p",
      { class: "muted small" },
      "Models: public / private / deprecated. Battles: recorded anonymous battles with one of its models (excluded " +
        "ones too: voters saw them), with their share of all anonymous battles. Sampling: the chance that the next " +
        "anonymous battle includes one of its models, from the current weights.",
    ),
    providersTable(report),
    h("h3", {}, "Private variants and test periods"),
    variantsTable(report),
    h("h3", {}, "Current sampling"),
    h(
      "p",
      { class: "muted small" },
      "Every model that can be drawn now (by codename while undisclosed), its sampling weight and the chance that " +
        "the next anonymous battle includes it.",
    ),
    samplingTable(report),
    h("h3", {}, "Sampling policy"),
    samplingPolicy(report),
    h("h3", {}, "Winner's curse"),
    h(
      "p",
      { class: "muted small" },
      "Released models whose provider tested k ≥ 2 private variants of the line: how many points choosing the best " +
        "of k probably added to the published rating (",
      h("a", { href: "#v2-curse" }, "how"),
      "). The variants' own results stay private.",
    ),
    winnersCurseTable(report),
    h("h3", {}, "Deprecation log"),
    deprecationsTable(report),
    h("h3", {}, "Provisional marks"),
    h(
      "p",
      { class: "muted small" },
      `A public model is provisional while its provider had more than ${int(maxParallel)} private variants in ` +
        `testing at once (from ${int(lookbackDays)} days before the model entered testing until its release) and ` +
        `it has fewer than ${int(minPostReleaseVotes)} votes since its release.`,
    ),
    modelsTable(report),
  );
}

function renderError(err: unknown): void {
  const retry = h("button", { type: "button", onclick: () => void load() }, "Try again");
  root!.replaceChildren(
    h(
      "p",
      {},
      "Model providers can test unreleased models here under codenames. Their votes count only in the provider's " +
        "private results until the model is released, and we publish what every provider tested, its share of " +
        "battles, the current sampling weights and the deprecation log.",
    ),
    h(
      "div",
      { class: "banner warn", role: "status", "data-testid": "transparency-error" },
      h("p", {}, "The transparency report could not be loaded right now. ", describeError(err)),
      h("p", {}, retry, " or read it as JSON at ", h("a", { href: "/api/transparency" }, "/api/transparency"), "."),
    ),
  );
}

async function load(): Promise<void> {
  if (!root) return;
  root.setAttribute("aria-busy", "true");
  try {
    render(await getJson<TransparencyReport>("/api/transparency"));
  } catch (err) {
    renderError(err);
  } finally {
    root.setAttribute("aria-busy", "false");
    markReady();
  }
}

void load();
