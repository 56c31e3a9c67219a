export type { HRCErrorCode, ValidationIssue } from './errors.js';
export {
  BackendUnavailableError,
  HRCError,
  InfeasibleBudgetError,
  NotFittedError,
  SerializationError,
  SolverError,
  ValidationError,
  WorkerError,
} from './errors.js';
export { checkMatrix, matrix } from './matrix.js';
export { DEFAULT_SEED, deriveSeed, RNG } from './rng.js';
export type { Budget, BudgetAllocator, Matrix, ProfitAllocator, ProgressEvent } from './types.js';
export { budgetTotal } from './types.js';
export { checkBudget, checkFeatures, checkNumber, checkOneOf, describe } from './validate.js';
