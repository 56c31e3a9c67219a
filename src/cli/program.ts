import { Command, CommanderError, Option } from 'commander';
import type { BackendName } from '../backend/index.js';
import { HRCError, ValidationError } from '../core/errors.js';
import type { Formulation } from '../solver/allocation-table.js';
import type { CostCorrection } from '../solver/stochastic-solver.js';
import { VERSION } from '../version.js';
import { runAssign } from './commands/assign.js';
import { DriftDetectedError } from './commands/assign-online.js';
import { runCompare } from './commands/compare.js';
import { runEvaluate } from './commands/evaluate.js';
import { runFit } from './commands/fit.js';
import { runDemo } from './demo.js';
import { checkMethod, METHOD_NAMES, parseMethods } from './methods.js';
import { Progress } from './progress.js';
import { parseNumbers } from './schema-args.js';

/** Parses a number option, naming the option on bad input. */
export function numberOption(name: string, opts: { min?: number; integer?: boolean } = {}) {
  return (raw: string): number => {
    const v = Number(raw);
    if (
      raw.trim() === '' ||
      !Number.isFinite(v) ||
      (opts.integer === true && !Number.isInteger(v)) ||
      (opts.min !== undefined && v < opts.min)
    ) {
      const what = opts.integer === true ? 'an integer' : 'a number';
      throw new ValidationError({
        path: [`--${name}`],
        message: `expected ${what}${opts.min !== undefined ? ` >= ${opts.min}` : ''}, got '${raw}'`,
      });
    }
    return v;
  };
}

const list = (name: string) => (raw: string) => parseNumbers(raw, `--${name}`);
const print = (line: string) => process.stdout.write(`${line}\n`);

function schemaOptions(cmd: Command): Command {
  return cmd
    .option('--preset <name>', 'column layout of a known trial: hillstrom or starbucks')
    .option('--treatment <col>', 'column with the arm each row received')
    .option('--control <name>', 'value of the treatment column that means control')
    .option('--response <col>', 'column with the response to maximize')
    .option(
      '--response-scale <x>',
      'multiply the response (e.g. 10 to count a purchase as $10)',
      numberOption('response-scale', { min: 0 }),
    )
    .option('--cost <col>', 'column with each row’s cost')
    .option('--arm-cost <pairs>', 'fixed cost per arm instead of a cost column, e.g. "none=0,coupon=2"')
    .option('--features <cols>', 'feature columns (default: all other columns)')
    .option('--exclude <cols>', 'columns to leave out of the features')
    .option('--categorical <cols>', "categorical feature columns, or 'auto' to detect them (default: auto)")
    .option('--id <col>', 'row id column')
    .option('--propensity <col>', 'column with the probability of the arm received (default: arm shares)')
    .option('--missing <policy>', 'empty feature values: error, zero or mean (default: error)')
    .option('--outcomes <cols>', 'outcome columns besides the response (recorded after treatment): never features')
    .option(
      '--max-categories <n>',
      'most categories per categorical column; rarer ones are pooled into (other) (default: 50)',
      numberOption('max-categories', { min: 1, integer: true }),
    )
    .addOption(encodingFlag());
}

const encodingFlag = () =>
  new Option('--encoding <name>', 'text encoding of the CSV (bytes that are not UTF-8 are an error)')
    .choices(['utf-8', 'latin1'])
    .default('utf-8');

const backendOption = () =>
  new Option('--backend <name>', 'tfjs backend').choices(['cpu', 'wasm', 'tensorflow']).default('wasm');
const formulationOption = () =>
  new Option('--formulation <f>', 'stochastic program of the HRC solver').choices([
    'expected',
    'robust',
    'chance',
    'cvar',
  ]);

const costCorrectionOption = () =>
  new Option(
    '--cost-correction <c>',
    "HRC: take the bootstrap estimate of the plans' selection on noisy cell costs off each budget (expected or robust formulation)",
  ).choices(['none', 'bootstrap']);

