import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { RNG } from '../../src/core/rng.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { AllocationPolicy, policyMetadata } from '../../src/policy/index.js';
import { GroupStats, StochasticBudgetSolver } from '../../src/solver/index.js';
import { cliRunner } from '../helpers/cli.js';
import { linearStudent, studentGroups } from '../helpers/student.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'hrc-cli-safety-'));

const cli = cliRunner(dir, 300_000);

const arms = ['none', 'small', 'big'];
const policyFile = join(dir, 'policy.json');
const trialCsv = join(dir, 'trial.csv');

/** A trial CSV (uid, two features, arm, y) and a policy over its features, without training anything. */
async function setup(n: number) {
  const r = new RNG(7);
  const rows = Array.from({ length: n }, (_, i) => ({
    uid: `u${i}`,
    age: Math.round(20 + 40 * r.next()),
    spend: Number((100 * r.next()).toFixed(2)),
    arm: arms[i % 3] as string,
    y: r.next() < 0.1 + (i % 3) * 0.05 ? 1 : 0,
  }));
  const data = datasetFromRows(rows, {
    treatment: 'arm',
    control: 'none',
    response: 'y',
    armCost: { none: 0, small: 1, big: 2 },
    arms: ['small', 'big'],
    id: 'uid',
  });
  const student = linearStudent(data.d, 4, 3);
  const stats = GroupStats.from(data, { groups: studentGroups(student, data.features, data.d), k: 4 });
  const table = await new StochasticBudgetSolver().solve(stats, { budgets: [0.2, 0.5, 1], armNames: arms });
  const policy = new AllocationPolicy({
    student,
    table,
    stats,
    ...(data.encoding !== undefined ? { encoding: data.encoding } : {}),
    featureNames: data.featureNames,
    treatmentNames: data.treatmentNames,
    metadata: policyMetadata(),
  });
  writeFileSync(policyFile, JSON.stringify(policy.toJSON()));
  const cols = Object.keys(rows[0] as object);
  const text = `${cols.join(',')}\n${rows.map((row) => cols.map((c) => String(row[c as keyof typeof row])).join(',')).join('\n')}\n`;
  writeFileSync(trialCsv, text);
  return { rows, text };
}

let text = '';
beforeAll(async () => {
  ({ text } = await setup(3000));
}, 180_000);

const trialArgs = ['--treatment', 'arm', '--control', 'none', '--response', 'y', '--arm-cost', 'none=0,small=1,big=2'];

