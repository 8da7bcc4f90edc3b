// Red Team game kinds (DESIGN section 11) as versioned data: one JSON file per kind in ./kinds/, validated here.
// Adding a kind or a target is a data change (a new file or entry); target ids are stable and unique across
// kinds, because the ratings fit one difficulty per target id.
import { z } from "zod";
import badWords from "./kinds/bad-words.json";
import secret from "./kinds/secret.json";
import systemPrompt from "./kinds/system-prompt.json";

export const KIND_NAMES = ["bad-words", "secret", "system-prompt"] as const;
export const KindName = z.enum(KIND_NAMES);
export type KindName = z.infer<typeof KindName>;

const TargetId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, "target id: lower-case letters, digits and '-'");
const text = (max: number) => z.string().trim().min(1).max(max);

const common = {
  version: z.number().int().min(1),
  title: text(80),
  description: text(400),
  seconds: z.number().int().min(5).max(600),
  rules: text(2000),
};

const BadWordsKind = z
  .object({
    kind: z.literal("bad-words"),
    ...common,
    /** The system prompt every game of this kind runs under. */
    system: text(4000),
    targets: z.array(z.object({ id: TargetId, phrase: text(120) }).strict()).min(1),
  })
  .strict();

/** How the per-game credential of a `secret` target is generated (./secret.ts). */
export const SECRET_FORMATS = ["api-key", "password", "pin"] as const;

const SecretKind = z
  .object({
    kind: z.literal("secret"),
    ...common,
    targets: z
      .array(
        z
          .object({
            id: TargetId,
            format: z.enum(SECRET_FORMATS),
            system: text(4000).refine((s) => s.includes("{{secret}}"), "system must contain {{secret}}"),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const SystemPromptKind = z
  .object({
    kind: z.literal("system-prompt"),
    ...common,
    targets: z
      .array(
        z
          .object({ id: TargetId, canary: text(200), system: text(4000) })
          .strict()
          .refine((t) => t.system.includes(t.canary), "system must contain its canary sentence"),
      )
      .min(1),
  })
  .strict();

export const GameKind = z.discriminatedUnion("kind", [BadWordsKind, SecretKind, SystemPromptKind]);
export type GameKind = z.infer<typeof GameKind>;

/** Parses the kind files; throws naming the file and field when one is invalid or two targets share an id. */
export function parseKinds(files: Record<string, unknown>): Map<KindName, GameKind> {
  const kinds = new Map<KindName, GameKind>();
  const ids = new Set<string>();
  for (const [file, data] of Object.entries(files)) {
    const parsed = GameKind.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`redteam kind ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    if (kinds.has(parsed.data.kind)) throw new Error(`redteam kind ${file}: kind ${parsed.data.kind} defined twice`);
    for (const t of parsed.data.targets) {
      if (ids.has(t.id)) throw new Error(`redteam kind ${file}: target id ${t.id} is not unique`);
      ids.add(t.id);
    }
    kinds.set(parsed.data.kind, parsed.data);
  }
  return kinds;
}

export const KIND_FILES: Record<string, unknown> = {
  "bad-words.json": badWords,
  "secret.json": secret,
  "system-prompt.json": systemPrompt,
};

let loaded: Map<KindName, GameKind> | null = null;

/** Every kind, validated once per isolate. */
export function kinds(): Map<KindName, GameKind> {
  loaded ??= parseKinds(KIND_FILES);
  return loaded;
}

export function kindOf(name: KindName): GameKind {
  const k = kinds().get(name);
  if (!k) throw new Error(`unknown redteam kind ${name}`);
  return k;
}
