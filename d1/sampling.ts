// The operator's pair-sampling policy for anonymous battles (DESIGN section 14): one row, none = weighted.
import { eq } from "drizzle-orm";
import type { Db } from "./queries";
import * as schema from "./schema";

export interface SamplingPolicyRow {
  policy: "weighted" | "active";
  floor: number;
  updatedAt: number | null;
}

/** The default when the operator never chose: the models' sampling weights (the floor only matters to active). */
export const WEIGHTED: SamplingPolicyRow = { policy: "weighted", floor: 0.2, updatedAt: null };

export async function getSamplingPolicy(d: Db): Promise<SamplingPolicyRow> {
  const row = await d.select().from(schema.samplingPolicy).where(eq(schema.samplingPolicy.id, 1)).get();
  return row ? { policy: row.policy, floor: row.floor, updatedAt: row.updatedAt } : WEIGHTED;
}

export async function setSamplingPolicy(d: Db, p: { policy: "weighted" | "active"; floor: number }, now: number) {
  const row = { ...p, updatedAt: now };
  await d
    .insert(schema.samplingPolicy)
    .values({ id: 1, ...row })
    .onConflictDoUpdate({ target: schema.samplingPolicy.id, set: row });
  return row;
}
