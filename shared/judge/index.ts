// Public surface of the LLM-judge foundation (DESIGN section 13), minus the suites' data (import "./suites" for
// loadSuite: it bundles the question files).
export * from "./prompts";
export * from "./types";
export * from "./verdict";