/** Builds the command-line program. `progress` is created per run from the global --quiet flag. */
export function buildProgram(progressOf: () => Progress): Command {
  const program = new Command();
  program
    .name('hrc-budget')
    .description('Robust marketing budget allocation from randomized trials')
    .version(VERSION)
    .option('--verbose', 'print stack traces of errors')
    .option('--quiet', 'no progress output on stderr')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('demo')
    .description(
      'HRC and the baselines on the built-in coupon-trial simulator: a results table, the HTML report and policy.json',
    )
    .option('--n <rows>', 'training rows', numberOption('n', { min: 500, integer: true }), 20_000)
    .option('--seed <seed>', 'random seed', numberOption('seed', { integer: true }), 42)
    .option('--out <dir>', 'output folder', 'hrc-demo')
    .option('--methods <list>', `methods: all or a list of ${METHOD_NAMES.join(', ')}`, parseMethods, [...METHOD_NAMES])
    .option('--budgets <list>', 'budgets per user', list('budgets'), [0.1, 0.3, 0.6])
    .option(
      '--label-noise <share>',
      'share of training labels replaced by noise',
      numberOption('label-noise', { min: 0 }),
      0,
    )
    .option('--heavy-tails', 'add heavy-tailed noise to training responses', false)
    .option('--seeds <list>', 'several seeds, a fresh simulated trial each (overrides --seed)', list('seeds'))
    .addOption(backendOption())
    .action(async (o) => runDemo({ ...o, backend: o.backend as BackendName }, progressOf(), print));

  schemaOptions(program.command('fit').description('train HRC (or a baseline) on a trial CSV and write policy.json'))
    .requiredOption('--data <file>', 'randomized trial CSV')
    .option('--method <name>', `one of ${METHOD_NAMES.join(', ')}`, (v) => checkMethod(v), 'hrc')
    .option(
      '--budgets <list>',
      'per-user budgets of the HRC plan grid (default: 24 from the cheapest plan up)',
      list('budgets'),
    )
    .option(
      '--k <groups>',
      'number of HRC groups (default: from the data size)',
      numberOption('k', { min: 1, integer: true }),
    )
    .addOption(formulationOption())
    .addOption(costCorrectionOption())
    .option('--seed <seed>', 'random seed', numberOption('seed', { integer: true }), 42)
    .addOption(backendOption())
    .option(
      '--allow-leakage',
      'keep feature columns that look recorded after the treatment (constant within arms, or predicting the arm far better than chance)',
    )
    .option('--out <file>', 'policy file to write', 'policy.json')
    .option(
      '--reproducible',
      'stamp policy.json with SOURCE_DATE_EPOCH (0 when unset) instead of the current time: the same seed then gives a byte-identical file',
    )
    .option(
      '--slim',
      'HRC: leave the group statistics out of policy.json (much smaller; budgets between grid points then use the nearest lower grid budget instead of an exact re-solve)',
    )
    .option(
      '--holdout <share>',
      'HRC: keep this share of rows (stratified by arm) out of the fit and store the held-out IPW value per grid budget in policy.json, e.g. 0.3',
      numberOption('holdout', { min: 0 }),
    )
    .option(
      '--workers <n>',
      'HRC: worker threads that train the cross-fitted networks, several at once; the policy is the same whatever n (default: the cores, from 20,000 rows on, with the cpu or wasm backend)',
      numberOption('workers', { min: 1, integer: true }),
    )
    .action(async (o) =>
      runFit(
        {
          ...o,
          backend: o.backend as BackendName,
          formulation: o.formulation as Formulation | undefined,
          costCorrection: o.costCorrection as CostCorrection | undefined,
        },
        progressOf(),
        print,
      ),
    );

  program
    .command('assign')
    .description('decide a treatment for every user of a CSV (streamed), written as id,treatment')
    .requiredOption('--policy <file>', 'policy.json from hrc-budget fit')
    .requiredOption('--data <file>', 'CSV of users with the feature columns')
    .option(
      '--budget-per-user <x>',
      'average cost per user to stay within',
      numberOption('budget-per-user', { min: 0 }),
    )
    .option(
      '--net-value <v>',
      'profit mode (any method): money value of one response; treat where it covers the predicted cost',
      numberOption('net-value', { min: 0 }),
    )
    .option(
      '--total-budget <x>',
      'budget of the whole file: users are decided in file order by the budget pacer',
      numberOption('total-budget', { min: 0 }),
    )
    .option(
      '--arrivals <n>',
      'users expected, for --total-budget (default: the rows of the file)',
      numberOption('arrivals', { min: 1, integer: true }),
    )
    .option(
      '--holdout <share>',
      'share of user ids held out to control, in [0, 1)',
      numberOption('holdout', { min: 0 }),
    )
    .option('--cap <arm=n>', 'at most n users get this arm (repeatable)', (v: string, acc: string[]) => [...acc, v], [])
    .option('--log <file>', 'write every decision as JSON lines {id, arm, propensity, planBudget, group, ...}')
    .option('--fail-on-drift', 'exit with code 3 when the drift monitor fires')
    .option('--id <col>', 'id column (default: the 0-based row number)')
    .option('--workers <n>', 'worker threads (default: all cores)', numberOption('workers', { min: 1, integer: true }))
    .addOption(encodingFlag())
    .addOption(
      new Option('--on-unknown <what>', 'a category not seen in training: error, or zero (no known category)')
        .choices(['error', 'zero'])
        .default('error'),
    )
    .requiredOption('--out <file>', 'decisions CSV to write')
    .action(async (o) => runAssign(o, progressOf(), print));

  schemaOptions(
    program
      .command('evaluate')
      .description('IPW value (expected outcome metric) of a policy on randomized trial data, per budget'),
  )
    .requiredOption('--policy <file>', 'policy.json from hrc-budget fit')
    .requiredOption('--data <file>', 'randomized trial CSV (held out from training)')
    .requiredOption('--budgets <list>', 'budgets per user', list('budgets'))
    .option('--seed <seed>', 'seed of the bootstrap', numberOption('seed', { integer: true }), 42)
    .addOption(
      new Option('--on-unknown <what>', 'a category not seen in training: error, or zero (no known category)')
        .choices(['error', 'zero'])
        .default('error'),
    )
    .option('--out <file>', 'results JSON to write')
    .option(
      '--net-value <v>',
      'value of one unit of response in cost units: adds the break-even budget',
      numberOption('net-value', { min: 0 }),
    )
    .option('--summary <prefix>', 'write the decision summary to <prefix>.md and <prefix>.json')
    .action(async (o) => runEvaluate(o, progressOf(), print));

  schemaOptions(
    program
      .command('compare')
      .description('HRC and the baselines on a trial CSV (train/test split per seed), with an HTML report'),
  )
    .requiredOption('--data <file>', 'randomized trial CSV')
    .option('--methods <list>', `all or a list of ${METHOD_NAMES.join(', ')}`, parseMethods, [...METHOD_NAMES])
    .requiredOption('--budgets <list>', 'budgets per user', list('budgets'))
    .option('--seeds <list>', 'seeds', list('seeds'), [42])
    .option(
      '--test-fraction <share>',
      'share of rows held out for testing',
      numberOption('test-fraction', { min: 0.01 }),
      0.3,
    )
    .option('--calibrate', 'calibrate every method’s spend on held-out training rows', false)
    .option('--allow-leakage', 'keep feature columns that look recorded after the treatment')
    .option('--k <groups>', 'number of HRC groups', numberOption('k', { min: 1, integer: true }))
    .addOption(formulationOption())
    .addOption(costCorrectionOption())
    .addOption(backendOption())
    .option('--out <dir>', 'output folder', 'hrc-compare')
    .action(async (o) =>
      runCompare(
        {
          ...o,
          backend: o.backend as BackendName,
          formulation: o.formulation as Formulation | undefined,
          costCorrection: o.costCorrection as CostCorrection | undefined,
        },
        progressOf(),
        print,
      ),
    );
  return program;
}

