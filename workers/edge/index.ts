import { createApp } from "./app";

/** The edge HTTP handler. Static UI files never reach it (assets binding); see wrangler.toml run_worker_first. */
export const edge = createApp();
