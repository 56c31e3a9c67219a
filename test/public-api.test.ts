import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as Baselines from '../src/baselines.js';
import type * as Root from '../src/index.js';
import type * as Node from '../src/node.js';
import type * as Solver from '../src/solver.js';

/**
 * The runtime names of every package entry, so that a change of the public surface is deliberate: adding, removing
 * or renaming an export means editing the list here (and a CHANGELOG line). Each list is sorted as
 * `[...names].sort()` sorts. Type-only exports have no runtime name; `tsc` checks those through the consumer test.
 */
const ENTRIES: Record<string, { source: string; names: readonly string[] }> = {
  '.': {
    source: '../src/index.js',
    names: [
      'AUTO_FIT_WORKERS_MIN_ROWS',
      'AllocationPolicy',
      'AllocationTable',
      'BASELINE_FORMAT_VERSION',
      'BackendUnavailableError',
      'BudgetPacer',
      'DFCL',
      'DHCL',
      'DRP',
      'Distiller',
      'DriftMonitor',
      'GroupStats',
      'HRCError',
      'HRCPaperPipeline',
      'HRCPipeline',
      'HiddenClusterer',
      'HrcError',
      'InfeasibleBudgetError',
      'NotFittedError',
      'OTHER_CATEGORY',
      'PACER_LIMITS',
      'POLICY_LIMITS',
      'RDRP',
      'RandomAllocator',
      'RepresentationNet',
      'SerializationError',
      'SolverError',
      'StochasticBudgetSolver',
      'StudentNet',
      'TPMSL',
      'TPMTARNet',
      'TpmSL',
      'TpmTARNet',
      'UniformBest',
      'VERSION',
      'ValidationError',
      'WorkerError',
      'aucc',
      'autoUpliftL2Candidates',
      'calibrateSpend',
      'checkEncoding',
      'compare',
      'costCurve',
      'createDataset',
      'crossFitNets',
      'crossFitOutcomes',
      'currentBackend',
      'curveArea',
      'datasetFingerprint',
      'datasetFromDecisions',
      'datasetFromRows',
      'defaultAUCCOptions',
      'defaultAuccOptions',
      'defaultBaselineOptions',
      'defaultBudgetGrid',
      'defaultBudgetPacerOptions',
      'defaultCalibrateSpendOptions',
      'defaultCompareOptions',
      'defaultCouponTrialOptions',
      'defaultCrossFitOptions',
      'defaultDFCLOptions',
      'defaultDHCLOptions',
      'defaultDRPOptions',
      'defaultDfclOptions',
      'defaultDhclOptions',
      'defaultDistillerOptions',
      'defaultDriftMonitorOptions',
      'defaultDrpOptions',
      'defaultEvaluateOptions',
      'defaultGroupStatsOptions',
      'defaultHRCPipelineOptions',
      'defaultHiddenClustererOptions',
      'defaultK',
      'defaultNetOptions',
      'defaultQiniOptions',
      'defaultRDRPOptions',
      'defaultRankingOptions',
      'defaultRdrpOptions',
      'defaultReferenceOptions',
      'defaultRepresentationNetOptions',
      'defaultStochasticBudgetSolverOptions',
      'defaultTPMOptions',
      'defaultTpmOptions',
      'defaultTwoPhaseNetOptions',
      'encodeRecord',
      'encodedNames',
      'ensemblePredict',
      'evaluatePolicies',
      'evaluatePolicy',
      'findLeakage',
      'formatSummary',
      'groupPredictedUplift',
      'hashUniform',
      'hillstromSchema',
      'inProcessTrainer',
      'loadCSV',
      'loadCsv',
      'matrix',
      'meanResponseUpTo',
      'oracleAssign',
      'paperHRCOptions',
      'policyFingerprint',
      'policyMetadata',
      'populationStability',
      'qini',
      'readCSVRecords',
      'readCsvRecords',
      'reencodeFeatures',
      'regressionAdjusted',
      'setWasmKernels',
      'shrinkGroupUplift',
      'simulateCouponTrial',
      'splitIndices',
      'starbucksSchema',
      'stratifiedFolds',
      'subsetRows',
      'summarize',
      'summarizeResults',
      'trainTestSplit',
      'trueValue',
      'truthMetrics',
      'upliftAUC',
      'upliftAuc',
      'upliftLossRows',
      'upliftSpace',
      'useBackend',
      'wasmKernelsEnabled',
      'wasmKernelsReady',
      'withSpendCalibration',
    ],
  },
  './node': {
    source: '../src/node.js',
    names: ['ParallelScorer', 'assignCSV', 'assignCsv', 'csvChunks', 'decideRows', 'workerNetTrainer', 'writeReport'],
  },
  './solver': {
    source: '../src/solver.js',
    names: [
      'ExactMCKPSolver',
      'ExactMckpSolver',
      'GLPKSolver',
      'GlpkSolver',
      'HighsSolver',
      'assignAtBudget',
      'checkMIPProblem',
      'checkMipProblem',
      'defaultMIPSolveOptions',
      'defaultMipSolveOptions',
      'detectMCKP',
      'detectMckp',
      'evaluateObjective',
      'mapGLPKStatus',
      'mapGlpkStatus',
      'mapHighsStatus',
      'maxViolation',
      'mckpPath',
      'relativeGap',
      'toGLPKLP',
      'toGlpkLp',
      'upgradesWithin',
    ],
  },
  './clustering': {
    source: '../src/clustering.js',
    names: [
      'defaultBudgets',
      'defaultClusterer',
      'ipwPlanScorer',
      'makeIPWPlanScorer',
      'makeIpwPlanScorer',
      'mergeSmallGroups',
      'softTargets',
    ],
  },
  './baselines': {
    source: '../src/baselines.js',
    names: [
      'DEFAULT_SEED',
      'PathAllocator',
      'RNG',
      'Rng',
      'armsAtPrefix',
      'budgetTotal',
      'calibratedThreshold',
      'checkBudget',
      'checkFeatures',
      'deriveSeed',
      'fitSpendCalibration',
      'ladderPath',
      'lagrangianPath',
      'prefixAtKey',
      'prefixWithinBudget',
    ],
  },
  './nn': {
    source: '../src/nn.js',
    names: [
      'ACTIVATIONS',
      'DenseNet',
      'LOSS_KINDS',
      'activate',
      'applyStandardizer',
      'checkStandardizer',
      'defaultTrainOptions',
      'denseLayer',
      'denseLayerStock',
      'drpRankingLoss',
      'dualDecisionLoss',
      'evaluateLoss',
      'fitStandardizer',
      'headLosses',
      'initWeights',
      'makeBatch',
      'maskedRowLoss',
      'roiLoss',
      'trainNet',
      'weightedMean',
    ],
  },
  './report': {
    source: '../src/report.js',
    names: [
      'decisionJSON',
      'decisionJson',
      'decisionMarkdown',
      'decisionSentences',
      'decisionSummary',
      'defaultDecisionSummaryOptions',
      'defaultReportOptions',
      'defaultValueMetrics',
      'metricLabels',
      'planView',
      'renderReport',
      'renderSVG',
      'renderSvg',
    ],
  },
};

