// The names of the previous release, kept as aliases for one release: every acronym in an exported type, class,
// interface or function name is now written in capitals (HRCError, TPMSL, DFCLOptions, RCTDataset, loadCSV, ...).
// Each alias is the same class, type or value as its new name. These are the root entry's; each subpath entry
// (hrc-budget/solver, /clustering, /baselines, /report, /node) keeps its own renamed names in a deprecated block at
// its end.
import { type DFCLDecisionLoss, type DFCLOptions, defaultDFCLOptions } from './baselines/dfcl.js';
import { type DHCLOptions, defaultDHCLOptions } from './baselines/dhcl.js';
import { type DRPOptions, defaultDRPOptions } from './baselines/drp.js';
import { defaultRDRPOptions, type RDRPOptions } from './baselines/rdrp.js';
import { defaultTPMOptions, type TPMOptions, TPMSL, TPMTARNet } from './baselines/tpm.js';
import { HRCError, type HRCErrorCode } from './core/errors.js';
import { type CSVSource, type LoadCSVOptions, loadCSV, type ReadCSVOptions, readCSVRecords } from './data/csv.js';
import type { CSVEncoding, CSVRecord } from './data/csv-grammar.js';
import type { RCTDataset } from './data/dataset.js';
import { type AUCCDefinition, type AUCCOptions, type AUCCResult, defaultAUCCOptions } from './eval/aucc.js';
import type { EOMEstimator } from './eval/ipw.js';
import { type UpliftAUCResult, upliftAUC } from './eval/uplift.js';
import type { SQLDialect, ToSQLOptions } from './policy/sql.js';

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

// Data-format and metric acronyms (RCT, CSV, AUCC, AUC, EOM, SQL).
/** @deprecated Renamed to {@link RCTDataset}. */
export type RctDataset = RCTDataset;
/** @deprecated Renamed to {@link CSVEncoding}. */
export type CsvEncoding = CSVEncoding;
/** @deprecated Renamed to {@link CSVRecord}. */
export type CsvRecord = CSVRecord;
/** @deprecated Renamed to {@link CSVSource}. */
export type CsvSource = CSVSource;
/** @deprecated Renamed to {@link LoadCSVOptions}. */
export type LoadCsvOptions = LoadCSVOptions;
/** @deprecated Renamed to {@link ReadCSVOptions}. */
export type ReadCsvOptions = ReadCSVOptions;
/** @deprecated Renamed to {@link loadCSV}. */
export const loadCsv = loadCSV;
/** @deprecated Renamed to {@link readCSVRecords}. */
export const readCsvRecords = readCSVRecords;
/** @deprecated Renamed to {@link AUCCDefinition}. */
export type AuccDefinition = AUCCDefinition;
/** @deprecated Renamed to {@link AUCCOptions}. */
export type AuccOptions = AUCCOptions;
/** @deprecated Renamed to {@link AUCCResult}. */
export type AuccResult = AUCCResult;
/** @deprecated Renamed to {@link defaultAUCCOptions}. */
export const defaultAuccOptions = defaultAUCCOptions;
/** @deprecated Renamed to {@link EOMEstimator}. */
export type EomEstimator = EOMEstimator;
/** @deprecated Renamed to {@link SQLDialect}. */
export type SqlDialect = SQLDialect;
/** @deprecated Renamed to {@link ToSQLOptions}. */
export type ToSqlOptions = ToSQLOptions;
/** @deprecated Renamed to {@link upliftAUC}. */
export const upliftAuc = upliftAUC;
/** @deprecated Renamed to {@link UpliftAUCResult}. */
export type UpliftAucResult = UpliftAUCResult;
