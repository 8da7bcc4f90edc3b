// The one way to read a JSON object the arena wrote to R2 (transcripts of battles and of Red Team games): parsed and
// checked against its schema, never cast. An object that is missing, not JSON or not this shape is null; the last
// two are logged, because one bad object must not break an export that streams thousands.
import type { z } from "zod";
import { describeIssues } from "./issues";
import { errorText, log } from "./log";

export async function readStoredJson<T>(
  bucket: R2Bucket,
  key: string,
  schema: z.ZodType<T>,
  event: string,
): Promise<T | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  let json: unknown;
  try {
    json = JSON.parse(await object.text());
  } catch (err) {
    log.error(event, { key, reason: `not JSON: ${errorText(err)}` });
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    log.error(event, { key, reason: describeIssues(parsed.error, { root: "(root)", separator: " " }) });
    return null;
  }
  return parsed.data;
}
