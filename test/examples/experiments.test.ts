// Smoke test of the experiment scripts in examples/: each main() on a tiny configuration writes its report files.
// The real experiments are long; their results are in docs/results.md.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main as hillstrom } from '../../examples/experiment-hillstrom.js';
import { main as simulator } from '../../examples/experiment-simulator.js';
import { main as starbucks } from '../../examples/experiment-starbucks.js';

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
    const r = await hillstrom({ out, limit: 3000, seeds: [1], methods: ['uniform', 'random'], quiet: true, print });
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
      limit: 3000,
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
});
