// `router-<router>-<threshold>` model names (DESIGN section 12).
import { describe, expect, it } from "vitest";
import { isRouterModel, parseRouterModel } from "../../shared/routing/index";

describe("parseRouterModel", () => {
  it("parses every router and thresholds in [0, 1]", () => {
    expect(parseRouterModel("router-mf-0.5")).toEqual({ ok: true, router: "mf", threshold: 0.5 });
    expect(parseRouterModel("router-sw_ranking-0.11593")).toEqual({
      ok: true,
      router: "sw_ranking",
      threshold: 0.11593,
    });
    expect(parseRouterModel("router-random-1")).toEqual({ ok: true, router: "random", threshold: 1 });
    expect(parseRouterModel("router-p2l-0")).toEqual({ ok: true, router: "p2l", threshold: 0 });
    expect(parseRouterModel("router-category-.25")).toEqual({ ok: true, router: "category", threshold: 0.25 });
  });
  it("explains what is wrong", () => {
    const err = (m: string) => {
      const r = parseRouterModel(m);
      if (r.ok) throw new Error(`${m} parsed`);
      return r.error;
    };
    expect(err("router-bert-0.5")).toMatch(/unknown router "bert".*random, category, sw_ranking, mf, p2l/);
    expect(err("router-mf-1.5")).toMatch(/\[0, 1\]/);
    expect(err("router-mf-2e0")).toMatch(/\[0, 1\]/);
    expect(err("router-sw-ranking-0.5")).toMatch(/expected router-<router>-<threshold>/);
    expect(err("router-mf")).toMatch(/expected/);
    expect(err("router-mf--0.5")).toMatch(/expected/);
    expect(err("router-mf-abc")).toMatch(/expected/);
    expect(err("gpt-4o")).toMatch(/not a router model/);
    expect(isRouterModel("router-x")).toBe(true);
    expect(isRouterModel("gpt-4o")).toBe(false);
  });
});
