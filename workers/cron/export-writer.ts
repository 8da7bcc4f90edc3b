// Writes the frozen export to R2 once, hashing it as it streams (DESIGN invariant 5: data.sha256 is the SHA-256 of
// the file). Lines are buffered into parts; an export larger than one part goes up as an R2 multipart upload, so
// memory stays bounded by the part size whatever the number of battles.
const PART_BYTES = 8 * 1024 * 1024; // R2 multipart parts must be >= 5 MiB (except the last)
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
  private readonly parts: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    readonly key: string,
  ) {}

  get lineCount(): number {
    return this.lines;
  }

  /** Appends one JSONL line (without its newline). */
  async writeLine(line: string): Promise<void> {
    const bytes = encoder.encode(`${line}\n`);
    await this.hasher.write(bytes);
    this.chunks.push(bytes);
    this.buffered += bytes.byteLength;
    this.bytes += bytes.byteLength;
    this.lines++;
    if (this.buffered >= PART_BYTES) await this.flushPart();
  }

  private takeBuffer(): Uint8Array {
    const out = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [];
    this.buffered = 0;
    return out;
  }

  private async flushPart(): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, {
      httpMetadata: { contentType: "application/x-ndjson" },
    });
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, this.takeBuffer()));
  }

  async finish(): Promise<WrittenExport> {
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
