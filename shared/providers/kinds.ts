// Provider kinds the registry accepts (DESIGN section 5), and the styles of the offline `demo` kind: plain data, so
// the registry (shared/models) can validate a model without importing the adapters. Every kind listed here has an
// implementation in shared/providers/index.ts.
export const PROVIDER_KINDS = ["demo", "openai", "anthropic", "gemini", "workers-ai"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** The `demo` kind's battle styles: answers in clearly different styles, varying with each regenerate. */
export const ARENA_DEMO_STYLES = ["terse", "verbose", "markdown", "lists", "code"] as const;
/** Breakable Red Team opponents (./demo-redteam.ts): deterministic refusals or give-ins, served in `redteam` only. */
export const REDTEAM_DEMO_STYLES = ["pushover", "actor", "fortress"] as const;

/** The `demo` kind's answer styles: a demo model's `upstreamModel` (shared/providers/demo.ts). */
export const DEMO_STYLES = [...ARENA_DEMO_STYLES, ...REDTEAM_DEMO_STYLES] as const;
export type DemoStyle = (typeof DEMO_STYLES)[number];
