/**
 * The MIP layer of hrc-budget, for plugging in a solver or inspecting the problems the StochasticBudgetSolver
 * builds: `import { GLPKSolver, type MIPSolver } from 'hrc-budget/solver'`. Holds the problem and solution types,
 * the built-in backends (exact multiple-choice knapsack, glpk.js, HiGHS), the CPLEX LP writer, the status mappings,
 * problem checks and the per-user knapsack path.
 *
 * @packageDocumentation
 */

import { detectMCKP, ExactMCKPSolver, type MCKPStructure } from './solver/exact.js';
import { GLPKSolver, mapGLPKStatus, toGLPKLP } from './solver/glpk.js';
import type { MCKPPath } from './solver/mckp.js';
import {
  checkMIPProblem,
  defaultMIPSolveOptions,
  type MIPProblem,
  type MIPRow,
  type MIPSolution,
  type MIPSolveOptions,
  type MIPSolver,
  type MIPStatus,
} from './solver/mip.js';

export type { MCKPStructure } from './solver/exact.js';
export { detectMCKP, ExactMCKPSolver } from './solver/exact.js';
export type { FormulationSettings, ProblemLayout } from './solver/formulation.js';
export { GLPKSolver, mapGLPKStatus, toGLPKLP } from './solver/glpk.js';
export { HighsSolver, mapHighsStatus } from './solver/highs.js';
export type { MCKPPath } from './solver/mckp.js';
export { assignAtBudget, mckpPath, upgradesWithin } from './solver/mckp.js';
export type { MIPProblem, MIPRow, MIPSolution, MIPSolveOptions, MIPSolver, MIPStatus } from './solver/mip.js';
export { checkMIPProblem, defaultMIPSolveOptions, evaluateObjective, maxViolation, relativeGap } from './solver/mip.js';
export type { CellScenarios } from './solver/scenarios.js';

// Deprecated: the previous spellings of the names above, aliases of the new names for one release (acronyms in
// capitals; see src/deprecated.ts).
/** @deprecated Renamed to {@link ExactMCKPSolver}. */
export const ExactMckpSolver = ExactMCKPSolver;
/** @deprecated Renamed to {@link ExactMCKPSolver}. */
export type ExactMckpSolver = ExactMCKPSolver;
/** @deprecated Renamed to {@link GLPKSolver}. */
export const GlpkSolver = GLPKSolver;
/** @deprecated Renamed to {@link GLPKSolver}. */
export type GlpkSolver = GLPKSolver;
/** @deprecated Renamed to {@link detectMCKP}. */
export const detectMckp = detectMCKP;
/** @deprecated Renamed to {@link mapGLPKStatus}. */
export const mapGlpkStatus = mapGLPKStatus;
/** @deprecated Renamed to {@link toGLPKLP}. */
export const toGlpkLp = toGLPKLP;
/** @deprecated Renamed to {@link checkMIPProblem}. */
export const checkMipProblem = checkMIPProblem;
/** @deprecated Renamed to {@link defaultMIPSolveOptions}. */
export const defaultMipSolveOptions = defaultMIPSolveOptions;
/** @deprecated Renamed to {@link MCKPStructure}. */
export type MckpStructure = MCKPStructure;
/** @deprecated Renamed to {@link MCKPPath}. */
export type MckpPath = MCKPPath;
/** @deprecated Renamed to {@link MIPProblem}. */
export type MipProblem = MIPProblem;
/** @deprecated Renamed to {@link MIPRow}. */
export type MipRow = MIPRow;
/** @deprecated Renamed to {@link MIPSolution}. */
export type MipSolution = MIPSolution;
/** @deprecated Renamed to {@link MIPSolveOptions}. */
export type MipSolveOptions = MIPSolveOptions;
/** @deprecated Renamed to {@link MIPSolver}. */
export type MipSolver = MIPSolver;
/** @deprecated Renamed to {@link MIPStatus}. */
export type MipStatus = MIPStatus;
