import { defineConfig } from "drizzle-kit";

// drizzle-kit only generates SQL here; wrangler applies it (locally, in tests and remotely).
export default defineConfig({ dialect: "sqlite", schema: "./d1/schema.ts", out: "./d1/migrations" });
