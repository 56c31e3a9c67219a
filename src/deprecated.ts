// The names of the previous release, kept as aliases for one release: every acronym in a type or class name is now
// written in capitals (HRCError, TPMSL, DFCLOptions, ...). Each alias is the same class, type or value as its new
// name.
import { type DFCLDecisionLoss, type DFCLOptions, defaultDFCLOptions } from './baselines/dfcl.js';
import { type DHCLOptions, defaultDHCLOptions } from './baselines/dhcl.js';
import { type DRPOptions, defaultDRPOptions } from './baselines/drp.js';
import { defaultRDRPOptions, type RDRPOptions } from './baselines/rdrp.js';
import { defaultTPMOptions, type TPMOptions, TPMSL, TPMTARNet } from './baselines/tpm.js';
import { HRCError, type HRCErrorCode } from './core/errors.js';

/** @deprecated Renamed to {@link HRCError}. */
export const HrcError = HRCError;
/** @deprecated Renamed to {@link HRCError}. */
export type HrcError = HRCError;
/** @deprecated Renamed to {@link HRCErrorCode}. */
export type HrcErrorCode = HRCErrorCode;
/** @deprecated Renamed to {@link TPMSL}. */
export const TpmSL = TPMSL;
/** @deprecated Renamed to {@link TPMSL}. */
export type TpmSL = TPMSL;
/** @deprecated Renamed to {@link TPMTARNet}. */
export const TpmTARNet = TPMTARNet;
/** @deprecated Renamed to {@link TPMTARNet}. */
export type TpmTARNet = TPMTARNet;
/** @deprecated Renamed to {@link TPMOptions}. */
export type TpmOptions = TPMOptions;
/** @deprecated Renamed to {@link defaultTPMOptions}. */
export const defaultTpmOptions = defaultTPMOptions;
/** @deprecated Renamed to {@link DFCLOptions}. */
export type DfclOptions = DFCLOptions;
/** @deprecated Renamed to {@link DFCLDecisionLoss}. */
export type DfclDecisionLoss = DFCLDecisionLoss;
/** @deprecated Renamed to {@link defaultDFCLOptions}. */
export const defaultDfclOptions = defaultDFCLOptions;
/** @deprecated Renamed to {@link DHCLOptions}. */
export type DhclOptions = DHCLOptions;
/** @deprecated Renamed to {@link defaultDHCLOptions}. */
export const defaultDhclOptions = defaultDHCLOptions;
/** @deprecated Renamed to {@link DRPOptions}. */
export type DrpOptions = DRPOptions;
/** @deprecated Renamed to {@link defaultDRPOptions}. */
export const defaultDrpOptions = defaultDRPOptions;
/** @deprecated Renamed to {@link RDRPOptions}. */
export type RdrpOptions = RDRPOptions;
/** @deprecated Renamed to {@link defaultRDRPOptions}. */
export const defaultRdrpOptions = defaultRDRPOptions;
