// Smoke test of the experiment scripts in examples/: each main() on a tiny configuration writes its report files.
// The real experiments are long; their results are in docs/results.md.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as hillstrom } from '../../examples/experiment-hillstrom.js';
import { main as merge } from '../../examples/experiment-merge.js';
import { main as simulator } from '../../examples/experiment-simulator.js';
import { main as starbucks } from '../../examples/experiment-starbucks.js';

import { fixture } from '../helpers/shared.js';

const dir = mkdtempSync(join(tmpdir(), 'hrc-experiments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines: string[] = [];
const print = (l: string) => lines.push(l);

function expectReport(folder: string) {
  for (const f of ['report.html', 'results.json', 'summary.md']) expect(existsSync(join(folder, f)), f).toBe(true);
  const json = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as { kind: string };
  expect(json.kind).toBe('hrc-budget/report');
  expect(readFileSync(join(folder, 'report.html'), 'utf8')).toContain('<svg');
}

describe('experiment scripts', () => {
  it('simulator: one setting, one seed, HRC and the uniform reference', async () => {
    const out = join(dir, 'sim');
    const r = await simulator({
      out,
      nTrain: 1000,
      nTest: 1000,
      seeds: [1],
      budgets: [0.2, 0.5],
      settings: [{ labelNoise: 0.2, heavyTails: true }],
      methods: ['hrc', 'uniform'],
      quiet: true,
      print,
    });
    expect(r.settings).toHaveLength(1);
    expectReport(join(out, 'noise-0.2-heavy-tails'));
    expect(readFileSync(r.overview, 'utf8')).toContain('truth.oracleRatio');
    const ratios = r.settings[0]?.result.summary.metrics.filter((m) => m.metric === 'truth.oracleRatio') ?? [];
    expect(ratios).toHaveLength(4);
    expect(lines.some((l) => l.startsWith('reproduce: npx tsx examples/experiment-simulator.ts'))).toBe(true);
  });

  it('hillstrom: a slice of the file, one seed, two reference methods, with the CLI command', async () => {
    const out = join(dir, 'hillstrom');
    const r = await hillstrom({
      out,
      data: fixture('hillstrom-3k.csv'),
      seeds: [1],
      methods: ['uniform', 'random'],
      quiet: true,
      print,
    });
    expectReport(out);
    expect(r.run.data.treatmentNames).toEqual(['No E-Mail', 'Mens E-Mail', 'Womens E-Mail']);
    expect(r.run.cliCommand).toContain('compare');
    expect(r.run.cliCommand).toContain('--preset hillstrom');
    expect(readFileSync(join(out, 'tables.md'), 'utf8')).toContain('Incremental spend');
  });

  it('starbucks: a slice of the file, HRC with profit mode and the uniform reference', async () => {
    const out = join(dir, 'starbucks');
    const r = await starbucks({
      out,
      data: fixture('starbucks-3k.csv'),
      seeds: [1],
      budgets: [0.015, 0.075],
      methods: ['hrc', 'uniform'],
      quiet: true,
      print,
    });
    expectReport(out);
    expect(r.run.cliCommand).toContain('--preset starbucks --response-scale 10');
    expect(r.profit).toHaveLength(1);
    expect(Number.isFinite(r.profit[0]?.nir)).toBe(true);
    expect(readFileSync(join(out, 'tables.md'), 'utf8')).toContain('Net incremental revenue');
  });

  it('merge: runs over different seeds become one report summarized over all seeds', async () => {
    const a = join(dir, 'hill-a');
    const b = join(dir, 'hill-b');
    const common = { data: fixture('hillstrom-3k.csv'), methods: ['uniform', 'random'] as const, quiet: true, print };
    await hillstrom({ ...common, methods: [...common.methods], out: a, seeds: [1] });
    await hillstrom({ ...common, methods: [...common.methods], out: b, seeds: [2] });
    const out = join(dir, 'hill-merged');
    const r = await merge({ inputs: [join(a, 'results.json'), join(b, 'results.json')], out, print });
    expectReport(out);
    expect(r.result.seeds).toEqual([1, 2]);
    const row = r.result.summary.metrics.find((m) => m.method === 'uniform' && m.metric === 'eom.incrementalResponse');
    expect(row?.n).toBe(2);
    await expect(merge({ inputs: [join(a, 'results.json'), join(a, 'results.json')], out, print })).rejects.toThrow(
      /seed 1 is in two inputs/,
    );
  });
});
