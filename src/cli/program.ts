import { Command, CommanderError } from 'commander';
import { HrcError, ValidationError } from '../core/errors.js';
import { runDemo } from './demo.js';

/** Parses a number option, naming the option on bad input. */
export function numberOption(name: string, opts: { min?: number; integer?: boolean } = {}) {
  return (raw: string): number => {
    const v = Number(raw);
    if (
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

/** Builds the command-line program. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hrc-budget')
    .description('Robust marketing budget allocation from randomized trials')
    .option('--verbose', 'print stack traces of errors')
    .option('--quiet', 'no progress output on stderr')
    .exitOverride();
  program
    .command('demo')
    .description('simulate a coupon trial and show what the library computes on it')
    .option('--n <rows>', 'training rows', numberOption('n', { min: 100, integer: true }), 50_000)
    .option('--seed <seed>', 'random seed', numberOption('seed', { integer: true }), 42)
    .action(async (opts: { n: number; seed: number }) => {
      await runDemo(opts, (line) => process.stdout.write(`${line}\n`));
    });
  return program;
}

/** Runs the CLI and returns the exit code: 0 on success, 1 on bad input, 2 on internal errors. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const verbose = argv.includes('--verbose');
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return 0;
      return 1;
    }
    const cause = (e as { cause?: unknown }).cause;
    const err = e instanceof HrcError ? e : cause instanceof HrcError ? cause : undefined;
    if (
      err !== undefined &&
      (err.code === 'VALIDATION' ||
        err.code === 'INFEASIBLE_BUDGET' ||
        err.code === 'SERIALIZATION' ||
        err.code === 'BACKEND_UNAVAILABLE')
    ) {
      process.stderr.write(`hrc-budget: ${err.message}\n`);
      if (verbose) process.stderr.write(`${err.stack}\n`);
      return 1;
    }
    process.stderr.write(`hrc-budget: internal error: ${(e as Error).message}\n`);
    if (verbose) process.stderr.write(`${(e as Error).stack}\n`);
    return 2;
  }
}
