// The `live` score (DESIGN section 11): the one-pass online score RedTeam Arena (lmarena, 2024-09) shows, kept next
// to our joint penalised MLE for comparison. Games in (tstamp, id) order; each is one stochastic-gradient step on
// that game's log-loss of P(player wins) = σ(s_player − s_model − s_target), all scores starting at 0:
//   e = won − σ(s_p − s_m − s_t);  s_p += η·e;  s_m −= η·e;  s_t −= η·e.
// Why η = 0.1 natural logits: at most 0.1 logit ≈ 17.4 arena points per game (Elo's K ≈ 17), so a new player's
// live score moves visibly within their first ~20 games while a model with thousands of games is not shaken by
// one. Unlike the MLE it depends on the order of the games and has no interval; it is published, not ranked.
export const REDTEAM_LIVE_RATE = 0.1;

/** Online scores in natural logits (players, then models, then targets); `order` lists the games in time order. */
export function liveScores(
  players: number,
  models: number,
  targets: number,
  order: ArrayLike<number>,
  p: Int32Array,
  m: Int32Array,
  t: Int32Array,
  won: Uint8Array,
  rate = REDTEAM_LIVE_RATE,
): Float64Array {
  const s = new Float64Array(players + models + targets);
  for (let k = 0; k < order.length; k++) {
    const g = order[k]!;
    const ip = p[g]!;
    const im = players + m[g]!;
    const it = players + models + t[g]!;
    const e = won[g]! - 1 / (1 + Math.exp(-(s[ip]! - s[im]! - s[it]!)));
    s[ip]! += rate * e;
    s[im]! -= rate * e;
    s[it]! -= rate * e;
  }
  return s;
}