describe('public API', () => {
  it.each(Object.entries(ENTRIES))('%s exports exactly its listed names', async (_entry, { source, names }) => {
    const mod = (await import(source)) as Record<string, unknown>;
    expect([...names].sort()).toEqual(names);
    expect(Object.keys(mod).sort()).toEqual(names);
  });

  it("package.json's exports map has exactly these entries, each pointing at its built file and declarations", () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>;
    };
    const entries = Object.entries(pkg.exports).filter(([k]) => k !== './package.json');
    expect(entries.map(([k]) => k).sort()).toEqual(Object.keys(ENTRIES).sort());
    for (const [key, target] of entries) {
      const file = (ENTRIES[key] as { source: string }).source.replace('../src/', './dist/');
      expect(target).toEqual({ types: file.replace(/\.js$/, '.d.ts'), import: file });
    }
  });

  it('keeps the renamed names as the same values under their old spelling', async () => {
    const root = await import('../src/index.js');
    expect(root.HrcError).toBe(root.HRCError);
    expect(root.TpmSL).toBe(root.TPMSL);
    expect(root.TpmTARNet).toBe(root.TPMTARNet);
    expect(root.defaultTpmOptions).toBe(root.defaultTPMOptions);
    expect(root.defaultDfclOptions).toBe(root.defaultDFCLOptions);
    expect(root.defaultDhclOptions).toBe(root.defaultDHCLOptions);
    expect(root.defaultDrpOptions).toBe(root.defaultDRPOptions);
    expect(root.defaultRdrpOptions).toBe(root.defaultRDRPOptions);
    expect(root.loadCsv).toBe(root.loadCSV);
    expect(root.readCsvRecords).toBe(root.readCSVRecords);
    expect(root.defaultAuccOptions).toBe(root.defaultAUCCOptions);
    expect(root.upliftAuc).toBe(root.upliftAUC);
    const solver = await import('../src/solver.js');
    expect(solver.ExactMckpSolver).toBe(solver.ExactMCKPSolver);
    expect(solver.GlpkSolver).toBe(solver.GLPKSolver);
    expect(solver.detectMckp).toBe(solver.detectMCKP);
    expect(solver.mapGlpkStatus).toBe(solver.mapGLPKStatus);
    expect(solver.toGlpkLp).toBe(solver.toGLPKLP);
    expect(solver.checkMipProblem).toBe(solver.checkMIPProblem);
    expect(solver.defaultMipSolveOptions).toBe(solver.defaultMIPSolveOptions);
    const clustering = await import('../src/clustering.js');
    expect(clustering.makeIpwPlanScorer).toBe(clustering.makeIPWPlanScorer);
    const report = await import('../src/report.js');
    expect(report.decisionJson).toBe(report.decisionJSON);
    expect(report.renderSvg).toBe(report.renderSVG);
    const baselines = await import('../src/baselines.js');
    expect(baselines.Rng).toBe(baselines.RNG);
    const node = await import('../src/node.js');
    expect(node.assignCsv).toBe(node.assignCSV);
  });
});

