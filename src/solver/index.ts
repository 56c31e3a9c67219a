export type { AllocationPlan, AllocationTableData, Formulation, PlanStatus } from './allocation-table.js';
export { AllocationTable } from './allocation-table.js';
export type { ArmLimit, GroupConstraints } from './constraints.js';
export type { MCKPStructure } from './exact.js';
export { detectMCKP, ExactMCKPSolver } from './exact.js';
export type { FormulationSettings, ProblemLayout } from './formulation.js';
export { GLPKSolver, mapGLPKStatus, toGLPKLP } from './glpk.js';
export type {
  CellEstimate,
  CellMean,
  GroupStatsFromOptions,
  GroupStatsOptions,
  Moment,
  UpliftEstimate,
} from './group-stats.js';
export { defaultGroupStatsOptions, GroupStats } from './group-stats.js';
export { HighsSolver, mapHighsStatus } from './highs.js';
export type { MCKPPath } from './mckp.js';
export { assignAtBudget, mckpPath, upgradesWithin } from './mckp.js';
export type { MIPProblem, MIPRow, MIPSolution, MIPSolveOptions, MIPSolver, MIPStatus } from './mip.js';
export { checkMIPProblem, defaultMIPSolveOptions, evaluateObjective, maxViolation, relativeGap } from './mip.js';
export type { CellScenarios, ScenarioMethod } from './scenarios.js';
export type {
  CostCorrection,
  SolveRequest,
  SolverBackend,
  StochasticBudgetSolverOptions,
} from './stochastic-solver.js';
export { defaultStochasticBudgetSolverOptions, StochasticBudgetSolver } from './stochastic-solver.js';