/**
 * Runs the CLI and returns the exit code: 0 on success, 1 on bad input, 2 on internal errors, 3 when
 * `assign --fail-on-drift` saw drift.
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const quiet = argv.includes('--quiet');
  const verbose = argv.includes('--verbose');
  const progress = new Progress(quiet);
  const program = buildProgram(() => progress);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    progress.stop();
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help' ||
        e.exitCode === 0
      )
        return 0;
      return 1;
    }
    if (e instanceof DriftDetectedError) {
      process.stderr.write(`hrc-budget: ${e.message}\n`);
      return 3;
    }
    const cause = (e as { cause?: unknown }).cause;
    const err = e instanceof HRCError ? e : cause instanceof HRCError ? cause : undefined;
    if (err !== undefined && err.code !== 'SOLVER') {
      process.stderr.write(`hrc-budget: ${err.message}\n`);
      if (verbose) process.stderr.write(`${err.stack}\n`);
      return 1;
    }
    const sys = e as NodeJS.ErrnoException;
    if (typeof sys.code === 'string' && ['ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR', 'EEXIST'].includes(sys.code)) {
      process.stderr.write(`hrc-budget: ${sys.message}\n`);
      return 1;
    }
    process.stderr.write(`hrc-budget: internal error: ${(e as Error).message}\n`);
    if (verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
}
