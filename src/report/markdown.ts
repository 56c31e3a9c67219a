import type { ComparisonMetric } from '../eval/compare.js';
import { decisionMarkdown } from './decision-words.js';
import { fmt, mdCell } from './format.js';
import { costCurveLegend } from './specs.js';
import { differenceTable, failureTable, summaryTables, type Table, tableMetrics } from './tables.js';
import type { ReportInput } from './types.js';

function mdTable(t: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  return [
    `*${mdCell(t.caption)}*`,
    '',
    line(t.header),
    `|${t.header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...t.rows.map(line),
  ].join('\n');
}

/** The Markdown summary: the same tables as the HTML report, plus the optional sections as short lists. */
export function buildMarkdown(
  input: ReportInput,
  o: { title: string; generatedAt: string; valueMetrics: readonly ComparisonMetric[] },
): string {
  const out: string[] = [`# ${o.title}`, ''];
  if (input.description !== undefined) out.push(input.description, '');
  out.push(`Generated ${o.generatedAt} by hrc-budget.`, '');
  if (input.decision !== undefined) out.push(decisionMarkdown(input.decision, 'What to do'));
  const meta = Object.entries(input.metadata ?? {});
  if (meta.length > 0) {
    for (const [k, v] of meta) out.push(`- **${mdCell(k)}**: ${mdCell(String(v))}`);
    out.push('');
  }
  const cmp = input.comparison;
  if (cmp !== undefined) {
    out.push('## Results', '');
    out.push(`Methods: ${cmp.methods.join(', ')}. Seeds: ${cmp.seeds.join(', ')}.`, '');
    const metrics = tableMetrics(cmp, o.valueMetrics);
    for (const t of summaryTables(cmp, metrics)) out.push(mdTable(t), '');
    const diff = differenceTable(
      cmp,
      o.valueMetrics.filter((m) => metrics.includes(m)),
    );
    if (diff !== null) out.push('## Differences', '', mdTable(diff), '');
    const fail = failureTable(cmp);
    if (fail !== null) out.push('## Failures', '', mdTable(fail), '');
  }
  if (input.costCurves !== undefined) {
    out.push('## Cost curves', '');
    for (const c of input.costCurves) {
      const pts = [...c.points].sort((a, b) => a.incrementalCost - b.incrementalCost);
      out.push(
        `- ${costCurveLegend(c, fmt)}; points: ${pts.map((p) => `(${fmt(p.incrementalCost)}, ${fmt(p.incrementalResponse)})`).join(' ')}`,
      );
    }
    out.push('');
  }
  if (input.groups !== undefined && input.groups.length > 0) {
    out.push('## Groups', '');
    out.push(
      mdTable({
        caption: `Per-group uplift and size; arm = the plan's arm ${input.groupsBudget !== undefined ? `at ${fmt(input.groupsBudget)} per user` : 'at one budget'}`,
        header: ['Group', 'Size', 'Uplift', 'Lower', 'Upper', 'Arm'],
        rows: input.groups.map((g) => [
          String(g.group),
          fmt(g.size),
          fmt(g.uplift),
          fmt(g.upliftLower),
          fmt(g.upliftUpper),
          g.arm ?? '–',
        ]),
      }),
      '',
    );
  }
  if (input.distillation !== undefined) {
    out.push(
      '## Distillation',
      '',
      `Student-teacher agreement: ${(100 * input.distillation.agreement).toFixed(1)}%.`,
      '',
    );
  }
  if (input.kSelection !== undefined) {
    const k = input.kSelection;
    out.push('## Choice of K', '', `Chosen K = ${k.chosen}${k.rule !== undefined ? ` (${k.rule})` : ''}.`, '');
    out.push(
      k.scores.map((s) => `- K = ${s.k}: ${fmt(s.score)}${s.se !== undefined ? ` ± ${fmt(s.se)}` : ''}`).join('\n'),
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
