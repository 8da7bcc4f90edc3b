// Plain-Node timing of the engine (outside workerd, whose clock only advances on I/O in production):
//   npx tsx test/ratings/engine/perf-node.ts
// BT + 100 bootstrap rounds on a synthetic 1M-battle, 50-model table (30% ties).
import { aggregate } from "../../../shared/ratings/aggregate";
import { bootstrapBT } from "../../../shared/ratings/bootstrap";
import { DEFAULT_RIDGE, fitBT, identifiability } from "../../../shared/ratings/bt";
import { buildPairMap } from "../../../shared/ratings/pairs";
import { thetaToRatings } from "../../../shared/ratings/scale";
import { syntheticTable } from "./helpers";

const { table } = syntheticTable(50, 1_000_000, 77, { spread: 300, tieRate: 0.3 });
for (let rep = 0; rep < 3; rep++) {
  const t0 = performance.now();
  const cells = aggregate(table);
  const map = buildPairMap(cells);
  const ident = identifiability(map.pairs);
  const ridge = ident.exists ? 0 : DEFAULT_RIDGE;
  const fit = fitBT(map.pairs, { ridge });
  const { ratings } = thetaToRatings(fit.theta, cells.models, null);
  const t1 = performance.now();
  bootstrapBT(cells, map, fit.theta, ratings, { rounds: 100, seed: 0, board: "overall", ridge, anchorIndex: -1 });
  const t2 = performance.now();
  console.log(
    `run ${rep}: aggregate+fit ${(t1 - t0).toFixed(1)} ms, 100 bootstrap rounds ${(t2 - t1).toFixed(1)} ms, total ${(t2 - t0).toFixed(1)} ms (${cells.length} cells)`,
  );
}
