// Values the Node-side global setup hands to the Workers-runtime tests (test/setup/loopback.ts).
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    loopbackUrl: string;
  }
}
