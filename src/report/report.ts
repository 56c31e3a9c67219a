import type { ComparisonMetric } from '../eval/compare.js';
import { decisionHtml, decisionJSON, decisionMarkdown } from './decision-words.js';
import { fmt } from './format.js';
import type { ChartBlock, Section } from './html.js';
import { buildHtml } from './html.js';
import { budgetScript, budgetSectionHtml, budgetSpec } from './interactive.js';
import { buildMarkdown } from './markdown.js';
import { compileSpec, renderSVG } from './render.js';
import {
  costCurveLegend,
  costCurveSpec,
  costCurvesFromComparison,
  distillationSpec,
  groupsSpec,
  kSelectionSpec,
  profitSpec,
  type VegaLiteSpec,
  valueVsBudgetSpec,
} from './specs.js';
import { differenceTable, failureTable, summaryTables, tableMetrics } from './tables.js';
import { defaultReportOptions, metricLabels, type ReportInput, type ReportOptions } from './types.js';

/** A report rendered in memory: the HTML page, the Markdown summary and the results as JSON text. */
export interface RenderedReport {
  readonly html: string;
  readonly markdown: string;
  readonly json: string;
  /** The decision summary's Markdown and JSON twins, when the input has one. */
  readonly decision?: { readonly markdown: string; readonly json: string };
  /** Ids of the charts in the page, in order. */
  readonly charts: readonly string[];
  /** Warnings from Vega-Lite and Vega while rendering (the library never prints them). */
  readonly warnings: readonly string[];
}

/** The metrics drawn against budget when none are asked for. */
export function defaultValueMetrics(input: ReportInput): ComparisonMetric[] {
  const hasTruth = input.comparison?.rows.some((r) => r.metric.startsWith('truth.')) ?? false;
  return hasTruth
    ? ['truth.oracleRatioMatched', 'truth.cost', 'eom.incrementalResponse']
    : ['eom.incrementalResponse', 'eom.cost'];
}

/**
 * Renders a report in memory: a self-contained HTML page with inline SVG charts (Vega-Lite, rendered without a
 * browser), a Markdown summary and the input as JSON (results.json). Sections without data are left out. Runs in
 * Node and in browsers; `writeReport` (Node only) writes the three files.
 *
 * @example
 * ```ts
 * const result = await compare({ methods, train, test, truth, budgets: [0.2, 0.5], seeds: [1, 2, 3] });
 * const { html, markdown } = await renderReport({ title: 'Simulator, noise 0.2', comparison: result });
 * ```
 */