describe('output safety', () => {
  it('refuses --out equal to an input file and leaves the input alone', () => {
    const before = readFileSync(trialCsv, 'utf8');
    for (const args of [
      ['assign', '--policy', policyFile, '--data', trialCsv, '--budget-per-user', '0.5', '--out', trialCsv],
      ['assign', '--policy', policyFile, '--data', trialCsv, '--budget-per-user', '0.5', '--out', policyFile],
      ['fit', '--data', trialCsv, ...trialArgs, '--out', join(dir, '.', 'trial.csv')],
      ['evaluate', '--policy', policyFile, '--data', trialCsv, ...trialArgs, '--budgets', '0.5', '--out', policyFile],
    ]) {
      const r = cli(...args, '--quiet');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/--out\..*is the same file as --(data|policy)/);
    }
    expect(readFileSync(trialCsv, 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(policyFile, 'utf8')).kind).toBe('AllocationPolicy');
  });

  it('names --out when its folder is missing or not writable (exit 1, no internal error)', () => {
    const missing = join(dir, 'no-such-folder', 'd.csv');
    const r = cli('assign', '--policy', policyFile, '--data', trialCsv, '--budget-per-user', '0.5', '--out', missing);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--out\..*no-such-folder.*does not exist/);
    expect(r.err).not.toMatch(/internal error/);
    const folder = cli('assign', '--policy', policyFile, '--data', trialCsv, '--budget-per-user', '0.5', '--out', dir);
    expect(folder.code).toBe(1);
    expect(folder.err).toMatch(/--out\..*is a folder/);
  });

  it('removes stale temporary files of its output left by a dead process', () => {
    const out = join(dir, 'stale.csv');
    const stale = join(dir, '.stale.csv.999999999.hrc-tmp');
    writeFileSync(stale, 'half-written');
    const r = cli('assign', '--policy', policyFile, '--data', trialCsv, '--budget-per-user', '0.5', '--out', out);
    expect(r.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(out, 'utf8').split('\n')).toHaveLength(3002);
  });

  it('ignores a closed stdout pipe (EPIPE) and still writes its output', async () => {
    const out = join(dir, 'epipe.csv');
    const child = spawn(process.execPath, [
      bin,
      'assign',
      '--policy',
      policyFile,
      '--data',
      trialCsv,
      '--budget-per-user',
      '0.5',
      '--out',
      out,
      '--quiet',
    ]);
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (b) => {
      err += String(b);
    });
    const code = await new Promise<number | null>((res) => child.on('close', res));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('removes its temporary file when killed with SIGTERM', async () => {
    const big = join(dir, 'big.csv');
    const body = text.slice(text.indexOf('\n') + 1);
    writeFileSync(big, text.slice(0, text.indexOf('\n') + 1) + body.repeat(150));
    const out = join(dir, 'killed.csv');
    const child = spawn(process.execPath, [
      bin,
      'assign',
      '--policy',
      policyFile,
      '--data',
      big,
      '--budget-per-user',
      '0.5',
      '--workers',
      '1',
      '--out',
      out,
      '--quiet',
    ]);
    const temp = () => readdirSync(dir).filter((f) => f.startsWith('.killed.csv.'));
    const t0 = Date.now();
    while (temp().length === 0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
    expect(temp().length).toBe(1);
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((res) => child.on('close', (c, s) => res(c ?? (s ? -1 : null))));
    expect(code).toBe(143);
    expect(temp()).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('evaluate matches arms by name', () => {
  it('gives the same result whatever the order the arms appear in, and names both lists on a renamed arm', () => {
    const r1 = cli('evaluate', '--policy', policyFile, '--data', trialCsv, ...trialArgs, '--budgets', '0.5', '--quiet');
    expect(r1.code).toBe(0);
    // With --cost (no --arm-cost) the data's arms are numbered by name (none, big, small), not as in the policy
    // (none, small, big): a positional match would score the policy's 'small' against the data's 'big'.
    const reordered = join(dir, 'reordered.csv');
    const lines = text.trimEnd().split('\n');
    const header = lines[0] as string;
    const body = lines.slice(1);
    const first = body.findIndex((l) => l.includes(',big,'));
    writeFileSync(reordered, `${[header, body[first], ...body.filter((_, i) => i !== first)].join('\n')}\n`);
    const r2 = cli(
      'evaluate',
      '--policy',
      policyFile,
      '--data',
      reordered,
      '--treatment',
      'arm',
      '--control',
      'none',
      '--response',
      'y',
      '--cost',
      'y',
      '--budgets',
      '0.5',
      '--quiet',
    );
    expect(r2.err).toBe('');
    expect(r2.out.split('\n')[2]?.split(/\s{2,}/)[1]).toBe(r1.out.split('\n')[2]?.split(/\s{2,}/)[1]);
    const renamed = join(dir, 'renamed.csv');
    writeFileSync(renamed, text.replaceAll(',big,', ',large,'));
    const r3 = cli(
      'evaluate',
      '--policy',
      policyFile,
      '--data',
      renamed,
      '--treatment',
      'arm',
      '--control',
      'none',
      '--response',
      'y',
      '--arm-cost',
      'none=0,small=1,large=2',
      '--budgets',
      '0.5',
    );
    expect(r3.code).toBe(1);
    expect(r3.err).toMatch(
      /the model's arms are 'none', 'small', 'big'; the data's arms are 'none', 'small', 'large' \(not in the data: 'big'; unknown to the model: 'large'\)/,
    );
  });
});

describe('fit guards against leakage', () => {
  it('prints the features, refuses columns recorded after the treatment, and trains once they are outcomes', () => {
    const r = new RNG(11);
    const lines = ['age,spend,arm,flag,visit,y'];
    for (let i = 0; i < 1500; i++) {
      const arm = arms[i % 3] as string;
      const visit = r.next() < 0.1 + 0.15 * (i % 3) ? 1 : 0;
      lines.push(`${Math.round(20 + 40 * r.next())},${(100 * r.next()).toFixed(2)},${arm},${i % 3},${visit},${visit}`);
    }
    const file = join(dir, 'leaky.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const out = join(dir, 'leaky.json');
    const refused = cli('fit', '--data', file, ...trialArgs, '--out', out, '--quiet');
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/features: 4 encoded from 4 columns: age, spend, flag, visit/);
    expect(refused.err).toMatch(/--features\.flag: column 'flag' is constant within every arm/);
    expect(refused.err).toMatch(/--features\.visit: column 'visit' differs between/);
    expect(existsSync(out)).toBe(false);
    const ok = cli(
      'fit',
      '--data',
      file,
      ...trialArgs,
      '--outcomes',
      'visit',
      '--exclude',
      'flag',
      '--k',
      '2',
      '--out',
      out,
      '--quiet',
    );
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/features: 2 encoded from 2 columns: age, spend/);
    expect(JSON.parse(readFileSync(out, 'utf8')).params.featureNames).toEqual(['age', 'spend']);
  });
});

describe('the build', () => {
  it('leaves dist/cli/main.js executable, so npx hrc-budget runs it directly', () => {
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});
