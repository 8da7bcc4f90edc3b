// npm run bench:winners-curse — calibration of shared/ratings/winners-curse.ts (issue 16, DESIGN section 14).
// Known truth: a family of k private variants with true strengths θ_i = 1200 + τ·z_i and board estimates
// y_i = θ_i + s_i·e_i, s_i drawn once per k in [5, 12] points (the standard errors of ±10…±24-point 95%
// bootstrap intervals). The provider releases argmax y. Per k = 1…20 and per true τ, `worlds` families are drawn;
// the table compares
//   true   = E[y_released − θ_released] at the true τ and the family's s (100k simulated families: Monte Carlo
//            error ≈ 0.03 points), and the realised mean over the worlds;
//   est    = the mean over the worlds of winnersCurse(...).inflation, which sees only (y_i, s_i);
//   ratio  = est / true (calibrated when within 0.8…1.2); "plug-in" is I(τ̂) before the bias correction;
//   ± mc = Monte Carlo standard error of that ratio (est sd / √worlds / true): a ratio is only as sharp as this;
//   est sd = spread of the estimate over worlds, mean se = the estimator's own `se` (should be close).
// Worlds: 2000 per k for k ≤ 3 (where the estimate's spread is several times the true inflation, so fewer worlds
// cannot resolve 20%), 300 above, unless --worlds sets one number for all.
// Usage: npm run bench:winners-curse [-- --worlds 300] [--taus 0,5,10,20] [--k 1,2,3,5,10,20] [--rounds 500]
//        [--bootstrap-rounds 200]  (the estimator runs with these, not its defaults 2000/200)
import { Rng } from "../shared/ratings/rng";
import { simulateInflation, winnersCurse, type VariantEstimate } from "../shared/ratings/winners-curse";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
};
const worldsFor = (k: number) => (args.includes("--worlds") ? Number(opt("--worlds", "300")) : k <= 3 ? 2000 : 300);
const TAUS = opt("--taus", "0,5,10,20").split(",").map(Number);
const KS = opt("--k", Array.from({ length: 20 }, (_, i) => i + 1).join(","))
  .split(",")
  .map(Number);
const ROUNDS = Number(opt("--rounds", "500"));
const CI_ROUNDS = Number(opt("--bootstrap-rounds", "200"));
const TRUTH_ROUNDS = 100_000;

const t0 = performance.now();
let worst = 0;
const lines: string[] = [];
for (const tau of TAUS) {
  lines.push(`\nτ = ${tau} points (s_i ∈ [5, 12])`);
  lines.push("   k  worlds   true    realised   est     ratio  ± mc    est sd   plug-in ratio   mean se");
  for (const k of KS) {
    const WORLDS = worldsFor(k);
    const rng = Rng.fromKey(`bench|${tau}|${k}`);
    let est = 0;
    let est2 = 0;
    let expd = 0;
    let realised = 0;
    let seSum = 0;
    // One fixed s vector per k (so "true" is one number), estimates redrawn per world.
    const s = Array.from({ length: k }, () => 5 + 7 * rng.next());
    const truth = simulateInflation(tau, s, TRUTH_ROUNDS, Rng.fromKey(`truth|${tau}|${k}`));
    for (let w = 0; w < WORLDS; w++) {
      const variants: VariantEstimate[] = [];
      let best = 0;
      let bestY = -Infinity;
      let bestTheta = 0;
      for (let i = 0; i < k; i++) {
        const theta = 1200 + tau * rng.normal();
        const y = theta + s[i]! * rng.normal();
        variants.push({ id: `v${i}`, estimate: y, ci: [y - 1.959964 * s[i]!, y + 1.959964 * s[i]!] });
        if (y > bestY) {
          bestY = y;
          best = i;
          bestTheta = theta;
        }
      }
      const error = bestY - bestTheta;
      realised += error;
      const r = winnersCurse(variants, `v${best}`, { seed: w, rounds: ROUNDS, bootstrapRounds: CI_ROUNDS });
      est += r.inflation;
      est2 += r.inflation ** 2;
      expd += r.plugin;
      seSum += r.se ?? 0;
    }
    est /= WORLDS;
    realised /= WORLDS;
    expd /= WORLDS;
    const sd = Math.sqrt(Math.max(0, est2 / WORLDS - est * est));
    const ratio = truth > 0 ? est / truth : k === 1 && est === 0 ? 1 : NaN;
    if (k > 1) worst = Math.max(worst, Math.abs(ratio - 1));
    const mc = truth > 0 ? sd / Math.sqrt(WORLDS) / truth : 0;
    lines.push(
      `  ${String(k).padStart(2)}  ${String(WORLDS).padStart(6)}  ${truth.toFixed(2).padStart(6)}  ${realised.toFixed(2).padStart(7)}  ` +
        `${est.toFixed(2).padStart(7)}  ${ratio.toFixed(3).padStart(6)}  ${mc.toFixed(3)}  ${sd.toFixed(2).padStart(6)}   ` +
        `${expd.toFixed(2).padStart(6)}  ${(truth > 0 ? expd / truth : 1).toFixed(3).padStart(6)}   ` +
        (seSum / WORLDS).toFixed(2).padStart(6),
    );
  }
}
console.log(lines.join("\n"));
console.log(
  `\nworst |est/true − 1| over k ≥ 2: ${(100 * worst).toFixed(1)}% (target ≤ 20%); ` +
    `${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
