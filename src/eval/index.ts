export type { AUCCDefinition, AUCCOptions, AUCCResult } from './aucc.js';
export { aucc, defaultAUCCOptions } from './aucc.js';
export type { CalibrateSpendOptions, SpendCalibrationResult, WithSpendCalibrationOptions } from './calibrate.js';
export { calibrateSpend, defaultCalibrateSpendOptions, withSpendCalibration } from './calibrate.js';
export type {
  AllocatorFactory,
  CompareOptions,
  ComparisonFailure,
  ComparisonMetric,
  ComparisonResult,
  ComparisonTrial,
  ResultRow,
} from './compare.js';
export { compare } from './compare.js';
export { defaultCompareOptions } from './compare-options.js';
export type { AssignAtBudget, CostCurve, CostCurveOptions, CostCurvePoint } from './costcurve.js';
export { costCurve, curveArea, meanResponseUpTo } from './costcurve.js';
export type {
  EOMEstimator,
  EvaluateOptions,
  PolicyEvaluation,
  PolicySetEvaluation,
  PolicyValueEstimator,
} from './ipw.js';
export { defaultEvaluateOptions, evaluatePolicies, evaluatePolicy } from './ipw.js';
export type { CrossFitOptions, CrossFitOutcomes, OutcomePredictions } from './outcome-model.js';
export { crossFitOutcomes, defaultCrossFitOptions } from './outcome-model.js';
export type { QiniOptions, QiniResult } from './qini.js';
export { defaultQiniOptions, qini } from './qini.js';
export type { RankingOptions, RankingPoint } from './ranking.js';
export { defaultRankingOptions } from './ranking.js';
export type { Interval } from './stats.js';
export type { ComparisonSummary, DifferenceRow, SummarizableRow, SummaryRow } from './summary.js';
export { summarizeResults } from './summary.js';
export type { TruthMetrics } from './truth.js';
export { truthMetrics } from './truth.js';
export type { UpliftAUCResult } from './uplift.js';
export { upliftAUC } from './uplift.js';
