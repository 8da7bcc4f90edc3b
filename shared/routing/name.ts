// `model: "router-<router>-<threshold>"` (DESIGN section 12, RouteLLM's convention): router names use `_`, the
// threshold is a number in [0, 1]. The parser returns either the pair or the message for the OpenAI-shaped 400.
import { isRouterName, ROUTER_NAMES, type RouterName } from "./routers";

export type ParsedRouterModel = { ok: true; router: RouterName; threshold: number } | { ok: false; error: string };

const SHAPE = /^router-([a-z0-9_]+)-([0-9]*\.?[0-9]+(?:e-?[0-9]+)?)$/i;

/** True for any model name that claims to be a router (so the caller answers 400 rather than "unknown model"). */
export const isRouterModel = (model: string): boolean => model.startsWith("router-");

export function parseRouterModel(model: string): ParsedRouterModel {
  const m = SHAPE.exec(model);
  if (!m) {
    return {
      ok: false,
      error: `"${model}" is not a router model: expected router-<router>-<threshold>, e.g. router-mf-0.5`,
    };
  }
  const [, router, t] = m as unknown as [string, string, string];
  if (!isRouterName(router)) {
    return { ok: false, error: `unknown router "${router}" in "${model}" (one of ${ROUTER_NAMES.join(", ")})` };
  }
  const threshold = Number(t);
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    return { ok: false, error: `router threshold must be a number in [0, 1] (got "${t}" in "${model}")` };
  }
  return { ok: true, router, threshold };
}
