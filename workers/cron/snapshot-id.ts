/** A snapshot's id: its UTC time to the second plus 4 random hex, so two runs in one second never collide. */
export function snapshotId(now: number): string {
  const suffix = [...crypto.getRandomValues(new Uint8Array(2))].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z")}-${suffix}`;
}
