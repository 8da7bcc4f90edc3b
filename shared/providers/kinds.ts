// Provider kinds the registry accepts. Only kinds with an implementation in shared/providers/index.ts are
// listed; the OpenAI-compatible, Anthropic, Gemini and Workers AI kinds join this list with their adapters.
export const PROVIDER_KINDS = ["demo"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
