// Provider kinds the registry accepts (DESIGN section 5), and the styles of the offline `demo` kind: plain data, so
// the registry (shared/models) can validate a model without importing the adapters. Every kind listed here has an
// implementation in shared/providers/index.ts.
export const PROVIDER_KINDS = ["demo", "openai", "anthropic", "gemini", "workers-ai"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The `demo` kind's answer styles: a demo model's `upstreamModel` (shared/providers/demo.ts). */
export const DEMO_STYLES = [
  "terse",
  "verbose",
  "markdown",
  "lists",
  "code",
  // Breakable Red Team models (./demo-redteam.ts): served in the `redteam` mode only.
  "pushover",
  "actor",
  "fortress",
] as const;
export type DemoStyle = (typeof DEMO_STYLES)[number];