/** `true` when A and B are the same type (checked by `tsc`, which covers the test files). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// The renamed type-only exports keep their old spelling, as the same type, in the same entry as the new name.
const typeAliases: true[] = [
  true satisfies Same<Root.RctDataset, Root.RCTDataset>,
  true satisfies Same<Root.CsvEncoding, Root.CSVEncoding>,
  true satisfies Same<Root.CsvRecord, Root.CSVRecord>,
  true satisfies Same<Root.CsvSource, Root.CSVSource>,
  true satisfies Same<Root.LoadCsvOptions, Root.LoadCSVOptions>,
  true satisfies Same<Root.ReadCsvOptions, Root.ReadCSVOptions>,
  true satisfies Same<Root.AuccDefinition, Root.AUCCDefinition>,
  true satisfies Same<Root.AuccOptions, Root.AUCCOptions>,
  true satisfies Same<Root.AuccResult, Root.AUCCResult>,
  true satisfies Same<Root.EomEstimator, Root.EOMEstimator>,
  true satisfies Same<Root.SqlDialect, Root.SQLDialect>,
  true satisfies Same<Root.ToSqlOptions, Root.ToSQLOptions>,
  true satisfies Same<Root.UpliftAucResult, Root.UpliftAUCResult>,
  true satisfies Same<Baselines.Rng, Baselines.RNG>,
  true satisfies Same<Solver.ExactMckpSolver, Solver.ExactMCKPSolver>,
  true satisfies Same<Solver.GlpkSolver, Solver.GLPKSolver>,
  true satisfies Same<Solver.MckpStructure, Solver.MCKPStructure>,
  true satisfies Same<Solver.MckpPath, Solver.MCKPPath>,
  true satisfies Same<Solver.MipProblem, Solver.MIPProblem>,
  true satisfies Same<Solver.MipRow, Solver.MIPRow>,
  true satisfies Same<Solver.MipSolution, Solver.MIPSolution>,
  true satisfies Same<Solver.MipSolveOptions, Solver.MIPSolveOptions>,
  true satisfies Same<Solver.MipSolver, Solver.MIPSolver>,
  true satisfies Same<Solver.MipStatus, Solver.MIPStatus>,
  true satisfies Same<Node.AssignCsvOptions, Node.AssignCSVOptions>,
  true satisfies Same<Node.AssignCsvResult, Node.AssignCSVResult>,
  true satisfies Same<Node.CsvChunk, Node.CSVChunk>,
];

describe('public API types', () => {
  it('keeps the renamed type-only names under their old spelling (a wrong pair is a tsc error above)', () => {
    expect(typeAliases.every((same) => same)).toBe(true);
  });
});
