// Style control recovers known style effects on synthetic battles and moves verbose models the right way.
import { describe, expect, it } from "vitest";
import { mulberry32 } from "../../../shared/core/random";
import { fitStyleControl, styleDesign, type StyleDesign } from "../../../shared/ratings/style-control";
import { emptyTable, OUTCOME_CODE, setStyleCounts } from "../../../shared/ratings/table";

// Row r of a design, read the way the Newton pass reads it.
const row = (d: StyleDesign, r: number) => (d.rows ? d.rows[r]! : r);
const sideA = (d: StyleDesign, r: number) => d.modelOf[d.modelA[row(d, r)]!]!;
const sideB = (d: StyleDesign, r: number) => d.modelOf[d.modelB[row(d, r)]!]!;
const z = (d: StyleDesign, r: number, f: number) => (d.style[row(d, r) * 4 + f]! - d.mean[f]!) / d.std[f]!;
const y = (d: StyleDesign, r: number) => {
  const o = d.outcome[row(d, r)]!;
  return o === 0 ? 1 : o === 1 ? 0 : 0.5;
};

/** Battles between `strength.length` models whose answers differ in style; outcomes drawn from the true model. */
function synthetic(n: number, strength: number[], verbosity: number[], gamma: number[], seed: number, tieShare = 0) {
  const rand = mulberry32(seed);
  const M = strength.length;
  const table = emptyTable(
    n,
    strength.map((_, i) => `m${i}`),
    { style: true },
  );
  const counts = (model: number) => [
    Math.round(200 * verbosity[model]! * (0.5 + rand())),
    Math.floor(rand() * 4 * verbosity[model]!),
    Math.floor(rand() * 6),
    Math.floor(rand() * 5),
  ];
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rand() * M);
    let b = Math.floor(rand() * (M - 1));
    if (b >= a) b++;
    table.modelA[i] = a;
    table.modelB[i] = b;
    const ca = counts(a);
    const cb = counts(b);
    setStyleCounts(table.style!, i, ca, cb);
  }
  // Outcomes use the same z-scoring the fit uses, so the truth is exactly the model being fitted.
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const design = styleDesign(
    table,
    all,
    Int32Array.from({ length: M }, (_, i) => i),
    M,
  );
  for (let r = 0; r < n; r++) {
    let logit = Math.LN10 * (strength[sideA(design, r)]! - strength[sideB(design, r)]!);
    for (let f = 0; f < 4; f++) logit += gamma[f]! * z(design, r, f);
    const p = 1 / (1 + Math.exp(-logit));
    const u = rand();
    // A slice of ties, decided before the winner, so the decisive battles follow the true model exactly.
    table.outcome[r] = u < tieShare ? OUTCOME_CODE.tie : rand() < p ? OUTCOME_CODE.model_a : OUTCOME_CODE.model_b;
  }
  return {
    table,
    design: styleDesign(
      table,
      all,
      Int32Array.from({ length: M }, (_, i) => i),
      M,
    ),
  };
}

describe("style control", () => {
  const strength = [0.3, 0.15, 0, -0.1, -0.2, -0.15]; // θ (rating = 400θ + 1000)
  const verbosity = [2, 0.5, 1, 2.5, 0.7, 1];
  const gamma = [0.3, 0.05, 0.1, 0.02];

  it("recovers the true style coefficients and strengths", () => {
    const { design } = synthetic(60_000, strength, verbosity, gamma, 7);
    const fit = fitStyleControl(design, { l2: 0.5 });
    expect(fit.iterations).toBeLessThan(15);
    for (let f = 0; f < 4; f++) expect(Math.abs(fit.gamma[f]! - gamma[f]!)).toBeLessThan(0.04);
    const mean = fit.theta.reduce((s, t) => s + t, 0) / strength.length;
    const trueMean = strength.reduce((s, t) => s + t, 0) / strength.length;
    for (let i = 0; i < strength.length; i++) {
      expect(Math.abs(400 * (fit.theta[i]! - mean) - 400 * (strength[i]! - trueMean))).toBeLessThan(15);
    }
  });

  it("the gradient of the penalised loss vanishes at the solution", () => {
    const { design } = synthetic(5_000, strength, verbosity, gamma, 11, 0.15);
    const fit = fitStyleControl(design, { l2: 0.5 });
    const M = strength.length;
    const grad = new Float64Array(M + 4);
    for (let r = 0; r < design.length; r++) {
      let logit = Math.LN10 * (fit.theta[sideA(design, r)]! - fit.theta[sideB(design, r)]!);
      for (let f = 0; f < 4; f++) logit += fit.gamma[f]! * z(design, r, f);
      const e = 1 / (1 + Math.exp(-logit)) - y(design, r);
      grad[sideA(design, r)] = grad[sideA(design, r)]! + e * Math.LN10;
      grad[sideB(design, r)] = grad[sideB(design, r)]! - e * Math.LN10;
      for (let f = 0; f < 4; f++) grad[M + f] = grad[M + f]! + e * z(design, r, f);
    }
    for (let i = 0; i < M; i++) expect(Math.abs(grad[i]! + 0.5 * fit.theta[i]!)).toBeLessThan(1e-6);
    for (let f = 0; f < 4; f++) expect(Math.abs(grad[M + f]! + 0.5 * fit.gamma[f]!)).toBeLessThan(1e-6);
  });

  it("moves verbose models down and terse ones up compared with the same fit without style", () => {
    // Equal true strengths: only style (mostly length) separates the models in the raw votes.
    const flat = [0, 0, 0, 0, 0, 0];
    const { design } = synthetic(40_000, flat, verbosity, [0.4, 0, 0, 0], 3);
    const styled = fitStyleControl(design, { l2: 0.5 });
    // The same fit with every feature zero: plain (ridge-penalised) Bradley–Terry.
    const noStyle = { ...design, style: new Float32Array(design.style.length), mean: new Float64Array(4) };
    const raw = fitStyleControl(noStyle, { l2: 0.5 });
    const centred = (t: Float64Array) => Array.from(t, (x) => 400 * (x - t.reduce((s, v) => s + v, 0) / t.length));
    const [r, c] = [centred(raw.theta), centred(styled.theta)];
    const mostVerbose = verbosity.indexOf(Math.max(...verbosity));
    const mostTerse = verbosity.indexOf(Math.min(...verbosity));
    expect(r[mostVerbose]!).toBeGreaterThan(20); // verbosity wins raw votes…
    expect(c[mostVerbose]!).toBeLessThan(r[mostVerbose]! - 15); // …and style control takes that away
    expect(c[mostTerse]!).toBeGreaterThan(r[mostTerse]! + 15);
    for (const x of c) expect(Math.abs(x)).toBeLessThan(12); // close to the (equal) truth
  });
});
