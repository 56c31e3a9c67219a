import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decisionSummary } from '../../src/report/decision.js';
import { planTexts, sliderRange } from '../../src/report/interactive.js';
import { type PlanView, planIndexAt, planView } from '../../src/report/plan.js';
import { renderReport } from '../../src/report/report.js';
import { writeReport } from '../../src/report/write.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { linearPolicy } from '../helpers/policy.js';

/** A hand-made plan view: three groups, a grid of four budgets. */
const view: PlanView = {
  method: 'hrc',
  armNames: ['control', 'coupon_1', 'coupon_2'],
  budgets: [0, 0.1, 0.2, 0.3],
  groups: [0, 1, 2].map((g) => ({
    group: g,
    share: [0.5, 0.3, 0.2][g] as number,
    uplift: [0, 0.05 + 0.01 * g, 0.08 + 0.02 * g],
    upliftSe: [0, 0.01, 0.01],
    cost: [0, 0.2, 0.5],
  })),
  arms: [
    [0, 0, 0],
    [0, 1, 0],
    [1, 1, 0],
    [1, 1, 2],
  ],
  value: [0, 0.02, 0.04, 0.06],
  cost: [0, 0.06, 0.16, 0.26],
};

describe('planView', () => {
  it("carries each plan's cost quantiles over the bootstrap draws, around its planned cost", async () => {
    const { policy } = await linearPolicy({
      budgets: [0.1, 0.3],
      k: 5,
      seed: 4,
      studentSeed: 2,
      nTrain: 4000,
      nTest: 10,
      replicates: 60,
    });
    const { table } = policy;
    const v = planView(policy) as PlanView;
    const spread = v.costSpread;
    expect(spread?.levels).toEqual([0.05, 0.95]);
    for (let b = 0; b < v.budgets.length; b++) {
      expect(spread?.low[b]).toBeLessThan(v.cost[b] as number);
      expect(spread?.high[b]).toBeGreaterThan(v.cost[b] as number);
      expect(spread?.withinBudget[b]).toBe(table.probWithinBudget[b]);
    }
    expect(planTexts(v)[1]?.text).toMatch(
      /bootstrap draws cost [\d.]+ to [\d.]+ per user, \d+% of them within the budget/,
    );
  });
});

describe('budget section', () => {
  it('steps the slider over an evenly spaced grid and picks the plan at or below the budget', () => {
    const r = sliderRange(view);
    expect(r).toEqual({ min: 0, max: expect.closeTo(0.3, 6), step: expect.closeTo(0.1, 12) });
    // The last grid budget is reachable in whole steps even when (max - min) / step rounds below n - 1.
    expect(Math.floor((r.max - r.min) / r.step)).toBe(3);
    const long = sliderRange({ ...view, budgets: Array.from({ length: 24 }, (_, i) => (i * 1.2727855) / 23) });
    expect(Math.floor((long.max - long.min) / long.step)).toBe(23);
    expect(planIndexAt(view, 0.15)).toBe(1);
    expect(planIndexAt(view, 0.2)).toBe(2);
    expect(planIndexAt(view, 0.1 + 0.2)).toBe(3); // 0.30000000000000004
    const texts = planTexts(view);
    expect(texts[3]?.text).toMatch(
      /^Plan for 0\.3 per user \(hrc, .*\): give coupon_1 to 80% and coupon_2 to 20% of users; planned \+0\.06 incremental response per user for 0\.26 spent per user \(in-sample/,
    );
    expect(texts[0]?.text).toContain('nobody gets an incentive');
    // Without scenario quantiles the words say nothing about the spread; with them, each budget's own.
    expect(texts[3]?.text).not.toContain('bootstrap');
    const spread = planTexts({
      ...view,
      costSpread: {
        levels: [0.05, 0.95],
        low: [0, 0.05, 0.14, 0.22],
        high: [0, 0.07, 0.18, 0.31],
        withinBudget: [1, 0.6, 0.55, 0.4],
      },
    });
    expect(spread[3]?.text).toContain(
      'The spend of a run can miss that: 5%-95% of the trial&#39;s bootstrap draws cost 0.22 to 0.31 per user, 40% of them within the budget.',
    );
    expect(spread[1]?.text).toContain('cost 0.05 to 0.07 per user, 60% of them');
  });

  it('writes the slider with vega inlined, the decision twins, and a static page without the runtime', async () => {
    const sim = simulateCouponTrial({ nTrain: 500, nTest: 2000, seed: 3 });
    const decision = await decisionSummary({
      data: sim.test,
      budgets: [0.1, 0.2],
      assign: () => new Int32Array(sim.test.n).fill(1),
      resamples: 20,
      netValue: 3,
    });
    const dir = await mkdtemp(join(tmpdir(), 'hrc-budget-section-'));
    const out = await writeReport(dir, { decision, plans: view }, { generatedAt: 'now' });
    expect((await readdir(dir)).sort()).toEqual([
      'decision.json',
      'decision.md',
      'report.html',
      'results.json',
      'summary.md',
    ]);
    expect(out.charts).toEqual(['profit', 'budget']);
    const html = await readFile(out.html, 'utf8');
    expect(html).toContain('<script type="application/json" id="budget-spec">');
    expect(html).toMatch(/vega/);
    expect(html.indexOf('id="decision"')).toBeLessThan(html.indexOf('id="budget-section"'));
    expect(await readFile(join(dir, 'decision.md'), 'utf8')).toMatch(/^## Decision summary/);
    expect(decision.budgets[0]?.spend.estimate).toBeGreaterThan(0.15);
    expect(await readFile(join(dir, 'decision.md'), 'utf8')).toContain('spent per user (over the budget)');
    const md = await readFile(out.markdown, 'utf8');
    expect(md).toContain('## What to do');
    const stat = await renderReport({ decision, plans: view }, { generatedAt: 'now' });
    // Only the plans as data; no runtime, no code.
    expect(stat.html).not.toMatch(/<script>|vega\.View/);
    expect(stat.html).toContain('id="budget-chart"><svg');
    expect(stat.decision?.json).toContain('"kind": "hrc-budget/decision"');
  });
});
