import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSVG } from '../../src/report/render.js';
import { renderReport } from '../../src/report/report.js';
import { writeReport } from '../../src/report/write.js';
import { sampleReportInput } from './sample.js';

describe('renderSVG', () => {
  it('renders a Vega-Lite spec to SVG without a browser and collects warnings instead of printing', async () => {
    const r = await renderSVG({
      data: {
        values: [
          { a: 1, b: 2 },
          { a: 2, b: 3 },
        ],
      },
      mark: 'line',
      encoding: {
        x: { field: 'a', type: 'quantitative' },
        y: { field: 'b', type: 'quantitative' },
        size: { field: 'a', type: 'nominal' },
      },
    });
    expect(r.svg.startsWith('<svg')).toBe(true);
    expect(r.svg).toContain('mark-line');
    expect(r.warnings.length).toBeGreaterThan(0);
  });
});

describe('renderReport and writeReport', () => {
  it('writes a self-contained page with every chart, results.json and a Markdown summary', async () => {
    const input = await sampleReportInput();
    const dir = await mkdtemp(join(tmpdir(), 'hrc-report-'));
    const out = await writeReport(dir, input, { generatedAt: '2026-01-01T00:00:00Z' });
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'results.json', 'summary.md']);
    expect(out.charts).toEqual([
      'value:truth.oracleRatioMatched',
      'value:truth.cost',
      'value:eom.incrementalResponse',
      'cost-curves',
      'groups',
      'distillation',
      'k-selection',
    ]);
    const html = await readFile(out.html, 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(7);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(html).toContain('Sample report &lt;simulator&gt;');
    expect(html).toContain('Paired differences, method − hrc');
    const json = JSON.parse(await readFile(out.json, 'utf8'));
    expect(json.kind).toBe('hrc-budget/report');
    expect(json.comparison.rows.length).toBe(input.comparison?.rows.length);
    const md = await readFile(out.markdown, 'utf8');
    expect(md).toContain('# Sample report <simulator>');
    expect(md).toMatch(/\| hrc \| /);
    expect(md).toContain('Chosen K = 6');
  });

  it('leaves out sections without data and still renders an empty report', async () => {
    const r = await renderReport({ title: 'empty' }, { generatedAt: 'now' });
    expect(r.charts).toEqual([]);
    expect(r.html).toContain('<h1>empty</h1>');
    const k = await renderReport({ kSelection: { scores: [{ k: 2, score: 1 }], chosen: 2 } });
    expect(k.charts).toEqual(['k-selection']);
  });
});
