import type { ComparisonMetric, ComparisonResult } from '../eval/compare.js';
import { curveArea, meanResponseUpTo } from '../eval/costcurve.js';
import type { ProfitSummary } from './decision.js';
import type { CostCurveSeries, DistillationSummary, GroupSummary, KSelectionSummary } from './types.js';
import { metricLabels } from './types.js';

/**
 * A Vega-Lite specification as plain JSON. Kept untyped here (vega-lite's own types are checked when compiled),
 * so that building specs needs no import of vega-lite.
 */
export type VegaLiteSpec = Record<string, unknown>;

interface Size {
  readonly width: number;
  readonly height: number;
}

const base = (size: Size, title: string): VegaLiteSpec => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: size.width,
  height: size.height,
  title: { text: title, anchor: 'start', fontSize: 14, limit: 0 },
  config: {
    view: { stroke: null },
    axis: { grid: true, gridOpacity: 0.4 },
    legend: { orient: 'right', symbolOpacity: 1, symbolType: 'circle', labelLimit: 0, titleLimit: 0 },
  },
});

const methodColor = (methods: readonly string[]) => ({
  field: 'method',
  type: 'nominal',
  title: 'Method',
  scale: { domain: [...methods], scheme: 'tableau10' },
});

/**
 * A metric's mean against budget as small multiples: one panel per method (same axes), its line and band, with the
 * reference method (e.g. HRC) drawn in grey in every other panel for comparison. The band is the wider of the seed
 * interval (with three or more seeds) and the mean bootstrap interval. Ratio metrics get a dashed line at 1,
 * spend metrics the budget line (spend = budget).
 */
export function valueVsBudgetSpec(result: ComparisonResult, metric: ComparisonMetric, size: Size): VegaLiteSpec | null {
  const own = result.summary.metrics
    .filter((r) => r.metric === metric && Number.isFinite(r.mean))
    .map((r) => {
      // A t-interval over two seeds (t = 12.7) says little and swamps the chart: seed intervals need 3+ seeds.
      const seeds = r.interval === 'seeds' && r.n >= 3;
      const lows = [seeds ? r.lower : Number.NaN, r.bootstrapLower ?? Number.NaN].filter(Number.isFinite);
      const highs = [seeds ? r.upper : Number.NaN, r.bootstrapUpper ?? Number.NaN].filter(Number.isFinite);
      return {
        method: r.method,
        budget: r.budget,
        mean: r.mean,
        lower: lows.length > 0 ? Math.min(...lows) : r.mean,
        upper: highs.length > 0 ? Math.max(...highs) : r.mean,
        n: r.n,
      };
    });
  if (own.length === 0) return null;
  const methods = result.methods.filter((m) => own.some((v) => v.method === m));
  const ref = result.reference !== undefined && methods.includes(result.reference) ? result.reference : undefined;
  const self = 'method of the panel';
  const other = ref !== undefined ? `${ref}, for comparison` : '';
  const values = methods.flatMap((panel) => [
    ...own.filter((v) => v.method === panel).map((v, i) => ({ ...v, panel, series: self, first: i === 0 })),
    ...(ref !== undefined && panel !== ref
      ? own.filter((v) => v.method === ref).map((v) => ({ ...v, panel, series: other, first: false }))
      : []),
  ]);
  const x = { field: 'budget', type: 'quantitative', title: 'Budget per user' };
  const label = metricLabels[metric];
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain: ref !== undefined ? [self, other] : [self], range: ['#4c78a8', '#9aa5b1'] },
    legend: { orient: 'top', labelLimit: 0, direction: 'horizontal' },
  };
  const layers: VegaLiteSpec[] = [
    {
      transform: [{ filter: `datum.series == '${self}'` }],
      mark: { type: 'errorband', opacity: 0.2, borders: false, color: '#4c78a8' },
      encoding: { x, y: { field: 'lower', type: 'quantitative', title: null }, y2: { field: 'upper' } },
    },
    {
      mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
      encoding: {
        x,
        // The metric is the chart's title; a long axis title would stretch every row of panels.
        y: { field: 'mean', type: 'quantitative', title: null, scale: { zero: false } },
        color,
        detail: { field: 'series' },
        tooltip: [
          { field: 'method', title: 'Method' },
          { field: 'budget', title: 'Budget' },
          { field: 'mean', format: '.4f', title: 'Mean' },
          { field: 'lower', format: '.4f', title: 'Lower' },
          { field: 'upper', format: '.4f', title: 'Upper' },
        ],
      },
    },
  ];
  if (metric.endsWith('spendRatio') || metric.endsWith('oracleRatio') || metric.endsWith('oracleRatioMatched')) {
    layers.push({
      transform: [{ filter: 'datum.first' }],
      mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
      encoding: { y: { datum: 1 } },
    });
  } else if (metric === 'eom.cost' || metric === 'truth.cost') {
    layers.push({
      transform: [{ filter: `datum.series == '${self}'` }],
      mark: { type: 'line', strokeDash: [4, 4], color: '#555', strokeWidth: 1 },
      encoding: { x, y: { field: 'budget', type: 'quantitative' } },
    });
  }
  const columns = Math.min(methods.length, size.width >= 360 ? 4 : 3);
  const note = metric === 'eom.cost' || metric === 'truth.cost' ? ' (dashed: spend = budget)' : '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${label}${note}`, anchor: 'start', fontSize: 14, limit: 0 },
    config: {
      view: { stroke: '#e4e7eb' },
      axis: { grid: true, gridOpacity: 0.4, labelLimit: 0, titleLimit: 0 },
      legend: { labelLimit: 0, titleLimit: 0 },
      header: { labelFontSize: 12, labelLimit: 0, labelFontWeight: 600 },
    },
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: methods },
    columns,
    resolve: { scale: { y: 'shared', x: 'shared' } },
    spec: { width: Math.round(size.width * 0.55), height: Math.round(size.height * 0.6), layer: layers },
  };
}

