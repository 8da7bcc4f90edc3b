// `npm test` provisions its own browser (issue 11, defect 3): on a fresh Debian machine with only Node, the test
// command installs Debian's chromium when it may, and otherwise stops with one line saying what to install. These
// tests play such machines with a fake apt-get and a throw-away "default" Chromium path.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureBrowser } from "../../scripts/ensure-browser.mjs";

/** A folder for PATH holding only `sh` (so no apt-get, no sudo, no chromium), plus whatever the test adds. */
function freshMachine() {
  const dir = mkdtempSync(path.join(tmpdir(), "fresh-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  symlinkSync("/bin/sh", path.join(bin, "sh"));
  return { dir, bin, chromium: path.join(dir, "usr-bin-chromium"), log: path.join(dir, "apt.log") };
}

const script = (p: string, body: string) => {
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
};

/** A fake Chromium that answers --version. */
const fakeChromium = (p: string) => script(p, 'echo "Chromium 1.0 (fake)"');

describe("browser provisioning for npm test", () => {
  it("stops with one line naming what to install when there is no Chromium and no way to install one", () => {
    const m = freshMachine();
    let error: Error | undefined;
    try {
      ensureBrowser({ env: { PATH: m.bin }, defaultPath: m.chromium, isRoot: false });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/apt-get install chromium/);
    expect(error?.message).toMatch(/CHROMIUM_PATH/);
    expect(error?.message.split("\n")).toHaveLength(1);
  });

  it("as root, installs Debian's chromium with apt-get and uses it", () => {
    const m = freshMachine();
    script(
      path.join(m.bin, "apt-get"),
      `echo "$@" >> ${m.log}\ncase "$*" in *install*chromium*) printf '#!/bin/sh\\necho Chromium 9\\n' > ${m.chromium}; chmod 755 ${m.chromium};; esac`,
    );
    // The fake apt-get needs printf/chmod/echo: give it the real tools after ours.
    const env = { PATH: `${m.bin}:/usr/bin:/bin` };
    expect(existsSync(m.chromium)).toBe(false);
    expect(ensureBrowser({ env, defaultPath: m.chromium, isRoot: true })).toBe(m.chromium);
    const calls = readFileSync(m.log, "utf8").trim().split("\n");
    expect(calls[0]).toMatch(/^update/);
    expect(calls[1]).toMatch(/^install -y .*chromium$/);
    // Once installed, nothing is installed again.
    expect(ensureBrowser({ env, defaultPath: m.chromium, isRoot: true })).toBe(m.chromium);
    expect(readFileSync(m.log, "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("says in one line when apt-get fails (no network, no such package)", () => {
    const m = freshMachine();
    script(path.join(m.bin, "apt-get"), "echo 'E: Unable to locate package chromium' >&2; exit 100");
    let error: Error | undefined;
    try {
      ensureBrowser({ env: { PATH: `${m.bin}:/usr/bin:/bin` }, defaultPath: m.chromium, isRoot: true });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^apt-get could not install chromium .*apt-get install chromium/);
    expect(error?.message.split("\n")).toHaveLength(1);
  });

  it("prefers CHROMIUM_PATH, and refuses one that does not run", () => {
    const m = freshMachine();
    const mine = path.join(m.dir, "my-chromium");
    fakeChromium(mine);
    expect(ensureBrowser({ env: { PATH: m.bin, CHROMIUM_PATH: mine }, defaultPath: m.chromium })).toBe(mine);
    expect(() =>
      ensureBrowser({ env: { PATH: m.bin, CHROMIUM_PATH: path.join(m.dir, "nope") }, defaultPath: m.chromium }),
    ).toThrow(/is not a working Chromium/);
  });
});
