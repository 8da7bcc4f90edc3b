// Provider kinds the registry accepts (DESIGN section 5). Every kind listed here has an implementation in
// shared/providers/index.ts.
export const PROVIDER_KINDS = ["demo", "openai", "anthropic", "gemini", "workers-ai"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
