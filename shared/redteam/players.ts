// Red Team player tokens (DESIGN section 11): random bearer tokens shown once at registration and stored only as a
// salted SHA-256, like provider API keys (shared/accounts/keys.ts). A token reads `rtp_<prefix>_<secret>`: the
// prefix (12 hex) finds the player's row, the secret (40 hex, 160 bits) is what the hash protects.
import { z } from "zod";
import { sha256Hex, timingSafeEqualStrings } from "../core/crypto";

const TOKEN_RE = /^(rtp_[0-9a-f]{12})_([0-9a-f]{40})$/;

export const Handle = z.string().regex(/^[A-Za-z0-9_-]{3,32}$/, "handle: 3 to 32 of the characters A-Z a-z 0-9 _ -");

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

export const hashPlayerToken = (token: string, salt: string) => sha256Hex(`${salt}\u0000${token}`);

export async function issuePlayerToken(): Promise<{ token: string; prefix: string; salt: string; hash: string }> {
  const prefix = `rtp_${randomHex(6)}`;
  const token = `${prefix}_${randomHex(20)}`;
  const salt = randomHex(16);
  return { token, prefix, salt, hash: await hashPlayerToken(token, salt) };
}

/** The token's prefix when it is well formed, else null. */
export const playerTokenPrefix = (token: string): string | null => TOKEN_RE.exec(token)?.[1] ?? null;

export async function verifyPlayerToken(token: string, stored: { salt: string; hash: string }): Promise<boolean> {
  return timingSafeEqualStrings(await hashPlayerToken(token, stored.salt), stored.hash);
}
