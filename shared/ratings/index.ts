// Public surface of the ratings engine core (pure TypeScript; Workers, Node and tests).
export * from "./adjusted";
export * from "./aggregate";
export * from "./board";
export * from "./bootstrap";
export * from "./change";
export {
  DEFAULT_RIDGE,
  MIN_COMPONENT_MODELS,
  POINTS_PER_LOGIT,
  RATING_BASE,
  RATING_CENTRE,
  RATING_SCALE,
  fitBT,
  identifiability,
  makeFitWork,
  objective,
  scoreEquations,
} from "./bt";
export type { FitOptions, FitResult, FitWork, Identifiability } from "./bt";
export * from "./elo";
export * from "./multinomial";
export * from "./pairs";
export * from "./pairwise";
export * from "./redteam";
export { createRedteamParser, parseRedteamJsonl, redteamRow, type RedteamParseResult } from "./redteam-parse";
export * from "./rng";
export * from "./scale";
export * from "./sandwich";
export { choleskySolve, normalCdf, normalQuantile, spdInverse } from "./linalg";
