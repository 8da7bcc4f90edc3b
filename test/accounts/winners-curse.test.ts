// The winner's curse in the transparency report (DESIGN section 14): a released model picked from k ≥ 2 privately
// tested variants of its line gets an inflation estimate; a line of one, a variant without private results and a
// model never tested privately get none; the variants' own estimates are not published.
import { describe, expect, it } from "vitest";
import type { ModelRecord } from "../../shared/models";
import { winnersCurses, type PrivateEstimate } from "../../shared/accounts/winners-curse";

const DAY = 86_400_000;
const model = (id: string, extra: Partial<ModelRecord>): ModelRecord => ({
  id,
  name: id,
  organization: "Lab",
  license: "proprietary",
  aliases: [],
  provider: "demo",
  baseUrl: null,
  upstreamModel: "terse",
  apiKeySecret: null,
  samplingWeight: 1,
  visibility: "private",
  codename: `cn-${id}`,
  status: "testing",
  modes: ["battle"],
  params: {},
  createdAt: 0,
  updatedAt: 0,
  ownerId: "p1",
  family: "line-a",
  testingStartedAt: DAY,
  ...extra,
});

describe("winnersCurses", () => {
  const released = model("a-final", { visibility: "public", status: "active", releasedAt: 30 * DAY });
  const variants = Array.from({ length: 8 }, (_, i) => model(`a-${i}`, {}));
  const estimates = new Map<string, PrivateEstimate>([
    ["a-final", { rating: 1120, ci: [1095, 1145] }],
    ...variants.map((v, i): [string, PrivateEstimate] => [
      v.id,
      { rating: 1080 + i * 4, ci: [1055 + i * 4, 1105 + i * 4] },
    ]),
  ]);

  it("estimates the best-of-k inflation for a released model of a tested line", () => {
    const [entry, ...rest] = winnersCurses([released, ...variants], estimates);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ model: "a-final", family: "line-a", k: 9, releasedWasBest: true });
    expect(entry!.inflation).toBeGreaterThan(0);
    expect(entry!.inflation).toBeLessThan(40);
    expect(entry!.se).toBeGreaterThan(0);
    expect(JSON.stringify(entry)).not.toContain("1080"); // no variant's private estimate
    // Deterministic (seeded by the model).
    expect(winnersCurses([released, ...variants], estimates)).toEqual([entry]);
  });

  it("says nothing for a line of one, models without results or never tested privately", () => {
    const alone = model("b-final", { family: "line-b", visibility: "public", releasedAt: 5 * DAY });
    const untested = model("c", { family: "line-a", testingStartedAt: null, visibility: "public", releasedAt: DAY });
    const noResults = new Map(estimates);
    noResults.set("b-final", { rating: 1000, ci: [990, 1010] });
    expect(winnersCurses([alone, untested], noResults)).toEqual([]);
    expect(winnersCurses([released, variants[0]!], new Map([["a-final", estimates.get("a-final")!]]))).toEqual([]);
  });
});
