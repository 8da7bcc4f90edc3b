// The one JSON error envelope of the public API (DESIGN section 4): {"error": {"code", "message"}}.
// Messages are written for people and must never name a model of an anonymous battle (invariant 1).
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A failure a Durable Object or service reports as a value (errors thrown across RPC lose their fields). */
export interface Failure {
  ok: false;
  status: ContentfulStatusCode;
  code: string;
  message: string;
}
export type Result<T> = ({ ok: true } & T) | Failure;

export const fail = (status: ContentfulStatusCode, code: string, message: string): Failure => ({
  ok: false,
  status,
  code,
  message,
});

export const toApiError = (f: Failure) => new ApiError(f.status, f.code, f.message);

/** Throws the failure as an ApiError, or returns the success value narrowed. */
export function unwrap<R extends { ok: boolean }>(r: R): Extract<R, { ok: true }> {
  if (!r.ok) throw toApiError(r as unknown as Failure);
  return r as Extract<R, { ok: true }>;
}
