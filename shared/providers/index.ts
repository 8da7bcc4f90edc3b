// Provider registry: model.provider (the kind) → implementation.
import { anthropicProvider } from "./anthropic";
import { demoProvider } from "./demo";
import { geminiProvider } from "./gemini";
import type { ProviderKind } from "./kinds";
import { openaiProvider } from "./openai";
import type { Provider } from "./types";
import { workersAiProvider } from "./workers-ai";

const providers: Record<ProviderKind, Provider> = {
  demo: demoProvider,
  openai: openaiProvider,
  anthropic: anthropicProvider,
  gemini: geminiProvider,
  "workers-ai": workersAiProvider,
};

export function providerFor(kind: string): Provider | undefined {
  return Object.hasOwn(providers, kind) ? providers[kind as ProviderKind] : undefined;
}

export * from "./types";
export { PROVIDER_KINDS, type ProviderKind } from "./kinds";
