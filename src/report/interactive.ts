import { estimateText, num, sharesText } from './decision-words.js';
import { escapeHtml, fmt } from './format.js';
import { type PlanView, planIndexAt } from './plan.js';
import type { VegaLiteSpec } from './specs.js';

/** Colours of the arms, control grey, the same in every chart of the budget section. */
export function armScale(armNames: readonly string[]): { domain: string[]; range: string[] } {
  const palette = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#eeca3b'];
  return {
    domain: [...armNames],
    range: armNames.map((_, j) => (j === 0 ? '#bab0ac' : (palette[(j - 1) % 9] as string))),
  };
}

/** The slider's range and step: the grid's spacing when the grid is evenly spaced, else 1/200 of its span. */
export function sliderRange(view: PlanView): { min: number; max: number; step: number } {
  const b = view.budgets;
  const min = b[0] as number;
  const max = b[b.length - 1] as number;
  if (b.length < 2 || max - min <= 0) return { min, max: min + 1e-6, step: 1e-6 };
  const gap = (max - min) / (b.length - 1);
  const even = b.every((x, i) => Math.abs(x - (min + i * gap)) <= 1e-6 * Math.max(1, Math.abs(max)));
  // A hair of room past the last budget: (max - min) / step can round to just under n - 1 in floating point, and a
  // range input then never reaches the last grid budget.
  return even ? { min, max: max + gap * 1e-6, step: gap } : { min, max, step: (max - min) / 200 };
}

const groupLabel = (view: PlanView, g: number) =>
  `Group ${g} (${Math.round(100 * (view.groups[g]?.share ?? 0))}% of users)`;

/**
 * The Vega-Lite specification of the budget section: a slider parameter `budget` over the allocation table's grid,
 * per-group bars of the uplift and cost of the arm each group gets at that budget, and the planned value and spend
 * against budget with the budget line. The plan shown is the one for the largest grid budget at or below the
 * slider, as `AllocationPolicy.decide` uses.
 */
