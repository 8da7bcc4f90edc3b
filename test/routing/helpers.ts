// Synthetic battles and their hashed embeddings, shared by the routing tests (bench/router-synthetic.ts).
import { SYNTH_STRONG, SYNTH_WEAK, syntheticConversations } from "../../bench/router-synthetic";
import { hashedEmbedder, routerBattleFromRow, type RouterBattle } from "../../shared/routing/index";

export const embedder = hashedEmbedder();
export const pair = { strong: SYNTH_STRONG, weak: SYNTH_WEAK };

export async function synthetic(
  n: number,
  seed: number,
): Promise<{ battles: RouterBattle[]; embeddings: Float32Array[] }> {
  const battles = syntheticConversations({ n, seed }).map((row) => {
    const r = routerBattleFromRow(row);
    if (!r.ok) throw new Error(r.reason);
    return r.battle;
  });
  return { battles, embeddings: await embedder.embed(battles.map((b) => b.prompt)) };
}
