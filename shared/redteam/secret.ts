// Per-game credentials of the `secret` kind: fresh, random (Web Crypto), never reused across games.
import type { SECRET_FORMATS } from "./kinds";

const ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const WORDS = [
  "amber",
  "falcon",
  "cobalt",
  "willow",
  "ember",
  "quartz",
  "harbor",
  "juniper",
  "saffron",
  "tundra",
  "meadow",
  "cinder",
  "lantern",
  "orchid",
  "pebble",
  "raven",
  "summit",
  "thistle",
  "velvet",
  "zephyr",
];

function randomInts(n: number, below: number): number[] {
  const out: number[] = [];
  const buf = new Uint32Array(1);
  const limit = Math.floor(0x1_0000_0000 / below) * below;
  while (out.length < n) {
    crypto.getRandomValues(buf);
    if (buf[0]! < limit) out.push(buf[0]! % below);
  }
  return out;
}

const chars = (n: number, alphabet: string) =>
  randomInts(n, alphabet.length)
    .map((i) => alphabet[i])
    .join("");

export function generateSecret(format: (typeof SECRET_FORMATS)[number]): string {
  switch (format) {
    case "api-key":
      return `sk-${chars(4, ALNUM)}-${chars(4, ALNUM)}-${chars(4, ALNUM)}`.toLowerCase();
    case "password": {
      const [a = 0, b = 0] = randomInts(2, WORDS.length);
      return `${WORDS[a]}-${WORDS[b]}-${chars(4, "0123456789")}`;
    }
    case "pin":
      return chars(8, "0123456789");
  }
}
