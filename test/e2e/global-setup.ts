// Starts the arena exactly as a user does (`npm start`) on a free loopback port with a throw-away state folder, and
// stops it afterwards. Demo models run 10x faster to keep the suite short, and the per-IP limits are off (every
// request comes from 127.0.0.1; the limits have their own tests). Red Team games last 10 s instead of 60
// (REDTEAM_SECONDS), so a loss by timeout is quick to reach. Its secrets are .dev.vars.example's (a developer's
// own .dev.vars never changes a test); tests get the admin token as `arenaAdminToken`.
import type { TestProject } from "vitest/node";
import { startArena } from "../../scripts/arena-process.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    arenaUrl: string;
    arenaState: string;
    arenaAdminToken: string;
  }
}

let arena: Awaited<ReturnType<typeof startArena>> | undefined;

export async function setup(project: TestProject) {
  arena = await startArena({ vars: { DEMO_SPEEDUP: "10", RATE_LIMITS: "off", REDTEAM_SECONDS: "10" } });
  project.provide("arenaUrl", arena.url);
  project.provide("arenaState", arena.state);
  project.provide("arenaAdminToken", arena.adminToken);
}

export async function teardown() {
  await arena?.stop();
}
