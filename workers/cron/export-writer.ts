// Writes the frozen export to R2 once, hashing it as it streams (DESIGN invariant 5: data.sha256 is the SHA-256 of
// the file). Lines are buffered into parts; an export larger than one part goes up as an R2 multipart upload, so
// memory stays bounded by the part size whatever the number of battles.
// R2 multipart: every part but the last must be at least 5 MiB and all of them the same size.
const PART_BYTES = 8 * 1024 * 1024;
// Lines are joined into ~64K-character blocks before encoding and hashing: one await per block, not per line
// (millions of lines per snapshot).
const BLOCK_CHARS = 64 * 1024;
const encoder = new TextEncoder();

export interface WrittenExport {
  key: string;
  sha256: string;
  bytes: number;
  lines: number;
}

export class ExportWriter {
  private readonly digest = new crypto.DigestStream("SHA-256");
  private readonly hasher = this.digest.getWriter();
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private bytes = 0;
  private lines = 0;
  private upload: R2MultipartUpload | null = null;
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly parts: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
    private readonly partBytes = PART_BYTES,
  ) {}

  get lineCount(): number {
    return this.lines;
  }

  /** Appends one JSONL line (without its newline). */
  async writeLine(line: string): Promise<void> {
    this.pending.push(line, "\n");
    this.pendingChars += line.length + 1;
    this.lines++;
    if (this.pendingChars >= BLOCK_CHARS) await this.encodePending();
  }

  private async encodePending(): Promise<void> {
    if (this.pendingChars === 0) return;
    const bytes = encoder.encode(this.pending.join(""));
    this.pending = [];
    this.pendingChars = 0;
    await this.hasher.write(bytes);
    this.chunks.push(bytes);
    this.buffered += bytes.byteLength;
    this.bytes += bytes.byteLength;
    while (this.buffered >= this.partBytes) await this.flushPart(this.partBytes);
  }

  /** Removes and returns the first `size` buffered bytes (all of them by default). */
  private takeBuffer(size = this.buffered): Uint8Array {
    const out = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const chunk = this.chunks[0]!;
      const take = Math.min(chunk.byteLength, size - at);
      out.set(chunk.subarray(0, take), at);
      at += take;
      if (take === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(take);
    }
    this.buffered -= size;
    return out;
  }

  private async flushPart(size = this.buffered): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, {
      httpMetadata: { contentType: "application/x-ndjson" },
    });
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, this.takeBuffer(size)));
  }

  async finish(): Promise<WrittenExport> {
    await this.encodePending();
    await this.hasher.close();
    const hash = [...new Uint8Array(await this.digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const meta = { httpMetadata: { contentType: "application/x-ndjson" }, customMetadata: { sha256: hash } };
    if (this.upload) {
      if (this.buffered > 0) await this.flushPart();
      await this.upload.complete(this.parts);
    } else {
      await this.bucket.put(this.key, this.takeBuffer(), meta);
    }
    return { key: this.key, sha256: hash, bytes: this.bytes, lines: this.lines };
  }

  /** Abandons a multipart upload after a failure, so no half-written export is left behind. */
  async abort(): Promise<void> {
    await this.upload?.abort().catch(() => {});
  }
}
