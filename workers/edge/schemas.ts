// Schemas shared by several routes: the error envelope, ids in paths, the battle stream.
import { z } from "@hono/zod-openapi";
import { SSE_HEADERS } from "../../shared/battle/sse";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");

const errorContent = { "application/json": { schema: ErrorSchema } };
export const errors = {
  400: { description: "Malformed JSON (`bad_json`)", content: errorContent },
  401: { description: "Missing or wrong bearer token", content: errorContent },
  403: { description: "Human check (Turnstile) required or failed", content: errorContent },
  404: { description: "Unknown or malformed id", content: errorContent },
  409: { description: "State conflict (already voted, turn in progress, …)", content: errorContent },
  422: { description: "Schema violation (`invalid_request`)", content: errorContent },
  429: { description: "Rate limited (`rate_limited`), with Retry-After in seconds", content: errorContent },
  503: { description: "Temporarily unavailable", content: errorContent },
} as const;

/** Battle ids are opaque; anything that is not one of ours is simply not found (never a 422). */
export const BattleIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "0b5c1f5e-8a7d-4c52-9a57-3c8f2b1f8e11" }),
});

export const EventStream = {
  "text/event-stream": {
    schema: z.string().openapi({
      description:
        "Server-Sent Events: `token` {side,text}, `side-done` {side,finish,tokens}, `error` {side,message}, `done` {turn,canVote,counted,reason}",
    }),
  },
};

/** JSON request body declaration; `required` makes the validator run whatever the Content-Type. */
export const jsonBody = <T extends z.ZodType>(schema: T, description?: string) => ({
  body: { required: true, description, content: { "application/json": { schema } } },
});

/**
 * A relayed battle stream. zod-openapi cannot type a streamed body against the route's response union, so the
 * Response is returned as `never`; the route's `EventStream` entry still documents it.
 */
export const sseResponse = (stream: ReadableStream<Uint8Array>): never =>
  new Response(stream, { status: 200, headers: SSE_HEADERS }) as never;

/** The `{id}` of /v1/provider/models/{id} and the routes under it. */
export const ProviderModelIdParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "acme-llm-3-rc2" }),
});
