/**
 * hrc-budget: robust marketing budget allocation from randomized trials.
 *
 * @packageDocumentation
 */

export type { BackendName } from './backend/index.js';
export { currentBackend, useBackend } from './backend/index.js';
export type { Budget, BudgetAllocator, HrcErrorCode, ProgressEvent, ValidationIssue } from './core/index.js';
export {
  BackendUnavailableError,
  budgetTotal,
  checkBudget,
  DEFAULT_SEED,
  deriveSeed,
  HrcError,
  InfeasibleBudgetError,
  NotFittedError,
  Rng,
  SerializationError,
  SolverError,
  ValidationError,
} from './core/index.js';
export type {
  ArmSummary,
  ColumnEncoding,
  CsvRecord,
  CsvSource,
  DatasetInput,
  DatasetSummary,
  FeatureEncoding,
  LoadCsvOptions,
  RawValue,
  RctDataset,
  SplitOptions,
  TrialSchema,
} from './data/index.js';
export {
  checkEncoding,
  createDataset,
  datasetFromRows,
  encodedNames,
  encodeRecord,
  formatSummary,
  hillstromSchema,
  loadCsv,
  readCsvRecords,
  splitIndices,
  starbucksSchema,
  subsetRows,
  summarize,
  trainTestSplit,
} from './data/index.js';
export type { CouponTrialOptions, SimulatedTrial, TrialTruth, TrueValue } from './sim/index.js';
export { defaultCouponTrialOptions, oracleAssign, simulateCouponTrial, trueValue } from './sim/index.js';
export type { MckpPath } from './solver/index.js';
export { assignAtBudget, mckpPath } from './solver/index.js';
