// Experiment 1 of issue #7: every method on the coupon-trial simulator at label noise 0, 0.2 and 0.4 and with
// heavy-tailed responses, over several seeds (a fresh simulated trial per seed) and three budgets. Reports the true
// value as a share of the oracle's (at the same budget and at matched spend) and the realized overspend, and writes
// one report (report.html, results.json, summary.md) per setting plus an overview summary.md.
//
// Run:  npx tsx examples/experiment-simulator.ts --out out/simulator [--n 20000] [--seeds 1,2,3]
//         [--settings 0,0.2,0.4,0.2h] [--budgets 0.1,0.3,0.6] [--methods all] [--calibrate] [--backend wasm]
// A setting is a label-noise share; a trailing "h" turns heavy tails on.
import { parseArgs } from 'node:util';
import { distillationSummary, groupSummaries } from '../src/cli/commands/report-parts.js';
import {
  type BackendName,
  type ComparisonResult,
  compare,
  type HRCPipeline,
  simulateCouponTrial,
  subsetRows,
  useBackend,
} from '../src/index.js';
import { writeFileAtomic } from '../src/node/atomic.js';
import { writeReport } from '../src/node.js';
import {
  ALL_METHODS,
  fitSeconds,
  fmt,
  isMain,
  type MethodName,
  markdownTable,
  methodFactories,
  numbers,
  parseMethods,
  printLine,
  roundBudget,
  stderrProgress,
  summaryCell,
} from './experiment-shared.js';

/** One simulator setting: label noise and heavy tails. */
export interface SimulatorSetting {
  labelNoise: number;
  heavyTails: boolean;
}

/** Options of {@link main}. */
export interface SimulatorExperimentOptions {
  /** Output folder; each setting writes a subfolder. */
  out: string;
  /** Training users per simulated trial. @default 20000 */
  nTrain?: number;
  /** Test users per trial (true values are computed on them). @default nTrain / 2, as `hrc-budget demo` */
  nTest?: number;
  /** Seeds: each is a fresh simulated trial and fresh models. @default [1, 2, 3] */
  seeds?: readonly number[];
  /** Budgets per user. @default [0.1, 0.3, 0.6] (the demo's) */
  budgets?: readonly number[];
  /** @default label noise 0, 0.2, 0.4, and 0.2 with heavy tails */
  settings?: readonly SimulatorSetting[];
  /** @default all nine */
  methods?: readonly MethodName[];
  /** Spend-calibrate every method on 20% of the training rows held out. @default false */
  calibrate?: boolean;
  /** @default 'wasm' */
  backend?: BackendName;
  /** Progress on stderr. @default false */
  quiet?: boolean;
  /** Where result lines go. @default stdout */
  print?: (line: string) => void;
}

/** What {@link main} returns: the comparison per setting and the overview file. */
export interface SimulatorExperimentResult {
  readonly settings: readonly { setting: SimulatorSetting; dir: string; result: ComparisonResult }[];
  readonly overview: string;
}

export const defaultSettings: readonly SimulatorSetting[] = [
  { labelNoise: 0, heavyTails: false },
  { labelNoise: 0.2, heavyTails: false },
  { labelNoise: 0.4, heavyTails: false },
  { labelNoise: 0.2, heavyTails: true },
];

const settingName = (s: SimulatorSetting) => `noise-${s.labelNoise}${s.heavyTails ? '-heavy-tails' : ''}`;
const settingLabel = (s: SimulatorSetting) => `label noise ${s.labelNoise}${s.heavyTails ? ', heavy tails' : ''}`;

/** Parses `0,0.2,0.4,0.2h`. */
export function parseSettings(raw: string): SimulatorSetting[] {
  return raw.split(',').map((part) => {
    const p = part.trim();
    const heavyTails = p.endsWith('h');
    const labelNoise = Number(heavyTails ? p.slice(0, -1) : p);
    if (!Number.isFinite(labelNoise)) throw new Error(`bad setting '${part}': expected e.g. 0.2 or 0.2h`);
    return { labelNoise, heavyTails };
  });
}

