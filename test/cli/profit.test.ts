import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { simulateCouponTrial } from '../../src/sim/simulator.js';
import { buildDist } from '../helpers/build.js';
import { cliRunner, writeTrialCSV } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-cli-profit-'));

const cli = cliRunner(dir, 600_000);

const sim = simulateCouponTrial({ nTrain: 3000, nTest: 1000, seed: 5 });

const trainCsv = join(dir, 'trial.csv');
const usersCsv = join(dir, 'users.csv');
const columns = ['--treatment', 'arm', '--control', 'control', '--response', 'bought', '--cost', 'paid'];

beforeAll(() => {
  buildDist();
  writeTrialCSV(trainCsv, sim.train);
  writeTrialCSV(usersCsv, sim.test);
}, 180_000);

/** Users not given control in a decisions CSV. */
function treated(file: string): number {
  const rows = readFileSync(file, 'utf8').trim().split('\n').slice(1);
  expect(rows.length).toBe(sim.test.n);
  return rows.filter((r) => !r.endsWith(',control')).length;
}

describe('hrc-budget assign --net-value with a baseline model', () => {
  it.each(['tpm-sl', 'uniform'])('%s: profit mode treats more users as the net value rises', (method) => {
    const model = join(dir, `${method}.json`);
    const ok = cli(
      'fit',
      '--data',
      trainCsv,
      ...columns,
      '--exclude',
      'uid',
      '--method',
      method,
      '--seed',
      '2',
      '--out',
      model,
      '--quiet',
    );
    expect(ok.code, ok.err).toBe(0);
    const counts = ['0.5', '2.5', '10'].map((v) => {
      const out = join(dir, `${method}-${v}.csv`);
      const a = cli('assign', '--policy', model, '--data', usersCsv, '--id', 'uid', '--net-value', v, '--out', out);
      expect(a.code, a.err).toBe(0);
      expect(a.out).toMatch(new RegExp(`profit mode \\(${method}\\): net value ${v} per response`));
      return treated(out);
    });
    // Coupons cost 1-4: at 0.5 per order no coupon pays in truth (a model may still see a few that do); at 10 nearly
    // every user's best coupon does.
    expect(counts[0] as number).toBeLessThan(sim.test.n / 4);
    expect(counts[1] as number).toBeGreaterThanOrEqual(counts[0] as number);
    expect(counts[2] as number).toBeGreaterThanOrEqual(counts[1] as number);
    expect(counts[2] as number).toBeGreaterThan(sim.test.n / 2);
    const bad = cli('assign', '--policy', model, '--data', usersCsv, '--net-value', '0', '--out', join(dir, 'x.csv'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/net-value/);
  });
});
