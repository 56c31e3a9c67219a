import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * The runtime names of every package entry, so that a change of the public surface is deliberate: adding, removing
 * or renaming an export means editing the list here (and a CHANGELOG line). Each list is sorted as
 * `[...names].sort()` sorts. Type-only exports have no runtime name; `tsc` checks those through the consumer test.
 */
const ENTRIES: Record<string, { source: string; names: readonly string[] }> = {
  '.': {
    source: '../src/index.js',
    names: [
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
      'loadCsv',
      'matrix',
      'meanResponseUpTo',
      'oracleAssign',
      'paperHRCOptions',
      'policyFingerprint',
      'policyMetadata',
      'populationStability',
      'qini',
      'readCsvRecords',
      'reencodeFeatures',
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
      'upliftAuc',
      'upliftSpace',
      'useBackend',
      'wasmKernelsEnabled',
      'wasmKernelsReady',
      'withSpendCalibration',
    ],
  },
  './node': {
    source: '../src/node.js',
    names: ['ParallelScorer', 'assignCsv', 'csvChunks', 'decideRows', 'writeReport'],
  },
  './solver': {
    source: '../src/solver.js',
    names: [
      'ExactMckpSolver',
      'GlpkSolver',
      'HighsSolver',
      'assignAtBudget',
      'checkMipProblem',
      'defaultMipSolveOptions',
      'detectMckp',
      'evaluateObjective',
      'mapGlpkStatus',
      'mapHighsStatus',
      'maxViolation',
      'mckpPath',
      'relativeGap',
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
  });
});
