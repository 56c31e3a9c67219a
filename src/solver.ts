/**
 * The MIP layer of hrc-budget, for plugging in a solver or inspecting the problems the StochasticBudgetSolver
 * builds: `import { GlpkSolver, type MipSolver } from 'hrc-budget/solver'`. Holds the problem and solution types,
 * the built-in backends (exact multiple-choice knapsack, glpk.js, HiGHS), the CPLEX LP writer, the status mappings,
 * problem checks and the per-user knapsack path.
 *
 * @packageDocumentation
 */

export type { MckpStructure } from './solver/exact.js';
export { detectMckp, ExactMckpSolver } from './solver/exact.js';
export type { FormulationSettings, ProblemLayout } from './solver/formulation.js';
export { GlpkSolver, mapGlpkStatus, toGlpkLp } from './solver/glpk.js';
export { HighsSolver, mapHighsStatus } from './solver/highs.js';
export type { MckpPath } from './solver/mckp.js';
export { assignAtBudget, mckpPath, upgradesWithin } from './solver/mckp.js';
export type { MipProblem, MipRow, MipSolution, MipSolveOptions, MipSolver, MipStatus } from './solver/mip.js';
export { checkMipProblem, defaultMipSolveOptions, evaluateObjective, maxViolation, relativeGap } from './solver/mip.js';
export type { CellScenarios } from './solver/scenarios.js';
