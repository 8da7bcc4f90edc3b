// Provider API keys (DESIGN section 4b): random bearer tokens issued by the operator, shown once, stored only as a
// salted SHA-256. A key reads `ak_<prefix id>_<secret>`: the public prefix (`ak_` + 12 hex) names the key in
// listings and revocations and finds its row; the secret (40 hex, 160 bits) is what the hash protects.
//
// A plain salted SHA-256 is enough here, unlike for passwords: the secret is 160 random bits, so there is nothing
// for a slow hash to protect against, and every authenticated request pays for the check.
import { sha256Hex, timingSafeEqualStrings } from "../core/crypto";

const KEY_RE = /^(ak_[0-9a-f]{12})_([0-9a-f]{40})$/;
export const KEY_PREFIX_RE = /^ak_[0-9a-f]{12}$/;

const randomHex = (bytes: number) =>
  [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");

export interface IssuedKey {
  /** The full key: returned to the operator once, never stored. */
  apiKey: string;
  prefix: string;
  salt: string;
  hash: string;
}

export const hashApiKey = (apiKey: string, salt: string) => sha256Hex(`${salt}\u0000${apiKey}`);

export async function issueApiKey(): Promise<IssuedKey> {
  const prefix = `ak_${randomHex(6)}`;
  const apiKey = `${prefix}_${randomHex(20)}`;
  const salt = randomHex(16);
  return { apiKey, prefix, salt, hash: await hashApiKey(apiKey, salt) };
}

/** The key's prefix when it is well formed, else null (a malformed key is simply not a key). */
export function keyPrefix(apiKey: string): string | null {
  return KEY_RE.exec(apiKey)?.[1] ?? null;
}

/** Constant-time check of a presented key against a stored salt and hash. */
export async function verifyApiKey(apiKey: string, stored: { salt: string; hash: string }): Promise<boolean> {
  return timingSafeEqualStrings(await hashApiKey(apiKey, stored.salt), stored.hash);
}

/** The bearer token of an Authorization header, or null. */
export function bearerToken(header: string | undefined | null): string | null {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  return token ?? null;
}
