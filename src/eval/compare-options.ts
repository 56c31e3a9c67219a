import { ValidationError } from '../core/errors.js';
import { DEFAULT_SEED } from '../core/rng.js';
import { checkNumber, checkOptionKeys, describe } from '../core/validate.js';
import type { CompareOptions, ComparisonTrial } from './compare.js';
import { toBudgets } from './costcurve.js';
import { EVALUATE_OPTION_KEYS, type EvaluateOptions } from './ipw.js';

/** Defaults of {@link CompareOptions} (the reference defaults to `'hrc'` when it is among the methods). */
export const defaultCompareOptions = {
  seeds: [DEFAULT_SEED] as readonly number[],
  level: 0.95,
  onFailure: 'throw' as 'throw' | 'record',
  evaluation: { resamples: 200 } as Omit<EvaluateOptions, 'seed'>,
};

/** Validates the options of `compare` and resolves the defaults: names, budgets, seeds, reference, level, trials. */
const COMPARE_OPTION_KEYS: readonly string[] = Object.keys({
  methods: 1,
  train: 1,
  test: 1,
  truth: 1,
  trial: 1,
  calibration: 1,
  calibrate: 1,
  calibrationOptions: 1,
  budgets: 1,
  seeds: 1,
  reference: 1,
  evaluation: 1,
  level: 1,
  onFailure: 1,
  onProgress: 1,
} satisfies Record<keyof CompareOptions, 1>);

export function checkCompareOptions(o: CompareOptions) {
  checkOptionKeys(o, COMPARE_OPTION_KEYS);
  checkOptionKeys(
    o.evaluation,
    EVALUATE_OPTION_KEYS.filter((k) => k !== 'seed'),
    ['evaluation'],
  );
  const methods = o.methods;
  if (typeof methods !== 'object' || methods === null || Object.keys(methods).length === 0) {
    throw new ValidationError({
      path: ['methods'],
      message: `expected a non-empty object of allocator factories, got ${describe(methods)}`,
    });
  }
  const names = Object.keys(methods);
  for (const name of names) {
    if (typeof methods[name] !== 'function')
      throw new ValidationError({
        path: ['methods', name],
        message: `expected a function (seed) => BudgetAllocator, got ${describe(methods[name])}`,
      });
  }
  const budgets = toBudgets(o.budgets);
  const seeds = [...(o.seeds ?? defaultCompareOptions.seeds)];
  if (seeds.length === 0) throw new ValidationError({ path: ['seeds'], message: 'expected at least one seed' });
  for (let i = 0; i < seeds.length; i++) checkNumber(`seeds.${i}`, seeds[i], { integer: true });
  if (new Set(seeds).size !== seeds.length)
    throw new ValidationError({ path: ['seeds'], message: 'seeds must be distinct' });
  const level = checkNumber('level', o.level ?? defaultCompareOptions.level, { min: 1e-9, max: 1 - 1e-9 });
  if (o.reference !== undefined && !names.includes(o.reference)) {
    throw new ValidationError({
      path: ['reference'],
      message: `'${o.reference}' is not among the methods (${names.join(', ')})`,
    });
  }
  const reference = o.reference ?? (names.includes('hrc') ? 'hrc' : undefined);
  let getTrial: (seed: number) => ComparisonTrial;
  if (o.trial !== undefined) {
    if (o.train !== undefined || o.test !== undefined || o.truth !== undefined || o.calibration !== undefined)
      throw new ValidationError({
        path: ['trial'],
        message:
          'give either trial or train/test/truth/calibration, not both (a trial returns its own calibration rows)',
      });
    if (typeof o.trial !== 'function')
      throw new ValidationError({ path: ['trial'], message: 'expected a function (seed) => { train, test, truth? }' });
    getTrial = o.trial;
  } else {
    if (o.train === undefined) throw new ValidationError({ path: ['train'], message: 'required (or give trial)' });
    if (o.test === undefined) throw new ValidationError({ path: ['test'], message: 'required (or give trial)' });
    const fixed = {
      train: o.train,
      test: o.test,
      ...(o.truth !== undefined ? { truth: o.truth } : {}),
      ...(o.calibration !== undefined ? { calibration: o.calibration } : {}),
    };
    getTrial = () => fixed;
  }
  if (o.calibrate !== undefined && typeof o.calibrate !== 'boolean')
    throw new ValidationError({ path: ['calibrate'], message: `expected a boolean, got ${describe(o.calibrate)}` });
  const calibrate = o.calibrate ?? o.calibration !== undefined;
  return { names, budgets, seeds, reference, level, getTrial, calibrate };
}

/** Checks that a trial's train and test data fit together, with its truth and with its calibration rows. */
export function checkTrial(t: ComparisonTrial, calibrate: boolean): void {
  if (t === null || typeof t !== 'object' || t.train === undefined || t.test === undefined) {
    throw new ValidationError({ path: ['trial'], message: `expected { train, test, truth? }, got ${describe(t)}` });
  }
  if (t.train.d !== t.test.d)
    throw new ValidationError({
      path: ['test', 'd'],
      message: `expected ${t.train.d} feature columns as in train, got ${t.test.d}`,
    });
  const a = t.train.treatmentNames.join('\u0000');
  if (a !== t.test.treatmentNames.join('\u0000'))
    throw new ValidationError({
      path: ['test', 'treatmentNames'],
      message: `expected the arms of train (${t.train.treatmentNames.join(', ')})`,
    });
  if (calibrate) {
    const c = t.calibration;
    if (c === undefined)
      throw new ValidationError({ path: ['calibration'], message: 'calibrate is on: give held-out calibration rows' });
    if (c.d !== t.train.d || c.treatmentNames.join('\u0000') !== a)
      throw new ValidationError({
        path: ['calibration'],
        message: `expected ${t.train.d} feature columns and the arms of train (${t.train.treatmentNames.join(', ')})`,
      });
  }
  if (t.truth !== undefined && (t.truth.n !== t.test.n || t.truth.m !== t.test.treatmentNames.length))
    throw new ValidationError({
      path: ['truth'],
      message: `expected the truth of the ${t.test.n} test users and ${t.test.treatmentNames.length} arms`,
    });
}
