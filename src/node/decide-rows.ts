import type { Budget } from '../core/types.js';
import type { AllocationPolicy } from '../policy/policy.js';

/**
 * The arms of the rows of `x` (row-major, `policy.d` columns) into `out`: the same decisions as
 * `policy.decideBatch`, through the student's four-rows-at-a-time path (`StudentNet.argmaxBatch`) and one table
 * lookup per row. Plans with group shares go through `decideBatch` (their split hashes each row).
 */
export function decideRows(policy: AllocationPolicy, x: Float32Array, budget: Budget, out: Int32Array): Int32Array {
  if (policy.table.shares !== undefined) return policy.decideBatch(x, budget, out);
  const plan = policy.planFor(budget);
  const { k, arms } = policy.table;
  const n = x.length / policy.d;
  policy.student.argmaxBatch(x, out, 0, n);
  const base = plan * k;
  for (let i = 0; i < n; i++) out[i] = arms[base + (out[i] as number)] as number;
  return out;
}
