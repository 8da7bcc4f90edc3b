// Errors on /v1/* use OpenAI's shape (DESIGN section 4b), so OpenAI SDKs and tools surface them as usual:
// {"error": {"message", "type", "param", "code"}}. The status codes stay the arena's (section 4).
import { z } from "@hono/zod-openapi";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Requests under /v1/ answer errors in OpenAI's shape. */
export const usesOpenAIErrors = (path: string) => path === "/v1" || path.startsWith("/v1/");

export function openAIErrorType(status: number): string {
  if (status === 403) return "permission_error";
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

export function openAIError(
  status: number,
  code: string,
  message: string,
  param: string | null = null,
): OpenAIErrorBody {
  return { error: { message, type: openAIErrorType(status), param, code } };
}

export const OpenAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string().openapi({ example: "invalid_request_error" }),
      param: z.string().nullable(),
      code: z.string().nullable().openapi({ example: "invalid_api_key" }),
    }),
  })
  .openapi("OpenAIError");

const oaiError = (description: string) => ({
  description,
  content: { "application/json": { schema: OpenAIErrorSchema } },
});

/** Error responses of /v1 routes for the OpenAPI document, in OpenAI's shape. */
export const openAIErrors = {
  400: oaiError("Malformed JSON (`bad_json`)"),
  401: oaiError("Missing, malformed, unknown or revoked provider key (`missing_api_key`, `invalid_api_key`)"),
  404: oaiError("Unknown id, or another provider's model (`model_not_found`)"),
  409: oaiError("State conflict (`model_exists`, `codename_taken`, `invalid_transition`)"),
  422: oaiError("Schema violation (`invalid_request`)"),
  429: oaiError("Per-key rate limit (`rate_limit_exceeded`), with Retry-After in seconds"),
  502: oaiError("The model failed to respond (`upstream_error`)"),
  503: oaiError("Temporarily unavailable (`model_unavailable` with Retry-After, `not_configured`)"),
} as const;
