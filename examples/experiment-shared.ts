// Helpers shared by the experiment scripts (examples/experiment-*.ts): method factories that are the same as the
// CLI's, option parsing, Markdown tables from a comparison, and the "run main() when executed directly" check.
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { METHOD_NAMES, type MethodName, makeAllocator, parseMethods } from '../src/cli/methods.js';
import type { BudgetAllocator, ComparisonResult, HRCPipeline, RCTDataset, TrialSchema } from '../src/index.js';
import {
  type BackendName,
  compare,
  HRCPipeline as HRC,
  loadCSV,
  subsetRows,
  trainTestSplit,
  useBackend,
} from '../src/index.js';

export type { MethodName };
export { parseMethods };

/** Every method the experiments compare: HRC, the six baselines, and the two references. */
export const ALL_METHODS: readonly MethodName[] = METHOD_NAMES;

/**
 * Allocator factories with library defaults, exactly as `hrc-budget compare` and `hrc-budget demo` build them
 * (so a table of an experiment is reproducible from the CLI). Fitted HRC pipelines are reported to `onHrc` with
 * their seed, for the report's group and distillation sections or for profit mode.
 */
export function methodFactories(
  methods: readonly MethodName[],
  onHrc?: (hrc: HRCPipeline, seed: number) => void,
): Record<string, (seed: number) => BudgetAllocator> {
  const out: Record<string, (seed: number) => BudgetAllocator> = {};
  for (const m of methods) {
    out[m] = (seed) => {
      const a = makeAllocator(m, seed);
      if (a instanceof HRC) onHrc?.(a, seed);
      return a;
    };
  }
  return out;
}

/** True when the module at `metaUrl` is the script node/tsx was started with. */
export function isMain(metaUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(fileURLToPath(metaUrl));
  } catch {
    return false;
  }
}

/** Parses a comma-separated list of numbers. */
export function numbers(raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined) return [...fallback];
  const v = raw.split(',').map((s) => Number(s.trim()));
  if (v.length === 0 || v.some((x) => !Number.isFinite(x))) throw new Error(`expected numbers, got '${raw}'`);
  return v;
}

/** A budget without floating-point noise (0.007500000000000001 -> 0.0075). */
export function roundBudget(b: number): number {
  return Number(b.toPrecision(8));
}

/** A number with fixed decimals, '-' for missing or NaN. */
export function fmt(v: number | undefined, digits = 3): string {
  return v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(digits);
}

/** Mean and interval of a metric per method x budget from the comparison summary. */
export function summaryCell(
  result: ComparisonResult,
  method: string,
  budget: number,
  metric: string,
  digits = 3,
  withInterval = true,
): string {
  const r = result.summary.metrics.find((x) => x.method === method && x.budget === budget && x.metric === metric);
  if (r === undefined) return '-';
  if (!withInterval || !Number.isFinite(r.lower) || !Number.isFinite(r.upper)) return fmt(r.mean, digits);
  return `${fmt(r.mean, digits)} [${fmt(r.lower, digits)}, ${fmt(r.upper, digits)}]`;
}

/** A Markdown table: one row per method, one column per budget, cells from `cell`. */
export function markdownTable(
  head: string,
  methods: readonly string[],
  budgets: readonly number[],
  cell: (method: string, budget: number) => string,
  budgetLabel: (b: number) => string = (b) => `B = ${roundBudget(b)}`,
): string {
  const lines = [
    `| ${head} | ${budgets.map(budgetLabel).join(' | ')} |`,
    `| --- | ${budgets.map(() => '---').join(' | ')} |`,
  ];
  for (const m of methods) lines.push(`| ${m} | ${budgets.map((b) => cell(m, b)).join(' | ')} |`);
  return lines.join('\n');
}

/** Per-seed values of one metric of one method at one budget. */
export function seedValues(result: ComparisonResult, method: string, budget: number, metric: string): number[] {
  return result.rows
    .filter((r) => r.method === method && r.budget === budget && r.metric === metric)
    .sort((a, b) => a.seed - b.seed)
    .map((r) => r.value);
}

