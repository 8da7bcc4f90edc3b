// Provider registry: model.provider (the kind) → implementation.
import type { ProviderKind } from "./kinds";
import { demoProvider } from "./demo";
import type { Provider } from "./types";

const providers: Record<ProviderKind, Provider> = {
  demo: demoProvider,
};

export function providerFor(kind: string): Provider | undefined {
  return (providers as Record<string, Provider>)[kind];
}

export * from "./types";
export { PROVIDER_KINDS, type ProviderKind } from "./kinds";