/** Runs the experiment and writes the reports. */
export async function main(options: SimulatorExperimentOptions): Promise<SimulatorExperimentResult> {
  const nTrain = options.nTrain ?? 20_000;
  const nTest = options.nTest ?? Math.max(1000, Math.round(nTrain / 2));
  const seeds = options.seeds ?? [1, 2, 3];
  const budgets = options.budgets ?? [0.1, 0.3, 0.6];
  const settings = options.settings ?? defaultSettings;
  const methods = options.methods ?? ALL_METHODS;
  const calibrate = options.calibrate ?? false;
  const backend = options.backend ?? 'wasm';
  const print = options.print ?? printLine;
  const progress = stderrProgress(options.quiet ?? false);
  await useBackend(backend);

  const done: { setting: SimulatorSetting; dir: string; result: ComparisonResult }[] = [];
  const overview: string[] = [
    '# Simulator experiment',
    '',
    `${nTrain} training and ${nTest} test users per trial (a fresh trial per seed), seeds ${seeds.join(', ')}, budgets per user ${budgets.join(', ')}, spend calibration ${calibrate ? 'on (20% of the training rows held out)' : 'off'}, backend ${backend}, library defaults for every method.`,
    'Cells: mean over seeds [95% t-interval over seeds].',
  ];
  for (const setting of settings) {
    const dir = `${options.out}/${settingName(setting)}`;
    print('');
    print(`== Simulator, ${settingLabel(setting)} ==`);
    let lastHrc: HRCPipeline | undefined;
    const hrcs: HRCPipeline[] = [];
    const result = await compare({
      methods: methodFactories(methods, (h) => {
        hrcs.push(h);
        lastHrc = h;
      }),
      trial: (seed) => {
        const sim = simulateCouponTrial({
          nTrain: calibrate ? Math.round(nTrain / 0.8) : nTrain,
          nTest,
          seed,
          labelNoise: setting.labelNoise,
          heavyTails: setting.heavyTails,
        });
        if (!calibrate) return { train: sim.train, test: sim.test, truth: sim.truth };
        // The calibration rows are simulated with the training rows, so the training size stays nTrain.
        const n = sim.train.n;
        const cut = Math.round(n * 0.8);
        const idx = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
        return {
          train: subsetRows(sim.train, idx(0, cut)),
          test: sim.test,
          truth: sim.truth,
          calibration: subsetRows(sim.train, idx(cut, n)),
        };
      },
      calibrate,
      budgets,
      seeds,
      onProgress: (e) => progress(`${settingLabel(setting)}: ${e.message ?? e.stage}`),
    });
    const commands = calibrate
      ? []
      : setting.heavyTails
        ? []
        : seeds.map(
            (s) =>
              `npx tsx src/cli/main.ts demo --n ${nTrain} --seed ${s} --label-noise ${setting.labelNoise} --budgets ${budgets.join(',')} --methods ${methods.join(',')} --out out/demo-${settingName(setting)}-seed-${s}`,
          );
    const mid = budgets[Math.floor(budgets.length / 2)] as number;
    const hrc = lastHrc as HRCPipeline | undefined;
    const dist = hrc !== undefined ? distillationSummary(hrc) : undefined;
    const files = await writeReport(dir, {
      title: `Simulator: ${settingLabel(setting)}`,
      description: `${nTrain} training and ${nTest} test users per trial, a fresh simulated trial per seed (seeds ${seeds.join(', ')}); budgets per user ${budgets.join(', ')}; spend calibration ${calibrate ? 'on' : 'off'}. True values come from the simulator's ground truth.`,
      comparison: result,
      ...(hrc !== undefined ? { groups: groupSummaries(hrc, mid) } : {}),
      ...(dist !== undefined ? { distillation: dist } : {}),
      metadata: {
        command: experimentCommand({ ...options, nTrain, seeds, budgets, methods, calibrate, backend }, setting),
        ...(commands.length > 0 ? { cliPerSeed: commands.join(' ; ') } : {}),
        labelNoise: setting.labelNoise,
        heavyTails: setting.heavyTails,
        nTrain,
        nTest,
        calibrated: calibrate,
        backend,
      },
    });
    for (const h of hrcs) h.dispose();
    const section = settingSection(result, setting, methods, budgets);
    print(section);
    print(`fit+assign seconds per seed: ${formatTimings(result)}`);
    print(
      `reproduce: ${experimentCommand({ ...options, nTrain, seeds, budgets, methods, calibrate, backend }, setting)}`,
    );
    for (const c of commands) print(`  one seed from the CLI: ${c}`);
    print(`wrote ${files.html}, ${files.json} and ${files.markdown}`);
    overview.push(
      '',
      section,
      '',
      `Reproduce: \`${experimentCommand({ ...options, nTrain, seeds, budgets, methods, calibrate, backend }, setting)}\``,
    );
    if (commands.length > 0) overview.push('', 'Per seed from the CLI:', '', ...commands.map((c) => `    ${c}`));
    if (result.failures.length > 0)
      overview.push(
        '',
        `Failures: ${result.failures.map((f) => `${f.method} seed ${f.seed} (${f.stage}): ${f.message}`).join('; ')}`,
      );
    done.push({ setting, dir, result });
  }
  const overviewPath = `${options.out}/summary.md`;
  await writeFileAtomic(overviewPath, `${overview.join('\n')}\n`);
  print(`wrote ${overviewPath}`);
  return { settings: done, overview: overviewPath };
}

