/**
 * The decision summary and the HTML report: `import { decisionSummary, renderReport } from 'hrc-budget/report'`.
 * Charts are rendered by vega and vega-lite, optional peer dependencies loaded on first use; without them,
 * `renderReport` and `renderSVG` throw a BackendUnavailableError naming the packages to install (the decision
 * summary, plan view and texts need neither). `writeReport` (files) is in `hrc-budget/node`.
 *
 * @packageDocumentation
 */

import { decisionJSON } from './report/decision-words.js';
import { renderSVG } from './report/render.js';

export type {
  Alternative,
  ArmShare,
  DecisionAtBudget,
  DecisionSummary,
  DecisionSummaryOptions,
  Estimate,
  ProfitSummary,
} from './report/decision.js';
export { decisionSummary, defaultDecisionSummaryOptions } from './report/decision.js';
export { decisionJSON, decisionMarkdown, decisionSentences } from './report/decision-words.js';
export type { PlanGroup, PlanView } from './report/plan.js';
export { planView } from './report/plan.js';
export type { RenderedChart } from './report/render.js';
export { renderSVG } from './report/render.js';
export type { RenderedReport } from './report/report.js';
export { defaultValueMetrics, renderReport } from './report/report.js';
export type { VegaLiteSpec } from './report/specs.js';
export type {
  CostCurveSeries,
  DistillationSummary,
  GroupSummary,
  KSelectionSummary,
  ReportInput,
  ReportOptions,
} from './report/types.js';
export { defaultReportOptions, metricLabels } from './report/types.js';

// Deprecated: the previous spellings of the names above, aliases of the new names for one release (acronyms in
// capitals; see src/deprecated.ts).
/** @deprecated Renamed to {@link decisionJSON}. */
export const decisionJson = decisionJSON;
/** @deprecated Renamed to {@link renderSVG}. */
export const renderSvg = renderSVG;
