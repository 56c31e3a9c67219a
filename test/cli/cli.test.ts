import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { oracleAssign, trueValue } from '../../src/sim/truth.js';
import { cliRunner, writeTrialCSV } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-cli-'));

const cli = cliRunner(dir, 600_000);

const sim = simulateCouponTrial({ nTrain: 8000, nTest: 3000, seed: 13 });

const trainCsv = join(dir, 'trial.csv');
const usersCsv = join(dir, 'users.csv');
const policy = join(dir, 'policy.json');
const columns = [
  '--treatment',
  'arm',
  '--control',
  'control',
  '--response',
  'bought',
  '--cost',
  'paid',
  '--exclude',
  'uid',
];

beforeAll(() => {
  writeTrialCSV(trainCsv, sim.train);
  writeTrialCSV(usersCsv, sim.test);
}, 180_000);

describe('hrc-budget CLI', () => {
  it('fits a policy and assigns within budget, close to the best allocation', () => {
    const fit = cli('fit', '--data', trainCsv, ...columns, '--k', '8', '--seed', '3', '--out', policy, '--quiet');
    expect(fit.err).toBe('');
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/HRC policy: \d+ groups/);
    const out = join(dir, 'decisions.csv');
    const a = cli(
      'assign',
      '--policy',
      policy,
      '--data',
      usersCsv,
      '--budget-per-user',
      '0.3',
      '--id',
      'uid',
      '--out',
      out,
      '--quiet',
    );
    expect(a.code).toBe(0);
    // The plan says how far its cost can miss: the outer quantiles over the trial's bootstrap draws, in order.
    const spread =
      /expected cost ([\d.]+) per user \(5%-95% of the trial's bootstrap draws: ([\d.]+) to ([\d.]+); within budget in (\d+)% of them\)/.exec(
        a.out,
      );
    expect(spread).not.toBeNull();
    const [, mid, lo, hi] = (spread as RegExpExecArray).map(Number);
    expect(lo).toBeLessThanOrEqual(mid as number);
    expect(hi).toBeGreaterThanOrEqual(mid as number);
    expect(hi as number).toBeGreaterThan(lo as number);
    // The plan's own figures are labelled in-sample; this policy has no held-out estimate and says so.
    expect(a.out).toMatch(
      /incremental response [\d.]+ per user \(in-sample: estimated on the trial rows the policy was fitted on/,
    );
    expect(a.out).toMatch(/no held-out estimate in this policy: fit with --holdout 0\.3/);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('uid,treatment');
    expect(lines.length).toBe(sim.test.n + 1);
    const names = sim.test.treatmentNames;
    const arms = Int32Array.from(lines.slice(1), (l, i) => {
      const [id, name] = l.split(',');
      expect(id).toBe(`u${i}`);
      return names.indexOf(name as string);
    });
    const v = trueValue(sim.truth, arms);
    expect(v.cost).toBeLessThanOrEqual(0.3 * 1.08);
    const oracle = trueValue(sim.truth, oracleAssign(sim.truth, { perUser: 0.3 }));
    expect(v.incrementalResponse / oracle.incrementalResponse).toBeGreaterThan(0.75);
    // Better than coupons drawn at random (each coupon equally often) for a share of users the budget pays for.
    let avgGain = 0;
    let avgCost = 0;
    for (let j = 1; j < sim.truth.m; j++) {
      const full = trueValue(sim.truth, new Int32Array(sim.truth.n).fill(j));
      avgGain += full.incrementalResponse / (sim.truth.m - 1);
      avgCost += full.incrementalCost / (sim.truth.m - 1);
    }
    expect(v.incrementalResponse).toBeGreaterThan(Math.min(1, 0.3 / avgCost) * avgGain);
  });

  it('writes a slim policy with --slim: no group statistics, a much smaller file, the same grid decisions', () => {
    const slim = join(dir, 'slim.json');
    const fit = cli(
      'fit',
      '--data',
      trainCsv,
      ...columns,
      '--k',
      '8',
      '--seed',
      '3',
      '--slim',
      '--out',
      slim,
      '--quiet',
    );
    expect(fit.code).toBe(0);
    const full = JSON.parse(readFileSync(policy, 'utf8'));
    const small = JSON.parse(readFileSync(slim, 'utf8'));
    expect(full.state.stats).toBeDefined();
    expect(small.state.stats).toBeUndefined();
    expect(readFileSync(slim, 'utf8').length).toBeLessThan(readFileSync(policy, 'utf8').length / 2);
    expect(small.state.table).toEqual(full.state.table);
    // On a grid budget both files give the same decisions.
    const budgets = full.state.table.state.budgets as number[];
    const grid = String(budgets[Math.floor(budgets.length / 2)]);
    const outs = [policy, slim].map((p, i) => {
      const out = join(dir, `grid-${i}.csv`);
      const a = cli(
        'assign',
        '--policy',
        p,
        '--data',
        usersCsv,
        '--budget-per-user',
        grid,
        '--id',
        'uid',
        '--out',
        out,
        '--quiet',
      );
      expect(a.code).toBe(0);
      return readFileSync(out, 'utf8');
    });
    expect(outs[1]).toBe(outs[0]);
  });

  it('fit --workers trains the networks on worker threads and writes the same policy file as one thread', () => {
    const files = ['1', '2'].map((w) => {
      const out = join(dir, `workers-${w}.json`);
      const fit = cli(
        'fit',
        '--data',
        trainCsv,
        ...columns,
        '--k',
        '8',
        '--seed',
        '5',
        '--workers',
        w,
        '--reproducible',
        '--out',
        out,
      );
      expect(fit.code).toBe(0);
      expect(`${fit.out}${fit.err}`.includes('2 at a time on worker threads')).toBe(w === '2');
      return readFileSync(out, 'utf8');
    });
    expect(files[1]).toBe(files[0]);
    const bad = cli('fit', '--data', trainCsv, ...columns, '--workers', '0', '--out', join(dir, 'never.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--workers/);
  });

  it('fit --cost-correction bootstrap stores the correction with the policy, and refuses an unknown value', () => {
    const out = join(dir, 'cost-correction.json');
    const fit = cli('fit', '--data', trainCsv, ...columns, '--k', '8', '--cost-correction', 'bootstrap', '--out', out);
    expect(fit.code).toBe(0);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as {
      kind: string;
      params: { solverOptions?: Record<string, unknown> };
      state: { table: { state: { budgets: number[]; cost: number[] } } };
    };
    expect(saved.kind).toBe('AllocationPolicy');
    expect(saved.params.solverOptions?.costCorrection).toBe('bootstrap');
    // Every plan's estimated cost stays within its budget.
    const { budgets, cost } = saved.state.table.state;
    expect(cost.length).toBe(budgets.length);
    cost.forEach((c, i) => {
      expect(c).toBeLessThanOrEqual((budgets[i] as number) + 1e-9);
    });
    const bad = cli('fit', '--data', trainCsv, ...columns, '--cost-correction', 'always', '--out', join(dir, 'x.json'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--cost-correction/);
  });

  it('assigns in profit mode at the break-even budget', () => {
    const out = join(dir, 'profit.csv');
    const a = cli('assign', '--policy', policy, '--data', usersCsv, '--net-value', '3', '--out', out, '--quiet');
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/break-even budget/);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toMatch(/^0,/);
  });

  it('evaluates a policy by IPW on randomized data', () => {
    const e = cli(
      'evaluate',
      '--policy',
      policy,
      '--data',
      usersCsv,
      ...columns,
      '--budgets',
      '0.1,0.3',
      '--out',
      join(dir, 'eval.json'),
      '--quiet',
    );
    expect(e.code).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'eval.json'), 'utf8')) as {
      budget: number;
      cost: { estimate: number };
    }[];
    expect(res.map((r) => r.budget)).toEqual([0.1, 0.3]);
    expect(res[1]?.cost.estimate).toBeGreaterThan(res[0]?.cost.estimate as number);
    // The decision summary first, in words, against the best single arm and nobody.
    const lines = e.out.split('\n');
    expect(lines[0]).toMatch(
      /^At 0\.1 per user: (give .* of users|nobody gets an incentive); expected [+-][\d.]+.* bought per user for /,
    );
    expect(lines[1]).toMatch(/^At 0\.3 per user: /);
    expect(lines[2]).toMatch(
      /^Figures \(held out only if none of these rows were used to fit the plan\) for hrc: inverse-propensity estimate on 3,000 rows of /,
    );
    expect(e.out).toContain('Best single arm to a random share');
    expect(e.out).toContain('Nobody');
  });

  it('evaluates on the training rows as in-sample, with profit mode and the summary twins', () => {
    const prefix = join(dir, 'decision');
    const e = cli(
      'evaluate',
      '--policy',
      policy,
      '--data',
      trainCsv,
      ...columns,
      '--budgets',
      '0.1,0.3',
      '--net-value',
      '5',
      '--summary',
      prefix,
      '--quiet',
    );
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/In-sample figures \(the rows the plan was fitted on; expect less on new users\)/);
    expect(e.out).toMatch(/Profit mode \(one unit of bought worth 5\): spend up to 0\.[13] per user/);
    const md = readFileSync(`${prefix}.md`, 'utf8');
    expect(md).toMatch(/^## Decision summary\n\n- At 0\.1 per user: /);
    const json = JSON.parse(readFileSync(`${prefix}.json`, 'utf8')) as {
      kind: string;
      heldOut: boolean;
      budgets: unknown[];
    };
    expect(json.kind).toBe('hrc-budget/decision');
    expect(json.heldOut).toBe(false);
    expect(json.budgets).toHaveLength(2);
  });

  it('fit --holdout stores the held-out value per grid budget and assign prints it', () => {
    const held = join(dir, 'held.json');
    const fit = cli(
      'fit',
      '--data',
      trainCsv,
      ...columns,
      '--k',
      '8',
      '--seed',
      '3',
      '--holdout',
      '0.3',
      '--out',
      held,
      '--quiet',
    );
    expect(fit.code).toBe(0);
    expect(fit.out).toMatch(/held out: 2400 rows \(30%, stratified by arm\); at [\d.]+ per user the plan brings/);
    const p = JSON.parse(readFileSync(held, 'utf8'));
    const h = p.params.metadata.holdout;
    expect(h.rows).toBe(2400);
    expect(h.budgets).toEqual(p.state.table.state.budgets);
    expect(h.incrementalResponse).toHaveLength(h.budgets.length);
    for (const r of h.incrementalResponse) expect(r.lower).toBeLessThanOrEqual(r.upper);
    const grid = String(h.budgets[Math.floor(h.budgets.length / 2)]);
    const a = cli(
      'assign',
      '--policy',
      held,
      '--data',
      usersCsv,
      '--budget-per-user',
      grid,
      '--out',
      join(dir, 'held.csv'),
      '--quiet',
    );
    expect(a.code).toBe(0);
    expect(a.out).toMatch(
      /held out: at [\d.]+ per user the plan brought -?[\d.]+ \[-?[\d.]+, -?[\d.]+\] incremental response per user for [\d.]+ \[[\d.]+, [\d.]+\] spent per user \(IPW on 2400 trial rows kept out of the fit, 95% intervals\)/,
    );
    const bad = cli(
      'fit',
      '--data',
      trainCsv,
      ...columns,
      '--method',
      'tpm-sl',
      '--holdout',
      '0.3',
      '--out',
      join(dir, 'x.json'),
    );
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--holdout/);
  });

  it('demo shows HRC and what to do first, then the baselines, and says where the report is', () => {
    const out = join(dir, 'demo');
    const d = cli('demo', '--n', '1500', '--methods', 'hrc,tpm-sl', '--budgets', '0.1,0.3', '--out', out);
    expect(d.code).toBe(0);
    const whatToDo = d.out.indexOf('What to do (HRC, after');
    const baselines = d.out.indexOf('Baselines as they finish');
    expect(whatToDo).toBeGreaterThan(0);
    expect(baselines).toBeGreaterThan(whatToDo);
    expect(d.out.indexOf('report.html (HRC only for now')).toBeGreaterThan(whatToDo);
    expect(d.out.indexOf('report.html (HRC only for now')).toBeLessThan(baselines);
    expect(d.out).toMatch(/\n {2}At 0\.1 per user: .* orders per user for .* spent per user/);
    expect(d.out).toMatch(/wrote .*report\.html, .*results\.json and .*summary\.md after \d+ s/);
    expect(d.err).toMatch(/fitting hrc on seed 42 \(the baselines follow\)/);
    expect(d.err).toMatch(/fitting tpm-sl/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('id="decision"');
    expect(html).toContain('id="budget-spec"');
    expect(JSON.parse(readFileSync(join(out, 'decision.json'), 'utf8')).method).toBe('hrc');
    expect(readFileSync(join(out, 'results.json'), 'utf8')).toContain('"tpm-sl"');
  });

  it('exits 1 with a one-line message on bad input, 0 on --help', () => {
    const missing = cli(
      'fit',
      '--data',
      trainCsv,
      '--treatment',
      'nope',
      '--control',
      'control',
      '--response',
      'bought',
      '--cost',
      'paid',
      '--out',
      policy,
      '--quiet',
    );
    expect(missing.code).toBe(1);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
    expect(missing.err).toMatch(/column 'nope' not found; columns seen: 'uid'/);
    const noFile = cli(
      'assign',
      '--policy',
      join(dir, 'none.json'),
      '--data',
      usersCsv,
      '--budget-per-user',
      '1',
      '--out',
      'x.csv',
    );
    expect(noFile.code).toBe(1);
    expect(noFile.err).toMatch(/cannot be read/);
    const badNum = cli('assign', '--policy', policy, '--data', usersCsv, '--budget-per-user', 'lots', '--out', 'x.csv');
    expect(badNum.code).toBe(1);
    expect(badNum.err).toMatch(/--budget-per-user: expected a number/);
    writeFileSync(join(dir, 'broken.json'), '{"kind":"AllocationPolicy","formatVersion":1}');
    const broken = cli(
      'assign',
      '--policy',
      join(dir, 'broken.json'),
      '--data',
      usersCsv,
      '--budget-per-user',
      '1',
      '--out',
      'x.csv',
    );
    expect(broken.code).toBe(1);
    expect(broken.err).not.toMatch(/at .*\.js/);
    for (const cmd of ['demo', 'fit', 'assign', 'evaluate', 'compare']) {
      const h = cli(cmd, '--help');
      expect(h.code).toBe(0);
      expect(h.out).toMatch(/Usage: hrc-budget/);
    }
  });
});