/** Mean and a t-interval (95%) over values; the interval is NaN with fewer than two values. */
export function meanInterval(values: readonly number[]): { mean: number; lower: number; upper: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, lower: Number.NaN, upper: Number.NaN };
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, lower: Number.NaN, upper: Number.NaN };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { mean, lower: mean - half, upper: mean + half };
}

/** 97.5% quantile of Student's t (two-sided 95%) for small degrees of freedom. */
function tQuantile975(df: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];
  return df <= table.length ? (table[df - 1] as number) : 1.96 + 2.4 / df;
}

/** Wall-clock seconds of fit per method, mean over seeds. */
export function fitSeconds(result: ComparisonResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of result.methods) {
    const t = result.timings.filter((x) => x.method === m);
    out[m] = t.length === 0 ? Number.NaN : t.reduce((s, x) => s + x.fitMs + x.assignMs, 0) / t.length / 1000;
  }
  return out;
}

/** Prints to stdout. */
export const printLine = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Progress to stderr with elapsed time. */
export function stderrProgress(quiet: boolean): (message: string) => void {
  const t0 = Date.now();
  return (message) => {
    if (!quiet) process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(0)} s] ${message}\n`);
  };
}

/** Options of a comparison on a real randomized trial (Hillstrom, Starbucks). */
export interface TrialExperimentOptions {
  /** Output folder of the report. */
  out: string;
  /** The trial CSV. */
  data: string;
  /** Seeds: each draws its own stratified train/test split and fresh models. @default [1, 2, 3] */
  seeds?: readonly number[];
  /** Budgets per user. */
  budgets?: readonly number[];
  /** @default all nine */
  methods?: readonly MethodName[];
  /** Share of rows held out for testing. @default 0.3 (the CLI's) */
  testFraction?: number;
  /** Spend-calibrate every method on 20% of the training rows held out (as `--calibrate`). @default false */
  calibrate?: boolean;
  /** Keep only the first `limit` rows of the file (for quick checks; the CLI has no such option). */
  limit?: number;
  /** @default 'wasm' */
  backend?: BackendName;
  /** Progress on stderr. @default false */
  quiet?: boolean;
  /** Where result lines go. @default stdout */
  print?: (line: string) => void;
}

/** What a trial experiment needs to know about its data set. */
export interface TrialSpec {
  title: string;
  schema: TrialSchema;
  /** The CLI's schema flags, e.g. `--preset starbucks --response-scale 10`. */
  cliSchemaFlags: string;
  defaultBudgets: readonly number[];
  /** The example script, for the printed command. */
  script: string;
}

/** A finished trial experiment. */
export interface TrialRun {
  data: RCTDataset;
  result: ComparisonResult;
  /** The fitted HRC pipeline of each seed (not disposed; call `dispose` when done). */
  hrc: Map<number, HRCPipeline>;
  /** The test split of a seed, as the comparison drew it. */
  testOf: (seed: number) => RCTDataset;
  cliCommand: string;
  scriptCommand: string;
  seeds: readonly number[];
  budgets: readonly number[];
  methods: readonly MethodName[];
}

/**
 * Compares the methods on a trial CSV exactly as `hrc-budget compare` does (same split per seed, same calibration
 * split, same allocators and evaluation), so the CLI command it returns reproduces its results table.
 */
export async function runTrialComparison(o: TrialExperimentOptions, spec: TrialSpec): Promise<TrialRun> {
  const seeds = o.seeds ?? [1, 2, 3];
  const budgets = o.budgets ?? spec.defaultBudgets;
  const methods = o.methods ?? ALL_METHODS;
  const testFraction = o.testFraction ?? 0.3;
  const calibrate = o.calibrate ?? false;
  const backend = o.backend ?? 'wasm';
  const progress = stderrProgress(o.quiet ?? false);
  await useBackend(backend);
  progress(`reading ${o.data}`);
  let data = await loadCSV(o.data, spec.schema);
  if (o.limit !== undefined && o.limit < data.n)
    data = subsetRows(
      data,
      Int32Array.from({ length: o.limit }, (_, i) => i),
    );
  const split = (seed: number) => trainTestSplit(data, { testFraction, seed });
  const hrc = new Map<number, HRCPipeline>();
  const result = await compare({
    methods: methodFactories(methods, (h, seed) => {
      hrc.set(seed, h);
    }),
    trial: (seed) => {
      const { train, test } = split(seed);
      if (!calibrate) return { train, test };
      const inner = trainTestSplit(train, { testFraction: 0.2, seed: seed + 1 });
      return { train: inner.train, test, calibration: inner.test };
    },
    calibrate,
    budgets,
    seeds,
    onProgress: (e) => progress(e.message ?? e.stage),
  });
  const methodsArg = methods.length === ALL_METHODS.length ? 'all' : methods.join(',');
  const dataArg = relative(process.cwd(), o.data) || o.data;
  const cliCommand = [
    'npx tsx src/cli/main.ts compare',
    `--data ${dataArg}`,
    spec.cliSchemaFlags,
    `--methods ${methodsArg}`,
    `--budgets ${budgets.join(',')}`,
    `--seeds ${seeds.join(',')}`,
    `--test-fraction ${testFraction}`,
    ...(calibrate ? ['--calibrate'] : []),
    `--backend ${backend}`,
    `--out ${o.out}-cli`,
  ].join(' ');
  const scriptCommand = [
    `npx tsx ${spec.script}`,
    `--out ${o.out}`,
    `--data ${dataArg}`,
    `--methods ${methodsArg}`,
    `--budgets ${budgets.join(',')}`,
    `--seeds ${seeds.join(',')}`,
    `--test-fraction ${testFraction}`,
    ...(calibrate ? ['--calibrate'] : []),
    ...(o.limit !== undefined ? [`--limit ${o.limit}`] : []),
    `--backend ${backend}`,
  ].join(' ');
  return {
    data,
    result,
    hrc,
    testOf: (seed) => split(seed).test,
    cliCommand: o.limit === undefined ? cliCommand : `(no CLI equivalent of --limit) ${cliCommand}`,
    scriptCommand,
    seeds,
    budgets,
    methods,
  };
}

/** The EOM tables every trial experiment prints: incremental response with intervals, spend, paired differences. */
export function eomSections(run: TrialRun, responseLabel: string): string {
  const { result } = run;
  const label = (b: number) => `B = ${roundBudget(b)}`;
  const incr = markdownTable(
    'method',
    result.methods,
    result.budgets,
    (m, b) => {
      const r = result.summary.metrics.find(
        (x) => x.method === m && x.budget === b && x.metric === 'eom.incrementalResponse',
      );
      if (r === undefined) return '-';
      return `${fmt(r.mean, 4)} [${fmt(r.bootstrapLower, 4)}, ${fmt(r.bootstrapUpper, 4)}]`;
    },
    label,
  );
  const spend = markdownTable(
    'method',
    result.methods,
    result.budgets,
    (m, b) => summaryCell(result, m, b, 'eom.spendRatio', 3, false),
    label,
  );
  const diffs = markdownTable(
    'method - hrc',
    result.methods.filter((m) => m !== 'hrc'),
    result.budgets,
    (m, b) => {
      const d = result.summary.differences.find(
        (x) => x.method === m && x.budget === b && x.metric === 'eom.incrementalResponse',
      );
      if (d === undefined) return '-';
      const ci = Number.isFinite(d.lower) ? ` [${fmt(d.lower, 4)}, ${fmt(d.upper, 4)}]` : '';
      return `${fmt(d.mean, 4)}${ci} (wins ${Math.round(d.winShare * d.n)}/${d.n})`;
    },
    label,
  );
  return [
    `Incremental ${responseLabel} per test user over all-control (EOM, Hajek IPW), mean over seeds [mean of the per-seed 95% bootstrap intervals]:`,
    '',
    incr,
    '',
    'Estimated spend / budget (EOM cost per user / budget per user), mean over seeds:',
    '',
    spend,
    '',
    `Paired difference of incremental ${responseLabel} against HRC, mean over seeds [95% t-interval over seeds] (seeds where the method beat HRC):`,
    '',
    result.methods.includes('hrc') ? diffs : '(HRC not among the methods)',
  ].join('\n');
}
