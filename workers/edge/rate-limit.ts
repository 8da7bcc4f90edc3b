// Per-IP rate limits (DESIGN section 4) on the Workers rate-limit bindings declared in wrangler.toml.
import { createMiddleware } from "hono/factory";
import { readConfig } from "../../shared/core/config";
import { ApiError } from "../../shared/core/errors";
import { clientIp } from "./voter";
import type { AppEnv } from "./env";

type LimiterName = "RL_BATTLES" | "RL_MESSAGES" | "RL_VOTES";

/** Each binding's `simple.period` in wrangler.toml (the binding cannot report it): the Retry-After we send. */
const PERIOD_SECONDS: Record<LimiterName, number> = { RL_BATTLES: 60, RL_MESSAGES: 60, RL_VOTES: 60 };

const WHAT: Record<LimiterName, string> = {
  RL_BATTLES: "new battles",
  RL_MESSAGES: "messages",
  RL_VOTES: "votes",
};

/** Counts a POST against `limiter`, keyed by the client IP; over the limit → 429 with Retry-After. */
export const rateLimit = (limiter: LimiterName) =>
  createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method !== "POST" || !readConfig(c.env).rateLimits) return next();
    const key = clientIp(c.req.raw.headers) ?? "unknown";
    const { success } = await c.env[limiter].limit({ key });
    if (!success) {
      const period = PERIOD_SECONDS[limiter];
      throw new ApiError(
        429,
        "rate_limited",
        `Too many ${WHAT[limiter]} from your address; try again in ${period} s.`,
        {
          "retry-after": String(period),
        },
      );
    }
    return next();
  });