/** The tables of one setting: oracle ratio, value at matched spend, spend ratio, overspend. */
function settingSection(
  result: ComparisonResult,
  setting: SimulatorSetting,
  methods: readonly string[],
  budgets: readonly number[],
): string {
  const label = (b: number) => `B = ${roundBudget(b)}`;
  const t = (metric: string, digits = 3) =>
    markdownTable('method', methods, result.budgets, (m, b) => summaryCell(result, m, b, metric, digits), label);
  return [
    `## ${settingLabel(setting)}`,
    '',
    'True incremental value / oracle at the same budget (`truth.oracleRatio`):',
    '',
    t('truth.oracleRatio'),
    '',
    'True value / oracle at matched spend (`truth.oracleRatioMatched`; overspending buys nothing):',
    '',
    t('truth.oracleRatioMatched'),
    '',
    'True spend / budget (`truth.spendRatio`; 1 = on budget):',
    '',
    t('truth.spendRatio'),
    '',
    'Overspend, max(0, spend / budget - 1) (`truth.overspend`):',
    '',
    t('truth.overspend'),
    '',
    `Budgets per user: ${budgets.join(', ')}.`,
  ].join('\n');
}

function formatTimings(result: ComparisonResult): string {
  return Object.entries(fitSeconds(result))
    .map(([m, s]) => `${m} ${fmt(s, 1)}`)
    .join(', ');
}

function experimentCommand(
  o: SimulatorExperimentOptions & {
    nTrain: number;
    seeds: readonly number[];
    budgets: readonly number[];
    methods: readonly string[];
    calibrate: boolean;
    backend: string;
  },
  setting: SimulatorSetting,
): string {
  return [
    'npx tsx examples/experiment-simulator.ts',
    `--out ${o.out}`,
    `--n ${o.nTrain}`,
    ...(o.nTest !== undefined ? [`--n-test ${o.nTest}`] : []),
    `--seeds ${o.seeds.join(',')}`,
    `--budgets ${o.budgets.join(',')}`,
    `--settings ${setting.labelNoise}${setting.heavyTails ? 'h' : ''}`,
    `--methods ${o.methods.length === ALL_METHODS.length ? 'all' : o.methods.join(',')}`,
    ...(o.calibrate ? ['--calibrate'] : []),
    `--backend ${o.backend}`,
  ].join(' ');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'out/simulator' },
      n: { type: 'string' },
      'n-test': { type: 'string' },
      seeds: { type: 'string' },
      budgets: { type: 'string' },
      settings: { type: 'string' },
      methods: { type: 'string', default: 'all' },
      calibrate: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'wasm' },
      quiet: { type: 'boolean', default: false },
    },
  });
  await main({
    out: values.out as string,
    ...(values.n !== undefined ? { nTrain: Number(values.n) } : {}),
    ...(values['n-test'] !== undefined ? { nTest: Number(values['n-test']) } : {}),
    seeds: numbers(values.seeds, [1, 2, 3]),
    budgets: numbers(values.budgets, [0.1, 0.3, 0.6]),
    ...(values.settings !== undefined ? { settings: parseSettings(values.settings) } : {}),
    methods: parseMethods(values.methods as string),
    calibrate: values.calibrate === true,
    backend: values.backend as BackendName,
    quiet: values.quiet === true,
  });
}