export function budgetSpec(view: PlanView, initial: number, size: { width: number; height: number }): VegaLiteSpec {
  const names = view.armNames;
  const rows = view.budgets.flatMap((budget, b) =>
    view.groups.map((g) => {
      const arm = view.arms[b]?.[g.group] ?? 0;
      const u = g.uplift[arm] ?? 0;
      const se = g.upliftSe[arm] ?? 0;
      return {
        plan: b,
        budget,
        next: b + 1 < view.budgets.length ? (view.budgets[b + 1] as number) : 1e300,
        group: groupLabel(view, g.group),
        arm: names[arm],
        uplift: u,
        lower: u - 1.96 * se,
        upper: u + 1.96 * se,
        cost: g.cost[arm] ?? 0,
      };
    }),
  );
  const curve = view.budgets.flatMap((budget, b) => [
    { budget, what: 'Planned spend per user', y: view.cost[b] ?? 0 },
    { budget, what: 'Budget', y: budget },
  ]);
  const value = view.budgets.map((budget, b) => ({ budget, value: view.value[b] ?? 0 }));
  const r = sliderRange(view);
  const inPlan = 'datum.budget <= budget * (1 + 1e-9) + 1e-12 && budget * (1 + 1e-9) + 1e-12 < datum.next';
  const firstPlan = `datum.plan == 0 && budget < ${view.budgets[0]}`;
  const color = {
    field: 'arm',
    type: 'nominal',
    title: 'Arm given',
    scale: armScale(names),
    legend: { labelLimit: 0 },
  };
  const y = { field: 'group', type: 'nominal', title: null, sort: null, axis: { labelLimit: 0 } };
  const half = { width: Math.round(size.width * 0.75), height: Math.max(120, 20 * view.groups.length) };
  const budgetRule = {
    data: { values: [{}] },
    transform: [{ calculate: 'budget', as: 'b' }],
    mark: { type: 'rule', color: '#e45756', strokeWidth: 2 },
    encoding: { x: { field: 'b', type: 'quantitative' } },
  };
  const x = { field: 'budget', type: 'quantitative', title: 'Budget per user', scale: { zero: false } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    params: [
      {
        name: 'budget',
        value: initial,
        bind: { input: 'range', min: r.min, max: r.max, step: r.step, name: 'Budget per user ' },
      },
    ],
    datasets: { plans: rows, curve, value },
    config: {
      view: { stroke: null },
      axis: { grid: true, gridOpacity: 0.4, labelLimit: 0 },
      legend: { labelLimit: 0, titleLimit: 0 },
      concat: { spacing: 28 },
    },
    resolve: { scale: { color: 'independent', strokeDash: 'independent' } },
    vconcat: [
      {
        data: { name: 'plans' },
        transform: [{ filter: `(${inPlan}) || (${firstPlan})` }],
        hconcat: [
          {
            ...half,
            title: { text: 'Incremental response per user of the arm given', anchor: 'start', fontSize: 13 },
            layer: [
              {
                mark: { type: 'bar' },
                encoding: {
                  y,
                  x: { field: 'uplift', type: 'quantitative', title: 'Incremental response per user (trial)' },
                  color,
                  tooltip: [{ field: 'group' }, { field: 'arm' }, { field: 'uplift', format: '.4f' }],
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
            title: { text: 'Incremental cost per user of the arm given', anchor: 'start', fontSize: 13 },
            mark: { type: 'bar' },
            encoding: {
              y: { ...y, axis: null },
              x: { field: 'cost', type: 'quantitative', title: 'Incremental cost per user (trial)' },
              color,
              tooltip: [{ field: 'group' }, { field: 'arm' }, { field: 'cost', format: '.4f' }],
            },
          },
        ],
      },
      {
        hconcat: [
          {
            width: size.width,
            height: size.height * 0.75,
            title: { text: 'Planned incremental response per user', anchor: 'start', fontSize: 13 },
            layer: [
              {
                data: { name: 'value' },
                mark: { type: 'line', point: true, color: '#4c78a8' },
                encoding: {
                  x,
                  y: { field: 'value', type: 'quantitative', title: 'Incremental response per user' },
                  tooltip: [
                    { field: 'budget', format: '.4f' },
                    { field: 'value', format: '.4f' },
                  ],
                },
              },
              budgetRule,
            ],
          },
          {
            width: size.width,
            height: size.height * 0.75,
            title: { text: 'Planned spend against the budget', anchor: 'start', fontSize: 13 },
            layer: [
              {
                data: { name: 'curve' },
                mark: { type: 'line' },
                encoding: {
                  x,
                  y: { field: 'y', type: 'quantitative', title: 'Cost per user' },
                  color: {
                    field: 'what',
                    type: 'nominal',
                    title: null,
                    scale: { domain: ['Planned spend per user', 'Budget'], range: ['#4c78a8', '#888'] },
                  },
                  strokeDash: {
                    field: 'what',
                    type: 'nominal',
                    scale: {
                      domain: ['Planned spend per user', 'Budget'],
                      range: [
                        [1, 0],
                        [4, 4],
                      ],
                    },
                    legend: null,
                  },
                },
              },
              budgetRule,
            ],
          },
        ],
      },
    ],
  };
}

/** The words and per-group table of the plan at each grid budget (HTML, escaped), as the slider shows them. */
export function planTexts(view: PlanView): { text: string; table: string }[] {
  return view.budgets.map((budget, b) => {
    const arms = view.arms[b] ?? [];
    const shares = view.armNames.map((arm, j) => ({
      arm,
      share: view.groups.reduce((a, g) => a + (arms[g.group] === j ? g.share : 0), 0),
    }));
    const spread = view.costSpread;
    const pct = (q: number) => `${Math.round(100 * q)}%`;
    const within = spread?.withinBudget[b];
    const miss =
      spread === undefined
        ? ''
        : ` The spend of a run can miss that: ${pct(spread.levels[0])}-${pct(spread.levels[1])} of the trial's bootstrap draws cost ${num(spread.low[b] ?? 0)} to ${num(spread.high[b] ?? 0)} per user${within !== undefined && Number.isFinite(within) ? `, ${pct(within)} of them within the budget` : ''}.`;
    const text = `Plan for ${fmt(budget)} per user (${view.method}, grid budget at or below the slider): ${sharesText(shares)}; planned ${estimateText({ estimate: view.value[b] ?? 0 }, true)} incremental response per user for ${num(view.cost[b] ?? 0)} spent per user (in-sample, from the trial rows the plan was fitted on).${miss}`;
    const rows = view.groups
      .map((g) => {
        const arm = arms[g.group] ?? 0;
        return `<tr data-group="${g.group}" data-arm="${arm}"><td>${escapeHtml(groupLabel(view, g.group))}</td><td>${escapeHtml(view.armNames[arm] as string)}</td><td>${num(g.uplift[arm] ?? 0)}</td><td>${num(g.cost[arm] ?? 0)}</td></tr>`;
      })
      .join('');
    const table = `<table class="plan-table"><caption>Per-group plan at ${escapeHtml(fmt(budget))} per user</caption><thead><tr><th>Group</th><th>Arm given</th><th>Incremental response per user</th><th>Incremental cost per user</th></tr></thead><tbody>${rows}</tbody></table>`;
    return { text: escapeHtml(text), table };
  });
}

/** JSON for an inline `<script>`: no `</script>` or `<!--` can end it early. */
export function scriptJSON(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c');
}

/**
 * The budget section's HTML: the slider's place, the plan's words and per-group table (filled for the initial
 * budget, so the page reads without scripts), and the chart's static SVG until the live view replaces it.
 */
export function budgetSectionHtml(view: PlanView, initial: number, svg: string): string {
  const texts = planTexts(view);
  const i = planIndexAt(view, initial);
  const t = texts[i] ?? { text: '', table: '' };
  return `<section class="interactive" id="budget-section"><h2>Choose a budget</h2><p class="note">Move the slider: the plan, its expected value and spend, and the per-group bars follow the allocation table of ${escapeHtml(view.method)} (figures from the trial rows the plan was fitted on). A budget between grid points uses the plan of the grid budget below it, as the policy does.</p><div id="budget-controls" class="vega-bindings"></div><p class="plan-text" id="plan-text" data-plan="${i}" data-budget="${view.budgets[i]}">${t.text}</p><figure class="chart" data-chart="budget"><div id="budget-chart">${svg}</div><figcaption>Bars: each group's incremental response and cost per user of the arm it gets at the chosen budget (lines: 95% intervals). Below: the plan's value and spend over all budgets; red line = chosen budget, dashed = spend equal to budget.</figcaption></figure><div class="table" id="plan-table">${t.table}</div><script type="application/json" id="budget-data">${scriptJSON({ budgets: view.budgets, texts })}</script></section>`;
}

/**
 * The script that runs the budget section in the browser with vega's View (the compiled spec and the vega
 * runtime are inlined, so the page opens offline). `runtime` is vega's browser build.
 */
export function budgetScript(vegaSpec: unknown, runtime: string): string {
  const boot = `(function () {
  var data = JSON.parse(document.getElementById('budget-data').textContent);
  var spec = JSON.parse(document.getElementById('budget-spec').textContent);
  var chart = document.getElementById('budget-chart');
  var text = document.getElementById('plan-text');
  var table = document.getElementById('plan-table');
  function show(b) {
    var i = 0;
    for (var k = 0; k < data.budgets.length; k++) if (data.budgets[k] <= b * (1 + 1e-9) + 1e-12) i = k;
    var t = data.texts[i];
    text.innerHTML = t.text;
    text.setAttribute('data-plan', String(i));
    text.setAttribute('data-budget', String(data.budgets[i]));
    table.innerHTML = t.table;
  }
  chart.innerHTML = '';
  var view = new vega.View(vega.parse(spec), { renderer: 'svg', container: chart, bind: '#budget-controls', hover: true });
  view.addSignalListener('budget', function (_name, value) { show(Number(value)); });
  view.runAsync().then(function () { show(Number(view.signal('budget'))); document.body.setAttribute('data-budget-ready', 'true'); });
  window.hrcBudgetView = view;
})();`;
  return `<script type="application/json" id="budget-spec">${scriptJSON(vegaSpec)}</script>\n<script>${runtime.replace(/<\/script/gi, '<\\/script')}</script>\n<script>${boot}</script>`;
}