/**
 * Cost curves: incremental response against incremental cost per method, from the origin, with interval rules. With
 * three or more methods, small multiples: one panel per method with the reference method's curve in grey.
 */
export function costCurveSpec(series: readonly CostCurveSeries[], size: Size, reference?: string): VegaLiteSpec | null {
  if (series.every((s) => s.points.length === 0)) return null;
  const methods = series.map((s) => s.method);
  const rows = (s: CostCurveSeries) => [
    { method: s.method, cost: 0, response: 0, lower: 0, upper: 0, budget: null, order: -1 },
    ...[...s.points]
      .sort((a, b) => a.incrementalCost - b.incrementalCost)
      .map((p, i) => ({
        method: s.method,
        cost: p.incrementalCost,
        response: p.incrementalResponse,
        lower: p.lower ?? p.incrementalResponse,
        upper: p.upper ?? p.incrementalResponse,
        budget: p.budget ?? null,
        order: i,
      })),
  ];
  const x = { field: 'cost', type: 'quantitative', title: 'Incremental cost per user' };
  const y = { field: 'response', type: 'quantitative', title: 'Incremental response per user' };
  const tooltip = [
    { field: 'method', title: 'Method' },
    { field: 'budget', title: 'Budget' },
    { field: 'cost', format: '.4f', title: 'Incremental cost' },
    { field: 'response', format: '.4f', title: 'Incremental response' },
  ];
  const title = 'Cost curves: incremental response vs incremental cost';
  if (series.length < 3) {
    return {
      ...base(size, title),
      data: { values: series.flatMap(rows) },
      layer: [
        {
          mark: { type: 'rule', opacity: 0.5 },
          encoding: {
            x,
            y: { field: 'lower', type: 'quantitative' },
            y2: { field: 'upper' },
            color: methodColor(methods),
          },
        },
        {
          mark: { type: 'line', point: { filled: true, size: 45 }, strokeWidth: 2 },
          encoding: { x, y, order: { field: 'order' }, color: methodColor(methods), tooltip },
        },
      ],
    };
  }
  const ref = reference !== undefined && methods.includes(reference) ? reference : (methods[0] as string);
  const self = 'method of the panel';
  const other = `${ref}, for comparison`;
  const refSeries = series.find((s) => s.method === ref) as CostCurveSeries;
  const values = series.flatMap((s) => [
    ...rows(s).map((r) => ({ ...r, panel: s.method, series: self })),
    ...(s.method !== ref ? rows(refSeries).map((r) => ({ ...r, panel: s.method, series: other })) : []),
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start', fontSize: 14, limit: 0 },
    config: {
      view: { stroke: '#e4e7eb' },
      axis: { grid: true, gridOpacity: 0.4, labelLimit: 0, titleLimit: 0 },
      legend: { labelLimit: 0, titleLimit: 0 },
      header: { labelFontSize: 12, labelLimit: 0, labelFontWeight: 600 },
    },
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: methods },
    columns: Math.min(methods.length, size.width >= 360 ? 4 : 3),
    spec: {
      width: Math.round(size.width * 0.55),
      height: Math.round(size.height * 0.6),
      layer: [
        {
          transform: [{ filter: `datum.series == '${self}'` }],
          mark: { type: 'rule', opacity: 0.5, color: '#4c78a8' },
          encoding: { x, y: { field: 'lower', type: 'quantitative', title: null }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', point: { filled: true, size: 30 }, strokeWidth: 2 },
          encoding: {
            x,
            y: { ...y, title: null },
            order: { field: 'order' },
            detail: { field: 'series' },
            color: {
              field: 'series',
              type: 'nominal',
              title: null,
              scale: { domain: [self, other], range: ['#4c78a8', '#9aa5b1'] },
              legend: { orient: 'top', labelLimit: 0, direction: 'horizontal' },
            },
            tooltip,
          },
        },
      ],
    },
  };
}

/** Per-group uplift (bars with intervals) beside per-group size. */
export function groupsSpec(groups: readonly GroupSummary[], size: Size): VegaLiteSpec | null {
  if (groups.length === 0) return null;
  const values = groups.map((g) => ({
    group: String(g.group),
    size: g.size,
    uplift: g.uplift,
    lower: g.upliftLower ?? g.uplift,
    upper: g.upliftUpper ?? g.uplift,
    arm: g.arm ?? 'n/a',
  }));
  const y = { field: 'group', type: 'nominal', title: 'Group', sort: null };
  const half = { width: Math.round(size.width / 2) - 20, height: Math.max(size.height, 18 * groups.length) };
  return {
    ...base(size, 'Groups: uplift and size'),
    data: { values },
    hconcat: [
      {
        ...half,
        layer: [
          {
            mark: { type: 'bar' },
            encoding: {
              y,
              x: { field: 'uplift', type: 'quantitative', title: 'Incremental response per user' },
              color: { field: 'arm', type: 'nominal', title: 'Arm', scale: { scheme: 'set2' } },
              tooltip: [{ field: 'group' }, { field: 'uplift', format: '.4f' }, { field: 'arm' }, { field: 'size' }],
            },
          },
          {
            mark: { type: 'rule', color: '#333' },
            encoding: { y, x: { field: 'lower', type: 'quantitative' }, x2: { field: 'upper' } },
          },
        ],
      },
      {
        ...half,
        mark: { type: 'bar', color: '#9aa5b1' },
        encoding: { y: { ...y, axis: null }, x: { field: 'size', type: 'quantitative', title: 'Size' } },
      },
    ],
  };
}

/** Distillation agreement per group, with the overall agreement as a rule. */
export function distillationSpec(d: DistillationSummary, size: Size): VegaLiteSpec | null {
  const per = d.perGroup ?? [];
  // One overall figure is a sentence, not a chart.
  if (per.length === 0) return null;
  const values = per.map((g) => ({ group: String(g.group), agreement: g.agreement, size: g.size }));
  return {
    ...base(size, `Distillation: student agrees with teacher on ${(100 * d.agreement).toFixed(1)}% of users`),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'group', type: 'nominal', title: 'Teacher group', sort: null, axis: { labelAngle: 0 } },
          y: { field: 'agreement', type: 'quantitative', title: 'Agreement', scale: { domain: [0, 1] } },
          tooltip: [{ field: 'group' }, { field: 'agreement', format: '.3f' }, { field: 'size' }],
        },
      },
      {
        data: { values: [{ a: d.agreement }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#e45756' },
        encoding: { y: { field: 'a', type: 'quantitative' } },
      },
    ],
  };
}

