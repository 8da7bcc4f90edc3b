// Voter identity: a salted SHA-256 of the client IP (CF-Connecting-IP). The raw IP is never stored or logged.
import { sha256Hex } from "../../shared/core/crypto";

export const voterHash = (ip: string | null | undefined, salt: string): Promise<string> =>
  sha256Hex(`${salt}\u0000${ip ?? "unknown"}`);

export const clientIp = (headers: Headers): string | null => headers.get("cf-connecting-ip");