export async function renderReport(input: ReportInput, options: ReportOptions = {}): Promise<RenderedReport> {
  const o = { ...defaultReportOptions, ...options };
  const size = { width: o.width, height: o.height };
  const generatedAt = o.generatedAt ?? new Date().toISOString();
  const warnings: string[] = [];
  const chart = async (id: string, spec: VegaLiteSpec | null, caption: string): Promise<ChartBlock[]> => {
    if (spec === null) return [];
    const r = await renderSVG(spec);
    warnings.push(...r.warnings.map((w) => `${id}: ${w}`));
    return [{ id, caption, svg: r.svg }];
  };
  const sections: Section[] = [];
  const cmp = input.comparison;
  const valueMetrics = [...(o.valueMetrics ?? defaultValueMetrics(input))];
  if (cmp !== undefined) {
    const charts: ChartBlock[] = [];
    for (const metric of valueMetrics) {
      charts.push(
        ...(await chart(
          `value:${metric}`,
          valueVsBudgetSpec(cmp, metric, size),
          `${metricLabels[metric]} by budget, one panel per method${cmp.reference !== undefined ? ` (grey: ${cmp.reference})` : ''}; line = mean over seeds, band = the wider of the ${Math.round(100 * cmp.summary.level)}% interval over seeds (with 3+ seeds) and the mean bootstrap interval over test rows.`,
        )),
      );
    }
    sections.push({
      title: 'Value against budget',
      note: `Methods: ${cmp.methods.join(', ')}. Seeds: ${cmp.seeds.join(', ')}. Budgets per user: ${cmp.budgets.map(fmt).join(', ')}.`,
      charts,
      tables: [],
    });
  }
  const curves = input.costCurves ?? (cmp !== undefined ? costCurvesFromComparison(cmp) : []);
  if (curves.length > 0) {
    sections.push({
      title: 'Cost curves',
      note: `Incremental response against incremental cost over the budget sweep; higher and further left is better. Vertical rules are intervals of the incremental response.${curves.length >= 3 ? ` One panel per method${cmp?.reference !== undefined ? `, ${cmp.reference} in grey for comparison` : ''}.` : ''}`,
      charts: await chart(
        'cost-curves',
        costCurveSpec(curves, size, cmp?.reference),
        curves.map((c) => costCurveLegend(c, fmt)).join('; '),
      ),
      tables: [],
    });
  }
  if (cmp !== undefined) {
    const metrics = tableMetrics(cmp, valueMetrics);
    const diff = differenceTable(
      cmp,
      valueMetrics.filter((m) => metrics.includes(m)),
    );
    const fail = failureTable(cmp);
    sections.push({
      title: 'Tables',
      charts: [],
      tables: [...summaryTables(cmp, metrics), ...(diff !== null ? [diff] : []), ...(fail !== null ? [fail] : [])],
    });
  }
  if (input.groups !== undefined && input.groups.length > 0) {
    sections.push({
      title: 'Groups',
      note: `Per-group incremental response (bars, with intervals where known; colour = the arm the plan gives the group ${input.groupsBudget !== undefined ? `at ${fmt(input.groupsBudget)} per user` : 'at one budget'}) and group size.`,
      charts: await chart('groups', groupsSpec(input.groups, size), `${input.groups.length} groups.`),
      tables: [],
    });
  }
  if (input.distillation !== undefined) {
    sections.push({
      title: 'Distillation',
      note: `The serving model (a small network) puts ${(100 * input.distillation.agreement).toFixed(1)}% of held-out users in the same group as the full model.`,
      charts: await chart(
        'distillation',
        distillationSpec(input.distillation, size),
        'Share of users the student assigns to the same group as the teacher; dashed line = overall.',
      ),
      tables: [],
    });
  }
  if (input.kSelection !== undefined) {
    sections.push({
      title: 'Choice of K',
      charts: await chart(
        'k-selection',
        kSelectionSpec(input.kSelection, size),
        'Held-out score of each candidate K (± one standard error where known); red = chosen.',
      ),
      tables: [],
    });
  }
  let lead = '';
  const charts: string[] = []; // ids, in page order
  if (input.decision !== undefined) {
    const profit = input.decision.profit;
    const spec = profit !== undefined ? profitSpec(profit, size) : null;
    let svg: string | undefined;
    if (spec !== null) {
      const r = await renderSVG(spec);
      warnings.push(...r.warnings.map((w) => `profit: ${w}`));
      svg = r.svg;
      charts.push('profit');
    }
    lead = decisionHtml(input.decision, svg);
  }
  let tail: string | undefined;
  if (input.plans !== undefined && input.plans.budgets.length > 0) {
    const d = input.decision?.budgets;
    const initial =
      o.budget ??
      (d !== undefined && d.length > 0
        ? (d[Math.floor(d.length / 2)]?.budget as number)
        : (input.plans.budgets[Math.floor(input.plans.budgets.length / 2)] as number));
    const spec = budgetSpec(input.plans, initial, size);
    const r = await renderSVG(spec);
    warnings.push(...r.warnings.map((w) => `budget: ${w}`));
    lead += budgetSectionHtml(input.plans, initial, r.svg);
    charts.push('budget');
    if (o.vegaRuntime !== undefined) tail = budgetScript((await compileSpec(spec)).spec, o.vegaRuntime);
  }
  const title = input.title ?? 'hrc-budget report';
  const facts = Object.entries(input.metadata ?? {}).map(([k, v]) => [k, String(v)] as const);
  const html = buildHtml({
    title,
    ...(input.description !== undefined ? { description: input.description } : {}),
    generatedAt,
    facts,
    ...(lead !== '' ? { lead } : {}),
    ...(tail !== undefined ? { tail } : {}),
    sections,
  });
  const markdown = buildMarkdown(input, { title, generatedAt, valueMetrics });
  const json = `${JSON.stringify({ kind: 'hrc-budget/report', formatVersion: 1, generatedAt, ...input }, jsonReplacer, 2)}\n`;
  charts.push(...sections.flatMap((s) => s.charts.map((c) => c.id)));
  const decision =
    input.decision !== undefined
      ? { markdown: decisionMarkdown(input.decision), json: decisionJSON(input.decision) }
      : undefined;
  return { html, markdown, json, ...(decision !== undefined ? { decision } : {}), charts, warnings };
}

/** JSON has no NaN or Infinity: write them as null; typed arrays as plain arrays. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}