/** The K candidates' scores with error bars and the chosen K marked. */
export function kSelectionSpec(k: KSelectionSummary, size: Size): VegaLiteSpec | null {
  if (k.scores.length === 0) return null;
  const values = k.scores.map((s) => ({
    k: s.k,
    score: s.score,
    lower: s.score - (s.se ?? 0),
    upper: s.score + (s.se ?? 0),
    chosen: s.k === k.chosen ? 'chosen' : 'candidate',
  }));
  const x = { field: 'k', type: 'quantitative', title: 'Number of groups K' };
  const label = k.scoreLabel ?? 'score';
  return {
    ...base(size, `Choice of K: ${k.chosen}${k.rule !== undefined ? ` (${k.rule})` : ''}`),
    data: { values },
    layer: [
      {
        mark: { type: 'rule', color: '#888' },
        encoding: { x, y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } },
      },
      {
        mark: { type: 'line', color: '#4c78a8' },
        encoding: { x, y: { field: 'score', type: 'quantitative', title: label, scale: { zero: false } } },
      },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x,
          y: { field: 'score', type: 'quantitative' },
          color: {
            field: 'chosen',
            type: 'nominal',
            title: '',
            scale: { domain: ['candidate', 'chosen'], range: ['#4c78a8', '#e45756'] },
          },
          tooltip: [{ field: 'k' }, { field: 'score', format: '.4f' }],
        },
      },
    ],
  };
}

