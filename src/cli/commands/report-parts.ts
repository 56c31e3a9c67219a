import type { HRCPipeline } from '../../pipeline/index.js';
import type { DistillationSummary, GroupSummary } from '../../report/types.js';

/** Per-group size, uplift and arm of an HRC policy's plan at a budget, for the report. */
export function groupSummaries(hrc: HRCPipeline, budgetPerUser: number): GroupSummary[] {
  const p = hrc.policy;
  const stats = p.stats;
  if (stats === undefined) return [];
  let plan: number;
  try {
    plan = p.planFor({ perUser: budgetPerUser });
  } catch {
    plan = 0;
  }
  const out: GroupSummary[] = [];
  for (let g = 0; g < p.table.k; g++) {
    const arm = p.table.armFor(plan, g);
    // The group's best arm by response uplift, to show heterogeneity even where the plan gives control.
    let best = 1;
    for (let j = 2; j < p.table.m; j++)
      if (stats.cell(g, j).count > 0 && stats.uplift(g, j).response > stats.uplift(g, best).response) best = j;
    const shown = arm === 0 ? best : arm;
    const u = stats.uplift(g, shown);
    out.push({
      group: g,
      size: stats.groupCount(g),
      uplift: u.response,
      upliftLower: u.response - 1.96 * u.seResponse,
      upliftUpper: u.response + 1.96 * u.seResponse,
      incrementalCost: u.cost,
      arm: arm === 0 ? `${p.treatmentNames[0]} (best: ${p.treatmentNames[best]})` : (p.treatmentNames[arm] as string),
    });
  }
  return out;
}

/** The student's agreement with the teacher, for the report. */
export function distillationSummary(hrc: HRCPipeline): DistillationSummary | undefined {
  const a = hrc.policy.metadata.distillAgreement;
  return a === undefined ? undefined : { agreement: a };
}
