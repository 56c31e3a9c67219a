export type { ArmCostDrift, DriftEvent, DriftMonitorOptions, DriftSummary } from './drift.js';
export { DriftMonitor, defaultDriftMonitorOptions, populationStability } from './drift.js';
export { hashUniform, policyFingerprint } from './hash.js';
export type { CostObservation, PacerDecision, PacerStatus } from './pacer.js';
export { BudgetPacer } from './pacer.js';
export type { PacerJSON, PacerParamsJSON, PacerStateJSON } from './pacer-json.js';
export { PACER_LIMITS } from './pacer-json.js';
export type { BudgetPacerOptions, HoldoutMode, HoldoutOptions } from './pacer-options.js';
export { defaultBudgetPacerOptions } from './pacer-options.js';
