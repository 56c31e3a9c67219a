import { describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from '../../src/core/errors.js';

// vega and vega-lite are optional peer dependencies: here both fail to load, as when they are not installed.
vi.mock('vega', () => {
  throw new Error("Cannot find package 'vega'");
});
vi.mock('vega-lite', () => {
  throw new Error("Cannot find package 'vega-lite'");
});

describe('the report without vega and vega-lite', () => {
  it('renderSVG throws a BackendUnavailableError naming both packages', async () => {
    const { renderSVG } = await import('../../src/report/render.js');
    const spec = { mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } };
    const error = await renderSVG(spec as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as BackendUnavailableError).backend).toBe('report');
    expect((error as BackendUnavailableError).packageName).toBe('vega vega-lite');
    expect((error as Error).message).toMatch(/npm install vega vega-lite/);
  });

  it('the decision summary needs neither: its module loads without them', async () => {
    const report = await import('../../src/report.js');
    expect(typeof report.decisionSummary).toBe('function');
  });
});
