/**
 * hrc-budget: robust marketing budget allocation from randomized trials.
 *
 * The root entry holds what an application composes: the HRC components and pipelines, the baselines, data
 * loading, evaluation, the simulator, serving and the online pacer, with their options and errors. Extension
 * points live under subpaths: `hrc-budget/solver` (MIP backends and LP writers), `hrc-budget/clustering` (your own
 * clusterer or K scorer), `hrc-budget/baselines` (building blocks of an allocator), `hrc-budget/nn` (the tfjs
 * network toolkit), `hrc-budget/report` (the HTML report) and `hrc-budget/node` (files and worker threads).
 * The root's declarations reference no tfjs type: the API takes and returns typed arrays.
 *
 * @packageDocumentation
 */

export type { BackendName, UseBackendOptions } from './backend/index.js';
export { currentBackend, useBackend } from './backend/index.js';
export type {
  ArmOutcomes,
  BaselineJSON,
  BaselineOptions,
  DFCLDecisionLoss,
  DFCLOptions,
  DHCLOptions,
  DRPOptions,
  NetOptions,
  RDRPOptions,
  ReferenceOptions,
  SpendEstimator,
  TPMOptions,
  TwoPhaseArchitecture,
  TwoPhaseNetOptions,
} from './baselines/index.js';
export {
  BASELINE_FORMAT_VERSION,
  DFCL,
  DHCL,
  DRP,
  defaultBaselineOptions,
  defaultDFCLOptions,
  defaultDHCLOptions,
  defaultDRPOptions,
  defaultNetOptions,
  defaultRDRPOptions,
  defaultReferenceOptions,
  defaultTPMOptions,
  defaultTwoPhaseNetOptions,
  RandomAllocator,
  RDRP,
  TPMSL,
  TPMTARNet,
  UniformBest,
} from './baselines/index.js';
export type { KCandidate, KSelection } from './clustering/auto.js';
export type { ClustererState, HiddenClustererJSON } from './clustering/clusterer.js';
export { HiddenClusterer } from './clustering/clusterer.js';
export type { DistanceEngineName } from './clustering/engine.js';
export type { ClustererParams, HiddenClustererOptions } from './clustering/options.js';
export { defaultHiddenClustererOptions } from './clustering/options.js';
export type { HRCErrorCode, ValidationIssue } from './core/errors.js';
export {
  BackendUnavailableError,
  HRCError,
  InfeasibleBudgetError,
  NotFittedError,
  SerializationError,
  SolverError,
  ValidationError,
  WorkerError,
} from './core/errors.js';
export { matrix } from './core/matrix.js';
export type { Budget, BudgetAllocator, Matrix, ProfitAllocator, ProgressEvent } from './core/types.js';
export type {
  ArmSummary,
  ColumnEncoding,
  CSVEncoding,
  CSVRecord,
  CSVSource,
  DatasetInput,
  DatasetSummary,
  EncodeRecordOptions,
  FeatureEncoding,
  LeakageFinding,
  LeakageOptions,
  LeakageReason,
  LoadCSVOptions,
  RawValue,
  RCTDataset,
  ReadCSVOptions,
  SplitOptions,
  TrialSchema,
  UnknownCategory,
} from './data/index.js';
export {
  checkEncoding,
  createDataset,
  datasetFromRows,
  encodedNames,
  encodeRecord,
  findLeakage,
  formatSummary,
  hillstromSchema,
  loadCSV,
  OTHER_CATEGORY,
  readCSVRecords,
  reencodeFeatures,
  splitIndices,
  starbucksSchema,
  subsetRows,
  summarize,
  trainTestSplit,
} from './data/index.js';
export type {
  AuccDefinition,
  AuccOptions,
  AuccResult,
  CsvEncoding,
  CsvRecord,
  CsvSource,
  DfclDecisionLoss,
  DfclOptions,
  DhclOptions,
  DrpOptions,
  EomEstimator,
  HrcErrorCode,
  LoadCsvOptions,
  RctDataset,
  RdrpOptions,
  ReadCsvOptions,
  SqlDialect,
  ToSqlOptions,
  TpmOptions,
  UpliftAucResult,
} from './deprecated.js';
export {
  defaultAuccOptions,
  defaultDfclOptions,
  defaultDhclOptions,
  defaultDrpOptions,
  defaultRdrpOptions,
  defaultTpmOptions,
  HrcError,
  loadCsv,
  readCsvRecords,
  TpmSL,
  TpmTARNet,
  upliftAuc,
} from './deprecated.js';
export type { DistillerOptions, DistillTeacher } from './distill/distiller.js';
export { Distiller, defaultDistillerOptions } from './distill/distiller.js';
export type {
  AllocatorFactory,
  AssignAtBudget,
  AUCCDefinition,
  AUCCOptions,
  AUCCResult,
  CalibrateSpendOptions,
  CompareOptions,
  ComparisonFailure,
  ComparisonMetric,
  ComparisonResult,
  ComparisonSummary,
  ComparisonTrial,
  CostCurve,
  CostCurveOptions,
  CostCurvePoint,
  CrossFitOptions,
  CrossFitOutcomes,
  DifferenceRow,
  EOMEstimator,
  EvaluateOptions,
  Interval,
  OutcomePredictions,
  PolicyEvaluation,
  PolicySetEvaluation,
  PolicyValueEstimator,
  QiniOptions,
  QiniResult,
  RankingOptions,
  RankingPoint,
  ResultRow,
  SpendCalibrationResult,
  SummarizableRow,
  SummaryRow,
  TruthMetrics,
  UpliftAUCResult,
  WithSpendCalibrationOptions,
} from './eval/index.js';
export {
  aucc,
  calibrateSpend,
  compare,
  costCurve,
  crossFitOutcomes,
  curveArea,
  defaultAUCCOptions,
  defaultCalibrateSpendOptions,
  defaultCompareOptions,
  defaultCrossFitOptions,
  defaultEvaluateOptions,
  defaultQiniOptions,
  defaultRankingOptions,
  evaluatePolicies,
  evaluatePolicy,
  meanResponseUpTo,
  qini,
  summarizeResults,
  truthMetrics,
  upliftAUC,
  withSpendCalibration,
} from './eval/index.js';
export type {
  ArmCostDrift,
  BudgetPacerOptions,
  CostObservation,
  DecisionOutcomes,
  DriftEvent,
  DriftMonitorOptions,
  DriftSummary,
  HoldoutMode,
  HoldoutOptions,
  PacerDecision,
  PacerJSON,
  PacerParamsJSON,
  PacerStateJSON,
  PacerStatus,
} from './online/index.js';
export {
  BudgetPacer,
  DriftMonitor,
  datasetFromDecisions,
  defaultBudgetPacerOptions,
  defaultDriftMonitorOptions,
  hashUniform,
  PACER_LIMITS,
  policyFingerprint,
  populationStability,
} from './online/index.js';
export type { RowPredictions } from './pipeline/adjust.js';
export { regressionAdjusted } from './pipeline/adjust.js';
export type { CrossFit, CrossFitWithChoice, UpliftL2Choice, UpliftL2Selection } from './pipeline/crossfit.js';
export { crossFitNets, ensemblePredict, stratifiedFolds, upliftLossRows, upliftSpace } from './pipeline/crossfit.js';
export { defaultBudgetGrid } from './pipeline/grid.js';
export type { DefaultClustererOptions, HRCPipelineOptions, StatsEstimator } from './pipeline/options.js';
export { autoUpliftL2Candidates, defaultHRCPipelineOptions, defaultK, paperHRCOptions } from './pipeline/options.js';
export { HRCPaperPipeline, HRCPipeline } from './pipeline/pipeline.js';
export type { ShrinkageFit, ShrinkagePrior, ShrinkageSpread, ShrinkageVariance } from './pipeline/shrinkage.js';
export { groupPredictedUplift, shrinkGroupUplift } from './pipeline/shrinkage.js';
export type { NetJob, NetTrainer } from './pipeline/trainer.js';
export { AUTO_FIT_WORKERS_MIN_ROWS, inProcessTrainer } from './pipeline/trainer.js';
export type { PipelineStage } from './pipeline/types.js';
export type { BatchPlanOptions } from './policy/batch.js';
export { datasetFingerprint } from './policy/fingerprint.js';
export type { AllocationPolicyParts, Explanation, HoldoutEstimate, PolicyMetadata } from './policy/policy.js';
export { AllocationPolicy, POLICY_LIMITS, policyMetadata } from './policy/policy.js';
export type { SQLDialect, ToSQLOptions } from './policy/sql.js';
export type { StudentActivation, StudentLayer, StudentLayerJSON } from './policy/student.js';
export { StudentNet } from './policy/student.js';
export type {
  ArmPredictions,
  CodeColumn,
  OutcomeConfig,
  OutcomeLoss,
  RepresentationNetJSON,
  RepresentationNetOptions,
  RepresentationParams,
  RepresentationState,
  TargetTransform,
} from './representation/index.js';
export { defaultRepresentationNetOptions, RepresentationNet } from './representation/index.js';
export type { CouponTrialOptions, SimulatedTrial, TrialTruth, TrueValue } from './sim/index.js';
export { defaultCouponTrialOptions, oracleAssign, simulateCouponTrial, trueValue } from './sim/index.js';
export type { AllocationPlan, AllocationTableData, Formulation, PlanStatus } from './solver/allocation-table.js';
export { AllocationTable } from './solver/allocation-table.js';
export type { ArmLimit, GroupConstraints } from './solver/constraints.js';
export type {
  CellEstimate,
  CellMean,
  GroupStatsFromOptions,
  GroupStatsOptions,
  Moment,
  UpliftEstimate,
} from './solver/group-stats.js';
export { defaultGroupStatsOptions, GroupStats } from './solver/group-stats.js';
export type { ScenarioMethod } from './solver/scenarios.js';
export type {
  CostCorrection,
  SolveRequest,
  SolverBackend,
  StochasticBudgetSolverOptions,
} from './solver/stochastic-solver.js';
export { defaultStochasticBudgetSolverOptions, StochasticBudgetSolver } from './solver/stochastic-solver.js';
export { VERSION } from './version.js';
export { setWasmKernels, wasmKernelsEnabled, wasmKernelsReady } from './wasm/switches.js';
