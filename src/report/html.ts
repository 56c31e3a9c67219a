import { escapeHtml } from './format.js';
import type { Table } from './tables.js';

/** A rendered chart placed in the page. */
export interface ChartBlock {
  readonly id: string;
  readonly caption: string;
  readonly svg: string;
}

/** A section of the page: a heading, an optional note, charts and tables. */
export interface Section {
  readonly title: string;
  readonly note?: string;
  readonly charts: readonly ChartBlock[];
  readonly tables: readonly Table[];
}

/** The page's parts. */
export interface PageParts {
  readonly title: string;
  readonly description?: string;
  readonly generatedAt: string;
  readonly facts: readonly (readonly [string, string])[];
  /** HTML shown first, above the facts (already escaped), e.g. the decision summary. */
  readonly lead?: string;
  /** HTML at the end of the body (already escaped), e.g. the scripts of the interactive parts. */
  readonly tail?: string;
  readonly sections: readonly Section[];
}

const css = `
:root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { background: #1f2933; color: #fff; padding: 28px 40px 22px; }
header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 600; }
header p { margin: 4px 0; color: #cbd2d9; max-width: 70em; }
main { padding: 12px 40px 48px; max-width: 1320px; }
section { margin-top: 28px; }
h2 { font-size: 19px; font-weight: 600; margin: 0 0 4px; }
.note { color: var(--muted); margin: 0 0 12px; max-width: 70em; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure.chart { margin: 0; max-width: 100%; overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px; }
figure.chart figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; width: 0; min-width: 100%; }
figure.chart svg { display: block; }
table { border-collapse: collapse; background: #fff; margin: 12px 0 4px; font-size: 13.5px; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); padding: 4px 0; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 5px 10px; text-align: right; }
td { white-space: nowrap; }
/* Wide tables wrap their cells (an interval after its mean) instead of scrolling sideways. */
table.wide td { white-space: normal; min-width: 7em; }
th { background: #f0f2f5; font-weight: 600; white-space: normal; vertical-align: bottom; }
td:first-child, th:first-child { text-align: left; }
.facts td { text-align: left; }
div.table { overflow-x: auto; max-width: 100%; }
.decision { background: #fff; border: 1px solid var(--line); border-left: 4px solid #2f7d4f; border-radius: 8px; padding: 14px 20px; margin-top: 20px; }
.decision h2 { margin-bottom: 8px; }
.decision ul { margin: 6px 0 8px; padding-left: 20px; max-width: 72em; }
.decision li { margin: 4px 0; }
.decision td { white-space: normal; }
.interactive { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.interactive .plan-text { font-size: 15px; margin: 6px 0 10px; max-width: 72em; }
.interactive .vega-bindings { margin: 4px 0 8px; }
.interactive .vega-bind label { display: flex; align-items: center; gap: 10px; }
.interactive .vega-bind input[type=range] { width: 320px; }
th.wrap { text-align: left; }
td.wrap { white-space: normal; min-width: 12em; text-align: left; }
footer { color: var(--muted); font-size: 12px; padding: 0 40px 32px; }
`;

export function tableHtml(t: Table, cls = ''): string {
  const head = t.header.some((h) => h !== '')
    ? `<tr>${t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`
    : '';
  const body = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  const wide = t.header.length > 4 ? 'wide' : '';
  const classes = [cls, wide].filter((c) => c !== '').join(' ');
  const table = `<table${classes !== '' ? ` class="${classes}"` : ''}><caption>${escapeHtml(t.caption)}</caption>\n<thead>${head}</thead>\n<tbody>${body}</tbody></table>`;
  return `<div class="table">${table}</div>`;
}

/**
 * Builds the self-contained HTML page: inline CSS and inline SVG charts, no external resources; scripts only in
 * `tail` (the interactive budget), and the page reads fully without them.
 */
export function buildHtml(p: PageParts): string {
  const facts =
    p.facts.length > 0
      ? tableHtml({ caption: 'About this run', header: ['', ''], rows: p.facts.map(([k, v]) => [k, v]) }, 'facts')
      : '';
  const sections = p.sections
    .map((s) => {
      const charts = s.charts
        .map(
          (c) =>
            `<figure class="chart" data-chart="${escapeHtml(c.id)}">${c.svg}<figcaption>${escapeHtml(c.caption)}</figcaption></figure>`,
        )
        .join('\n');
      const tables = s.tables.map((t) => tableHtml(t)).join('\n');
      const note = s.note !== undefined ? `<p class="note">${escapeHtml(s.note)}</p>` : '';
      return `<section><h2>${escapeHtml(s.title)}</h2>${note}${charts !== '' ? `<div class="charts">${charts}</div>` : ''}${tables}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(p.title)}</title>
<style>${css}</style>
</head>
<body>
<header><h1>${escapeHtml(p.title)}</h1>${p.description !== undefined ? `<p>${escapeHtml(p.description)}</p>` : ''}<p>Generated ${escapeHtml(p.generatedAt)} by hrc-budget.</p></header>
<main>
${p.lead ?? ''}
${facts}
${sections}
</main>
<footer>Charts: Vega-Lite, rendered to SVG without a browser; the budget section runs vega in the page. Data behind every chart: results.json next to this file; the decision summary alone: decision.md and decision.json.</footer>
${p.tail ?? ''}
</body>
</html>
`;
}
