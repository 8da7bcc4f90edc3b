// Runs the ratings CLI as a user does (`node scripts/ratings.mjs …`, what `npm run --silent ratings --` runs) and
// returns its exit code and both streams; shared by the CLI tests.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

export const root = path.resolve(import.meta.dirname, "../..");

export async function ratings(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["scripts/ratings.mjs", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
