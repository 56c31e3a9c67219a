import { describe, expect, it } from 'vitest';
import { decisionSummary } from '../../src/report/decision.js';
import { decisionJSON, decisionMarkdown, decisionSentences } from '../../src/report/decision-words.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

const sim = simulateCouponTrial({ nTrain: 500, nTest: 4000, seed: 5 });
const test = sim.test;

/** Arm 2 to the first share of users the budget affords (by the trial's mean cost of arm 2). */
function fixedShare(b: number): Int32Array {
  const arms = new Int32Array(test.n);
  const share = Math.min(1, b / 2);
  for (let i = 0; i < Math.floor(share * test.n); i++) arms[i] = 2;
  return arms;
}

describe('decisionSummary', () => {
  it('gives arm shares, value and spend with intervals, and the two plain alternatives at each budget', async () => {
    const s = await decisionSummary({ data: test, budgets: [0.1, 0.3], assign: fixedShare, resamples: 50 });
    expect(s.budgets.map((d) => d.budget)).toEqual([0.1, 0.3]);
    for (const d of s.budgets) {
      expect(d.shares.map((x) => x.arm)).toEqual(test.treatmentNames);
      expect(d.shares.reduce((a, x) => a + x.share, 0)).toBeCloseTo(1, 9);
      expect(d.incrementalResponse.lower).toBeLessThanOrEqual(d.incrementalResponse.estimate);
      expect(d.incrementalResponse.upper).toBeGreaterThanOrEqual(d.incrementalResponse.estimate);
      expect(d.nobody.incrementalResponse.estimate).toBe(0);
      expect(d.nobody.share).toBe(1);
      // The random share of the best single arm spends no more than the budget (point estimate).
      expect(d.bestSingleArm.spend.estimate).toBeLessThanOrEqual(d.budget + 1e-9);
      expect(d.bestSingleArm.arm).not.toBe(test.treatmentNames[0]);
      expect(d.ratioToBestSingleArm).toBeCloseTo(
        d.incrementalResponse.estimate / d.bestSingleArm.incrementalResponse.estimate,
        9,
      );
    }
    expect(s.heldOut).toBe(true);
    expect(s.profit).toBeUndefined();
  });

  it('says it in plain words, with Markdown and JSON twins', async () => {
    const s = await decisionSummary({
      data: test,
      budgets: [0.1, 0.3],
      assign: fixedShare,
      resamples: 50,
      responseName: 'orders',
      netValue: 4,
    });
    const words = decisionSentences(s);
    expect(words[0]).toMatch(
      /^At 0\.1 per user: give coupon_2 to 5% of users; expected [+-][\d.]+ \[[-\d.]+, [-\d.]+\] orders per user for [\d.]+ \[[\d.]+, [\d.]+\] spent per user, /,
    );
    expect(words[0]).toMatch(/x the gain of giving coupon_\d to a random \d+% \(all the budget affords\)\.$/);
    expect(words[2]).toMatch(/^Profit mode \(one order worth 4\): spend up to 0\.[13] per user/);
    const md = decisionMarkdown(s);
    expect(md).toContain('## Decision summary');
    expect(md).toContain('| Budget per user | Who gets what |');
    for (const w of words) expect(md).toContain(w);
    const json = JSON.parse(decisionJSON(s)) as {
      kind: string;
      formatVersion: number;
      budgets: unknown[];
      sentences: string[];
    };
    expect(json.kind).toBe('hrc-budget/decision');
    expect(json.formatVersion).toBe(1);
    expect(json.budgets).toHaveLength(2);
    expect(json.sentences).toEqual(words);
    expect(s.profit?.curve).toHaveLength(2);
  });
});
