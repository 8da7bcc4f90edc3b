// Cloudflare Turnstile verification (DESIGN section 9) of the `turnstileToken` sent with battle creation and votes.
// Active only when the secret TURNSTILE_SECRET_KEY is set; the siteverify URL is the var TURNSTILE_VERIFY_URL (tests
// point it at a fake on loopback). A missing or rejected token is 403; if siteverify cannot be reached the request is
// refused with 503 (fail closed: an outage must not turn the check off for bots).
import { readConfig } from "../../shared/core/config";
import { ApiError } from "../../shared/core/errors";
import { errorText, log } from "../../shared/core/log";

const TIMEOUT_MS = 5_000;

interface SiteverifyResponse {
  success?: boolean;
  "error-codes"?: string[];
}

/** The configured secret, or null when Turnstile is off. Optional, so it is not part of the generated Env. */
export function turnstileSecret(env: Env): string | null {
  const secret = (env as unknown as { TURNSTILE_SECRET_KEY?: unknown }).TURNSTILE_SECRET_KEY;
  return typeof secret === "string" && secret.length > 0 ? secret : null;
}

/** Throws the API error to answer with when the token does not pass; returns when it does (or Turnstile is off). */
export async function verifyTurnstile(env: Env, token: string | undefined, ip: string | null): Promise<void> {
  const secret = turnstileSecret(env);
  if (!secret) return;
  if (!token) throw new ApiError(403, "turnstile_required", "Complete the human check (turnstileToken) first.");
  let result: SiteverifyResponse;
  try {
    const res = await fetch(readConfig(env).turnstileVerifyUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        secret,
        response: token,
        ...(ip ? { remoteip: ip } : {}),
        idempotency_key: crypto.randomUUID(),
      }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
    result = (await res.json()) as SiteverifyResponse;
  } catch (err) {
    log.error("turnstile.unavailable", { err: errorText(err) });
    throw new ApiError(503, "turnstile_unavailable", "The human check could not be verified; try again shortly.", {
      "retry-after": "5",
    });
  }
  if (result.success !== true) {
    throw new ApiError(403, "turnstile_failed", "The human check failed or expired; complete it again.");
  }
}
