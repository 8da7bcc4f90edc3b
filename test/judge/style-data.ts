// Seeded synthetic judgments with style counts: 3 models × 300 questions against "base", random verdicts (a sixth
// of the games without one) and random answer lengths and markdown counts. Used to check the style-controlled
// score against an independent solver of Arena-Hard's formulation (scripts/judge-style-reference.py; see
// docs/judge.md): `node scripts/run-ts.mjs test/judge/style-data-dump.ts > b.json && python3 scripts/judge-style-reference.py b.json`.
import { Rng } from "../../shared/ratings/rng";
import { judgmentBattles, type JudgmentRecord, type StyleVector } from "../../shared/ratings/judge";

export function styleCheckData() {
  const rng = new Rng(11);
  const labels = ["A>>B", "A>B", "A=B", "B>A", "B>>A", null];
  const records: JudgmentRecord[] = [];
  const styles = new Map<string, StyleVector>();
  const int = (lo: number, span: number) => Math.floor(lo + rng.next() * span);
  for (let q = 0; q < 300; q++) {
    styles.set(`base|q${q}`, [int(200, 600), int(0, 4), int(0, 8), int(0, 5)]);
    for (const [mi, m] of ["m1", "m2", "m3"].entries()) {
      styles.set(`${m}|q${q}`, [int(100, 900 * (mi + 1)), int(0, 6), int(0, 12), int(0, 9)]);
      const pick = () => labels[Math.floor(rng.next() * labels.length)] ?? null;
      records.push({ question_id: `q${q}`, model: m, judge: "j", games: [{ score: pick() }, { score: pick() }] });
    }
  }
  const style = (m: string, q: string) => styles.get(`${m}|${q}`) ?? null;
  return { records, style };
}

/** The battle rows with both sides' style vectors, the input of the reference solver. */
export function styleCheckBattles() {
  const { records, style } = styleCheckData();
  return judgmentBattles(records).map((b) => ({
    model_b: b.model,
    winner: b.winner,
    a: style("base", b.questionId),
    b: style(b.model, b.questionId),
  }));
}
