// The layering rules (.dependency-cruiser.cjs) are checked on this repository by `npm run deps:check`, a step of
// `npm test`. This proves they bite: a throw-away tree that breaks each rule once is refused with that rule's name.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const depcruise = path.join(root, "node_modules/.bin/depcruise");
const config = path.join(root, ".dependency-cruiser.cjs");

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "layers-"));
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { moduleResolution: "bundler" } }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe("dependency rules", () => {
  it("refuse each kind of violation by name", () => {
    const dir = tree({
      "shared/pure.ts": 'import { rows } from "../d1/rows";\nexport const pure = rows;\n',
      "d1/rows.ts": 'import type { Msg } from "../queues/msg";\nexport const rows: Msg[] = [];\n',
      "queues/msg.ts": "export type Msg = { id: string };\n",
      "shared/a.ts": 'import { b } from "./b";\nexport const a = () => b;\n',
      "shared/b.ts": 'import { a } from "./a";\nexport const b = () => a;\n',
      "workers/edge/index.ts": 'import { app } from "./app";\nexport default app;\n',
      "workers/edge/app.ts":
        'import { one } from "./routes/one";\nexport const app = one;\nexport const VERSION = "1";\n',
      "workers/edge/routes/one.ts":
        'import { VERSION } from "../app";\nimport { two } from "./two";\nexport const one = [VERSION, two];\n',
      "workers/edge/routes/two.ts": "export const two = 2;\n",
      "workers/cron/index.ts": 'import { write } from "../batch/write";\nexport default write;\n',
      "workers/batch/write.ts": "export const write = 1;\n",
      "ui/page.ts": 'import { rows } from "../d1/rows";\nexport const page = rows;\n',
    });
    const run = spawnSync(
      depcruise,
      ["shared", "d1", "queues", "workers", "ui", "--config", config, "--output-type", "err"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(run.status).not.toBe(0);
    for (const rule of [
      "shared-is-the-bottom",
      "d1-below-queues",
      "no-cycles",
      "only-the-entry-imports-the-app",
      "routes-do-not-import-routes",
      "handlers-do-not-import-handlers",
      "ui-is-a-client",
    ]) {
      expect(run.stdout, rule).toContain(`error ${rule}:`);
    }
  });
});