/** Profit mode: net value per user against budget with its interval, and the break-even budget as a dashed rule. */
export function profitSpec(p: ProfitSummary, size: Size): VegaLiteSpec | null {
  if (p.curve.length === 0) return null;
  const values = p.curve.map((c) => ({
    budget: c.budget,
    net: c.net.estimate,
    lower: c.net.lower ?? c.net.estimate,
    upper: c.net.upper ?? c.net.estimate,
  }));
  const x = { field: 'budget', type: 'quantitative', title: 'Budget per user' };
  return {
    ...base(size, `Net value per user; break-even budget ${Number(p.breakEvenBudget.toPrecision(3))}`),
    data: { values },
    layer: [
      {
        mark: { type: 'errorband', opacity: 0.2, color: '#2f7d4f' },
        encoding: {
          x,
          y: { field: 'lower', type: 'quantitative', title: 'Net value per user' },
          y2: { field: 'upper' },
        },
      },
      {
        mark: { type: 'line', point: true, color: '#2f7d4f' },
        encoding: {
          x,
          y: { field: 'net', type: 'quantitative' },
          tooltip: [{ field: 'budget' }, { field: 'net', format: '.4f' }],
        },
      },
      {
        data: { values: [{ y: 0 }] },
        mark: { type: 'rule', color: '#888' },
        encoding: { y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values: [{ b: p.breakEvenBudget }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#e45756' },
        encoding: { x: { field: 'b', type: 'quantitative' } },
      },
    ],
  };
}

/**
 * What a report says of one cost curve: its mean incremental response up to the shared spend (the level, comparable
 * across methods) and its normalized area (the shape only).
 */
export function costCurveLegend(c: CostCurveSeries, fmt: (v: number) => string): string {
  const parts: string[] = [];
  if (c.meanResponseToSharedSpend !== undefined && c.sharedSpend !== undefined) {
    parts.push(`mean incremental response ${fmt(c.meanResponseToSharedSpend)} up to spend ${fmt(c.sharedSpend)}`);
  }
  if (c.normalizedArea !== undefined) parts.push(`normalized area (shape) ${fmt(c.normalizedArea)}`);
  return parts.length > 0 ? `${c.method}: ${parts.join(', ')}` : c.method;
}

/** Cost curves drawn from a comparison: mean EOM incremental cost and response per method and budget. */
export function costCurvesFromComparison(result: ComparisonResult): CostCurveSeries[] {
  const find = (method: string, budget: number, metric: ComparisonMetric) =>
    result.summary.metrics.find((r) => r.method === method && r.budget === budget && r.metric === metric);
  const series = result.methods.map((method) => {
    const points = result.budgets.flatMap((budget) => {
      const c = find(method, budget, 'eom.incrementalCost');
      const r = find(method, budget, 'eom.incrementalResponse');
      if (c === undefined || r === undefined) return [];
      const lower = r.bootstrapLower ?? r.lower;
      const upper = r.bootstrapUpper ?? r.upper;
      return [
        {
          incrementalCost: c.mean,
          incrementalResponse: r.mean,
          budget,
          ...(Number.isFinite(lower) && Number.isFinite(upper) ? { lower, upper } : {}),
        },
      ];
    });
    const { normalizedArea } = curveArea(
      points.map((p) => p.incrementalCost),
      points.map((p) => p.incrementalResponse),
    );
    return { method, points, ...(Number.isFinite(normalizedArea) ? { normalizedArea } : {}) };
  });
  // One spend range for all: up to the smallest of the curves' largest incremental costs.
  let shared = Number.POSITIVE_INFINITY;
  for (const s of series) shared = Math.min(shared, Math.max(0, ...s.points.map((p) => p.incrementalCost)));
  if (!(shared > 0 && Number.isFinite(shared))) return series;
  return series.map((s) => {
    const mean = meanResponseUpTo(
      s.points.map((p) => p.incrementalCost),
      s.points.map((p) => p.incrementalResponse),
      shared,
    );
    return Number.isFinite(mean) ? { ...s, sharedSpend: shared, meanResponseToSharedSpend: mean } : s;
  });
}
