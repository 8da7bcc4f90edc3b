// Upstream API keys that providers submit for their models (DESIGN section 4b): encrypted with AES-256-GCM under a
// key derived (HKDF-SHA-256) from the Worker secret PROVIDER_KEYS_SECRET, with the model id as associated data so
// a ciphertext cannot be moved to another model. Stored as `v1.<iv>.<ciphertext>` (base64url) in D1
// `model_upstream_keys`; decrypted only at call time (d1/providers.ts ownedModelApiKey, handed to the provider
// adapter as `resolveOwnedKey`). Never returned, never logged.

const VERSION = "v1";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

function fromB64url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export class UpstreamKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamKeyError";
  }
}

async function masterKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret || secret.length < 16) {
    throw new UpstreamKeyError("PROVIDER_KEYS_SECRET is not set (or shorter than 16 characters)");
  }
  const raw = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode("arena/upstream-keys"), info: encoder.encode(VERSION) },
    raw,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function encryptUpstreamKey(secret: string | undefined, modelId: string, plaintext: string) {
  const key = await masterKey(secret);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: encoder.encode(modelId) },
    key,
    encoder.encode(plaintext),
  );
  return `${VERSION}.${b64url(iv)}.${b64url(new Uint8Array(sealed))}`;
}

export async function decryptUpstreamKey(secret: string | undefined, modelId: string, stored: string) {
  const [version, iv, sealed] = stored.split(".");
  if (version !== VERSION || !iv || !sealed) throw new UpstreamKeyError(`model ${modelId}: unknown key format`);
  const key = await masterKey(secret);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromB64url(iv), additionalData: encoder.encode(modelId) },
      key,
      fromB64url(sealed),
    );
    return decoder.decode(plain);
  } catch {
    throw new UpstreamKeyError(
      `model ${modelId}: the stored upstream key does not decrypt (PROVIDER_KEYS_SECRET changed?)`,
    );
  }
}
