import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { replayDay } from '../../bench/online-replay.js';
import { hashUniform } from '../../src/online/index.js';
import type { AllocationPolicy } from '../../src/policy/index.js';
import { buildDist } from '../helpers/build.js';
import { cliRunner } from '../helpers/cli.js';
import { onlinePolicy } from '../online/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-online-cli-'));
const N = 20_000;

const cli = cliRunner(dir, 300_000);

function writeUsers(file: string, shift: number) {
  const day = replayDay(N, 3, shift, 1);
  const lines = [['uid', ...Array.from({ length: day.d }, (_, j) => `x${j}`)].join(',')];
  for (let i = 0; i < N; i++) {
    lines.push(
      [`u${i}`, ...Array.from(day.features.subarray(i * day.d, (i + 1) * day.d), (v) => v.toFixed(6))].join(','),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

let policy: AllocationPolicy;
const policyFile = join(dir, 'policy.json');
const calm = join(dir, 'calm.csv');
const shifted = join(dir, 'shifted.csv');

beforeAll(async () => {
  buildDist();
  policy = await onlinePolicy();
  writeFileSync(policyFile, JSON.stringify(policy.toJSON()));
  writeUsers(calm, 0);
  writeUsers(shifted, 3);
}, 180_000);

describe('hrc-budget assign with a period budget', () => {
  it('paces to --total-budget with a holdout, caps and a decision log', () => {
    const total = (policy.table.budgets[12] as number) * N;
    const out = join(dir, 'd.csv');
    const log = join(dir, 'log.jsonl');
    const r = cli(
      'assign',
      '--policy',
      policyFile,
      '--data',
      calm,
      '--id',
      'uid',
      '--total-budget',
      String(total),
      '--holdout',
      '0.05',
      '--cap',
      'coupon_4=300',
      '--log',
      log,
      '--out',
      out,
      '--quiet',
    );
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /planned spend ([\d.e+-]+) of a budget of ([\d.e+-]+)/.exec(r.out);
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m?.[1]) / total - 1)).toBeLessThan(0.01);
    expect(r.out).toMatch(/drift: group-share PSI [\d.]+ .*: ok/);
    const rows = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('uid,treatment');
    expect(rows.length).toBe(N + 1);
    expect(rows.filter((l) => l.endsWith(',coupon_4')).length).toBeLessThanOrEqual(300);
    const entries = readFileSync(log, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; arm: number; propensity: number; group: number; holdout: boolean });
    expect(entries.length).toBe(N);
    entries.forEach((e, i) => {
      expect(e.id).toBe(`u${i}`);
      expect(rows[i + 1]).toBe(`u${i},${policy.treatmentNames[e.arm]}`);
      expect(e.propensity).toBeGreaterThan(0);
      // Holdout membership is the seeded hash of the id: stable across runs and machines.
      expect(e.holdout).toBe(hashUniform(42, 1, `u${i}`) < 0.05);
    });
    const held = entries.filter((e) => e.holdout).length / N;
    expect(Math.abs(held - 0.05)).toBeLessThan(0.005);
  });

  it('exits with code 3 under --fail-on-drift when the users have drifted, 0 when not', () => {
    const args = (data: string) => [
      'assign',
      '--policy',
      policyFile,
      '--data',
      data,
      '--budget-per-user',
      String(policy.table.budgets[10]),
      '--fail-on-drift',
      '--out',
      join(dir, 'x.csv'),
      '--quiet',
    ];
    const bad = cli(...args(shifted));
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/drift detected: group-share PSI/);
    expect(bad.out).toMatch(/DRIFT/);
    const ok = cli(...args(calm));
    expect(ok.code).toBe(0);
  });

  it('names bad caps, holdouts and budget combinations', () => {
    const base = ['assign', '--policy', policyFile, '--data', calm, '--out', join(dir, 'y.csv'), '--quiet'];
    const unknown = cli(...base, '--total-budget', '100', '--cap', 'coupon_9=5');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/caps\.coupon_9: unknown arm/);
    const malformed = cli(...base, '--total-budget', '100', '--cap', 'coupon_4=lots');
    expect(malformed.code).toBe(1);
    expect(malformed.err).toMatch(/--cap: expected ARM=N/);
    const holdout = cli(...base, '--total-budget', '100', '--holdout', '1');
    expect(holdout.code).toBe(1);
    expect(holdout.err).toMatch(/holdout: expected a share in \[0, 1\)/);
    const both = cli(...base, '--total-budget', '100', '--budget-per-user', '1');
    expect(both.code).toBe(1);
    expect(both.err).toMatch(/exactly one of/);
    const infeasible = cli(
      ...base,
      '--total-budget',
      '100',
      '--cap',
      'control=1,coupon_1=1,coupon_2=1,coupon_3=1,coupon_4=1',
    );
    expect(infeasible.code).toBe(1);
    expect(infeasible.err).toMatch(/caps: the arm caps allow 5 users/);
  });
});
