// Which kind of battle a duel shows, imported by every part of the duel (its own file, so the parts need not import
// each other for it).

/** Anonymous (names revealed after the vote) or side by side (names chosen up front). */
export type DuelMode = "anonymous" | "side-by-side";
