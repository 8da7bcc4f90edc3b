// Routing (DESIGN section 12): embeddings, routers, artifacts, calibration, the router-model name and the benchmark.
export * from "./battles";
export * from "./bench";
export * from "./embedding";
export * from "./mf";
export * from "./name";
export * from "./routers";
export * from "./rows";
export * from "./similarity";
