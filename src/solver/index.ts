export type { AllocationPlan, AllocationTableData, Formulation, PlanStatus } from './allocation-table.js';
export { AllocationTable } from './allocation-table.js';
export type { ArmLimit, GroupConstraints } from './constraints.js';
export type { MckpStructure } from './exact.js';
export { detectMckp, ExactMckpSolver } from './exact.js';
export type { FormulationSettings, ProblemLayout } from './formulation.js';
export { GlpkSolver, mapGlpkStatus, toGlpkLp } from './glpk.js';
export type { CellEstimate, GroupStatsFromOptions, GroupStatsOptions, Moment, UpliftEstimate } from './group-stats.js';
export { defaultGroupStatsOptions, GroupStats } from './group-stats.js';
export { HighsSolver, mapHighsStatus } from './highs.js';
export type { MckpPath } from './mckp.js';
export { assignAtBudget, mckpPath, upgradesWithin } from './mckp.js';
export type { MipProblem, MipRow, MipSolution, MipSolveOptions, MipSolver, MipStatus } from './mip.js';
export { checkMipProblem, defaultMipSolveOptions, evaluateObjective, maxViolation, relativeGap } from './mip.js';
export type { CellScenarios, ScenarioMethod } from './scenarios.js';
export type {
  SolveRequest,
  SolverBackend,
  StochasticBudgetSolverOptions,
} from './stochastic-solver.js';
export { defaultStochasticBudgetSolverOptions, StochasticBudgetSolver } from './stochastic-solver.js';
