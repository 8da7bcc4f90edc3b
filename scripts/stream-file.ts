// Reads an export file for the ratings CLI: streamed (a 10M-line file never sits in memory as one string), each
// chunk hashed as read and decoded into `parser`, so the printed sha256 is that of the very bytes that were rated.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Pushes `file`'s text into `parser` chunk by chunk; returns the sha256 (hex) of its bytes. */
export async function streamFileInto(file: string, parser: { push(text: string): void }): Promise<string> {
  const hash = createHash("sha256");
  const decoder = new TextDecoder("utf-8");
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    parser.push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  parser.push(decoder.decode());
  return hash.digest("hex");
}
