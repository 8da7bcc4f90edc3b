// Errors on /v1/* use OpenAI's shape (DESIGN section 4b), so OpenAI SDKs and tools surface them as usual:
// {"error": {"message", "type", "param", "code"}}. The status codes stay the arena's (section 4).
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
