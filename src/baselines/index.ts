// The baselines and their options (re-exported by the root entry). Their building blocks are in src/baselines.ts
// (hrc-budget/baselines), their tensor-level losses in src/nn.ts (hrc-budget/nn).
export type { BaselineJSON } from './allocator.js';
export { BASELINE_FORMAT_VERSION } from './allocator.js';
export type { SpendEstimator } from './calibration.js';
export type { BaselineOptions } from './common.js';
export { defaultBaselineOptions } from './common.js';
export type { DFCLDecisionLoss, DFCLOptions } from './dfcl.js';
export { DFCL, defaultDFCLOptions } from './dfcl.js';
export type { DHCLOptions } from './dhcl.js';
export { DHCL, defaultDHCLOptions } from './dhcl.js';
export type { DRPOptions } from './drp.js';
export { DRP, defaultDRPOptions } from './drp.js';
export type { NetOptions } from './net-options.js';
export { defaultNetOptions } from './net-options.js';
export type { RDRPOptions } from './rdrp.js';
export { defaultRDRPOptions, RDRP } from './rdrp.js';
export type { ReferenceOptions } from './references.js';
export { defaultReferenceOptions, RandomAllocator, UniformBest } from './references.js';
export type { TPMOptions } from './tpm.js';
export { defaultTPMOptions, TPMSL, TPMTARNet } from './tpm.js';
export type { ArmOutcomes, TwoPhaseArchitecture, TwoPhaseNetOptions } from './twophase-options.js';
export { defaultTwoPhaseNetOptions } from './twophase-options.js';
