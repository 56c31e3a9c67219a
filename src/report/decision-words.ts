import type { ArmShare, DecisionAtBudget, DecisionSummary, Estimate } from './decision.js';
import { escapeHtml, fmt, mdCell } from './format.js';

/** A figure for a sentence: three significant digits, no exponent for ordinary magnitudes. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(2);
  return a >= 100 ? String(Math.round(v)) : Number(v.toPrecision(2 + (a >= 1 ? 1 : 0))).toString();
}

/** `+0.12 [0.10, 0.14]` (signed) or `0.29 [0.27, 0.31]`. */
export function estimateText(e: Estimate, signed = false): string {
  const s = signed && e.estimate >= 0 ? `+${num(e.estimate)}` : num(e.estimate);
  return e.lower !== undefined && e.upper !== undefined && num(e.lower) !== num(e.upper)
    ? `${s} [${num(e.lower)}, ${num(e.upper)}]`
    : s;
}

const pct = (share: number) => `${Math.round(100 * share)}%`;

/** Who gets what, in words: "coupon_2 to 31% and coupon_4 to 9% of users" (control left out). */
export function sharesText(shares: readonly ArmShare[]): string {
  const given = shares.slice(1).filter((s) => Math.round(100 * s.share) > 0);
  if (given.length === 0) return 'nobody gets an incentive';
  const parts = given.map((s) => `${s.arm} to ${pct(s.share)}`);
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
  return `give ${list} of users`;
}

/** The comparison with the best single arm, in words. */
function againstBest(d: DecisionAtBudget): string {
  const b = d.bestSingleArm;
  const whom =
    b.share >= 0.995
      ? `giving ${b.arm} to everyone`
      : `giving ${b.arm} to a random ${pct(b.share)} (all the budget affords)`;
  if (Number.isFinite(d.ratioToBestSingleArm)) return `${num(d.ratioToBestSingleArm)}x the gain of ${whom}`;
  return `${whom} brings ${estimateText(b.incrementalResponse, true)}`;
}

/** "one order" for 'orders', else "one unit of bought". */
function unitOf(name: string): string {
  return /[^s]s$/.test(name) ? `one ${name.slice(0, -1)}` : `one unit of ${name}`;
}

/** Whether the plan's expected spend is above its budget by more than 2%. */
function overBudget(d: DecisionAtBudget): boolean {
  return d.spend.estimate > d.budget * 1.02 + 1e-12;
}

/** One sentence per budget (and one for profit mode), e.g. "At 0.3 per user: give coupon_2 to 31% ...". */
export function decisionSentences(s: DecisionSummary): string[] {
  const out = s.budgets.map(
    (d) =>
      `At ${fmt(d.budget)} per user: ${sharesText(d.shares)}; expected ${estimateText(d.incrementalResponse, true)} ${s.responseName} per user for ${estimateText(d.spend)} spent per user${overBudget(d) ? ' (over the budget)' : ''}, ${againstBest(d)}.`,
  );
  if (s.profit !== undefined) {
    const p = s.profit;
    const at = p.curve.find((c) => c.budget === p.breakEvenBudget);
    out.push(
      `Profit mode (${unitOf(s.responseName)} worth ${num(p.netValue)}): spend up to ${fmt(p.breakEvenBudget)} per user; net value there ${at !== undefined ? estimateText(at.net, true) : '–'} per user, and less beyond it.`,
    );
  }
  return out;
}

/** The figures' source, in words. */
export function sourceText(s: DecisionSummary): string {
  const which =
    s.heldOut === true
      ? 'Held-out figures'
      : s.heldOut === false
        ? 'In-sample figures (the rows the plan was fitted on; expect less on new users)'
        : 'Figures (held out only if none of these rows were used to fit the plan)';
  return `${which} for ${s.method}: ${s.source}.`;
}

/** The decision table: one row per budget, the plan beside the two plain alternatives. */
export function decisionTable(s: DecisionSummary): { header: string[]; rows: string[][] } {
  return {
    header: [
      'Budget per user',
      'Who gets what',
      `Incremental ${s.responseName} per user`,
      'Spend per user',
      'Best single arm to a random share',
      'Nobody',
    ],
    rows: s.budgets.map((d) => [
      fmt(d.budget),
      d.shares
        .slice(1)
        .filter((x) => Math.round(100 * x.share) > 0)
        .map((x) => `${x.arm} ${pct(x.share)}`)
        .join(', ') || 'nobody',
      estimateText(d.incrementalResponse, true),
      estimateText(d.spend),
      `${d.bestSingleArm.arm} to ${pct(d.bestSingleArm.share)}: ${estimateText(d.bestSingleArm.incrementalResponse, true)} for ${estimateText(d.bestSingleArm.spend)}`,
      `+0 for ${estimateText(d.nobody.spend)}`,
    ]),
  };
}

/** The decision summary as Markdown, for a pull request or a ticket. */
export function decisionMarkdown(s: DecisionSummary, title = 'Decision summary'): string {
  const t = decisionTable(s);
  const line = (cells: readonly string[]) => `| ${cells.map(mdCell).join(' | ')} |`;
  const lines = [`## ${title}`, '', ...decisionSentences(s).map((x) => `- ${x}`), '', `*${sourceText(s)}*`, ''];
  lines.push(line(t.header), `|${t.header.map(() => ' --- ').join('|')}|`, ...t.rows.map(line), '');
  if (s.profit !== undefined) {
    lines.push(
      `Net value per user (${unitOf(s.responseName)} worth ${num(s.profit.netValue)}): ${s.profit.curve.map((c) => `${fmt(c.budget)}: ${estimateText(c.net, true)}`).join('; ')}.`,
      '',
    );
  }
  return lines.join('\n');
}

/** The decision summary as JSON text, for a dashboard: `{ kind: 'hrc-budget/decision', formatVersion: 1, ... }`. */
export function decisionJSON(s: DecisionSummary): string {
  return `${JSON.stringify(
    { kind: 'hrc-budget/decision', formatVersion: 1, ...s, sentences: decisionSentences(s) },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v),
    2,
  )}\n`;
}

/** The decision summary as an HTML block (escaped), the first thing on the page. */
export function decisionHtml(s: DecisionSummary, profitSvg?: string): string {
  const t = decisionTable(s);
  const head = `<tr>${t.header.map((h, i) => `<th${i === 1 || i === 4 ? ' class="wrap"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = t.rows
    .map(
      (r) =>
        `<tr data-budget="${escapeHtml(String(r[0]))}">${r.map((c, i) => `<td${i === 1 || i === 4 ? ' class="wrap"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  const items = decisionSentences(s)
    .map((x) => `<li>${escapeHtml(x)}</li>`)
    .join('\n');
  return `<section class="decision" id="decision"><h2>What to do</h2><ul>${items}</ul><p class="note">${escapeHtml(sourceText(s))}</p><div class="table"><table class="decision-table"><thead>${head}</thead><tbody>${body}</tbody></table></div>${profitSvg !== undefined ? `<div class="charts"><figure class="chart" data-chart="profit">${profitSvg}<figcaption>Net value per user (${escapeHtml(num(s.profit?.netValue ?? Number.NaN))} per unit of ${escapeHtml(s.responseName)} x incremental response, minus incremental cost) at each budget, with its interval; dashed: the break-even budget.</figcaption></figure></div>` : ''}</section>`;
}
