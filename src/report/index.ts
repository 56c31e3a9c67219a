export type {
  Alternative,
  ArmShare,
  DecisionAtBudget,
  DecisionSummary,
  DecisionSummaryOptions,
  Estimate,
  ProfitSummary,
} from './decision.js';
export { decisionSummary, defaultDecisionSummaryOptions } from './decision.js';
export { decisionJson, decisionMarkdown, decisionSentences } from './decision-words.js';
export type { PlanGroup, PlanView } from './plan.js';
export { planView } from './plan.js';
export type { RenderedChart } from './render.js';
export { renderSvg } from './render.js';
export type { RenderedReport } from './report.js';
export { defaultValueMetrics, renderReport } from './report.js';
export type { VegaLiteSpec } from './specs.js';
export type {
  CostCurveSeries,
  DistillationSummary,
  GroupSummary,
  KSelectionSummary,
  ReportInput,
  ReportOptions,
} from './types.js';
export { defaultReportOptions, metricLabels } from './types.js';
