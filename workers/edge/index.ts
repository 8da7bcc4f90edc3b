import { createApp } from "./app";

/** The edge HTTP handler: every request reaches it first; pages and UI files are handed to the assets binding. */
export const edge = createApp();
