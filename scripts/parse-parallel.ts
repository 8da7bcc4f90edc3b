// The ratings CLI's parse of a large JSONL file on several threads: the file is cut into byte ranges at line ends,
// each worker thread parses its range into a table part (on SharedArrayBuffers, so handing it back copies
// nothing), and the main thread, which hashes the whole file meanwhile, merges the parts in file order. The merge
// gives exactly the sequential parse's table, counts and first error (test/ratings/parse/parallel.test.ts), so
// the thread count never changes a result.
import { createHash } from "node:crypto";
import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import {
  createPartParser,
  mergeParsedParts,
  type ParsedPart,
  type ParseOptions,
  type ParseResult,
} from "../shared/ratings/parse";

/** Below this a file parses in well under a second on one thread, and starting threads would not pay. */
export const PARALLEL_PARSE_MIN_BYTES = 64 * 1024 * 1024;

/** What a parse worker is started with (`workerData`). */
export interface ParseJob {
  role: "parse";
  file: string;
  start: number;
  end: number;
  options: ParseOptions;
}

/** `k` byte ranges covering the file, each ending just after a newline (the last at the file's end). */
export function lineAlignedRanges(file: string, size: number, k: number): [number, number][] {
  const cuts = [0];
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (let j = 1; j < k; j++) {
      let at = Math.max(cuts[cuts.length - 1]!, Math.floor((j * size) / k));
      let cut = size;
      for (let read = readSync(fd, buf, 0, buf.length, at); read > 0; read = readSync(fd, buf, 0, buf.length, at)) {
        const nl = buf.subarray(0, read).indexOf(10);
        if (nl >= 0) {
          cut = at + nl + 1;
          break;
        }
        at += read;
      }
      cuts.push(cut);
    }
  } finally {
    closeSync(fd);
  }
  cuts.push(size);
  return cuts.slice(0, -1).map((start, j) => [start, cuts[j + 1]!]);
}

/**
 * Parses `file` (JSONL) on `threads` worker threads started from `workerUrl` (a module that calls
 * `runParseJob(workerData)` when started with a ParseJob), hashing it on this thread meanwhile.
 */
export async function parseFileInParallel(
  file: string,
  options: ParseOptions,
  threads: number,
  workerUrl: URL,
): Promise<{ result: ParseResult; sha256: string }> {
  const ranges = lineAlignedRanges(file, statSync(file).size, threads);
  const partOptions: ParseOptions = { ...options, shared: true };
  const workers = ranges.map(([start, end]) => {
    const job: ParseJob = { role: "parse", file, start, end, options: partOptions };
    const worker = new Worker(workerUrl, { workerData: job });
    return new Promise<ParsedPart>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`a parse thread stopped (exit code ${code})`)));
    }).finally(() => void worker.terminate());
  });
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const parts = await Promise.all(workers);
  return { result: mergeParsedParts(parts, options), sha256: hash.digest("hex") };
}

/** In a parse worker: its range of the file, decoded and parsed into a part. */
export async function runParseJob(job: ParseJob): Promise<ParsedPart> {
  const parser = createPartParser(job.options);
  const decoder = new TextDecoder("utf-8");
  if (job.end > job.start) {
    for await (const chunk of createReadStream(job.file, { start: job.start, end: job.end - 1 }))
      parser.push(decoder.decode(chunk as Buffer, { stream: true }));
  }
  parser.push(decoder.decode());
  return parser.end();
}
