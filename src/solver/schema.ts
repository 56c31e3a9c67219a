import * as v from 'valibot';

/**
 * valibot schemas of the solver's serialized artifacts (AllocationTable, GroupStats) and the number schemas shared
 * with the policy schema: strict objects, finite numbers, unique names, and declared sizes (groups, arms, budgets,
 * replicates) that must agree with the arrays holding the values, checked before anything is allocated.
 */

/** Largest finite float32: student parameters beyond it would become Infinity. */
export const F32_MAX = 3.4028234663852886e38;
/** Most numbers a policy's group statistics may declare (k * m * (replicates + moments)). */
export const MAX_STATS_NUMBERS = 50_000_000;

export const finite = v.pipe(v.number(), v.finite());
export const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
export const probability = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));
export const f32 = v.pipe(v.number(), v.finite(), v.minValue(-F32_MAX), v.maxValue(F32_MAX));
export const positiveF32 = v.pipe(
  v.number(),
  v.finite(),
  v.check((x) => x > 0, 'expected a positive number'),
  v.maxValue(F32_MAX),
);
export const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000));
export const name = v.pipe(v.string(), v.maxLength(10_000));

export function uniqueNames(what: string) {
  return v.pipe(
    v.array(name),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const seen = new Set<string>();
      for (const s of dataset.value) {
        if (seen.has(s)) addIssue({ message: `${what} '${s}' appears more than once` });
        seen.add(s);
      }
    }),
  );
}

/** Schema of a serialized {@link AllocationTable}. @internal */
export const tableSchema = v.pipe(
  v.strictObject({
    kind: v.literal('AllocationTable'),
    formatVersion: v.literal(1),
    params: v.strictObject({
      k: size,
      m: v.pipe(size, v.minValue(2)),
      formulation: v.picklist(['expected', 'robust', 'chance', 'cvar']),
      armNames: uniqueNames('arm'),
      population: v.pipe(
        finite,
        v.check((x) => x > 0, 'expected a positive number'),
      ),
      minimumBudget: nonNegative,
      controlValue: finite,
      quantileLevels: v.array(probability),
    }),
    state: v.strictObject({
      budgets: v.pipe(v.array(nonNegative), v.nonEmpty()),
      arms: v.array(v.pipe(v.number(), v.integer(), v.minValue(0))),
      value: v.array(finite),
      cost: v.array(nonNegative),
      valueQuantiles: v.array(finite),
      costQuantiles: v.array(finite),
      probWithinBudget: v.array(probability),
      status: v.array(v.picklist(['optimal', 'feasible'])),
      gap: v.array(v.nullable(finite)),
      shares: v.optional(v.array(probability)),
    }),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { params: p, state: s } = dataset.value;
    const B = s.budgets.length;
    const Q = p.quantileLevels.length;
    const want: [string, number, number][] = [
      ['arms', s.arms.length, B * p.k],
      ['value', s.value.length, B],
      ['cost', s.cost.length, B],
      ['valueQuantiles', s.valueQuantiles.length, B * Q],
      ['costQuantiles', s.costQuantiles.length, B * Q],
      ['probWithinBudget', s.probWithinBudget.length, B],
      ['status', s.status.length, B],
      ['gap', s.gap.length, B],
      ...(s.shares !== undefined ? [['shares', s.shares.length, B * p.k * p.m] as [string, number, number]] : []),
    ];
    for (const [key, got, expected] of want)
      if (got !== expected) addIssue({ message: `state.${key}: expected ${expected} entries, got ${got}` });
    if (p.armNames.length !== p.m) addIssue({ message: `params.armNames: expected ${p.m} names` });
    if (s.arms.some((a) => a >= p.m)) addIssue({ message: `state.arms: expected arm indices in 0..${p.m - 1}` });
  }),
);

const MOMENTS = ['count', 'weight', 'weight2', 'sumY', 'sumYY', 'sumC', 'sumCC', 'sumYC'] as const;
const sums = v.strictObject({ sum: v.array(finite), sum2: v.array(finite) });
/** Schema of a serialized {@link GroupStats}. @internal */
export const statsSchema = v.pipe(
  v.strictObject({
    kind: v.literal('GroupStats'),
    formatVersion: v.literal(1),
    params: v.strictObject({
      k: size,
      m: v.pipe(size, v.minValue(2)),
      outcomeNames: uniqueNames('outcome'),
      replicates: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)),
    }),
    state: v.strictObject({
      count: v.array(nonNegative),
      weight: v.array(nonNegative),
      weight2: v.array(nonNegative),
      sumY: v.array(finite),
      sumYY: v.array(finite),
      sumC: v.array(finite),
      sumCC: v.array(finite),
      sumYC: v.array(finite),
      outcomes: v.optional(v.record(v.string(), sums)),
      replicates: v.optional(v.strictObject({ w: v.array(finite), y: v.array(finite), c: v.array(finite) })),
    }),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { params: p, state: s } = dataset.value;
    const km = p.k * p.m;
    if (km * (p.replicates * 3 + MOMENTS.length + 2 * p.outcomeNames.length) > MAX_STATS_NUMBERS) {
      addIssue({ message: `declares more than ${MAX_STATS_NUMBERS} numbers` });
      return;
    }
    for (const n of MOMENTS)
      if (s[n].length !== km) addIssue({ message: `state.${n}: expected ${km} entries, got ${s[n].length}` });
    for (const o of p.outcomeNames) {
      const e = s.outcomes?.[o];
      if (e === undefined || e.sum.length !== km || e.sum2.length !== km)
        addIssue({ message: `state.outcomes.${o}: expected sum and sum2 of ${km} entries` });
    }
    const r = s.replicates ?? { w: [], y: [], c: [] };
    for (const key of ['w', 'y', 'c'] as const)
      if (r[key].length !== p.replicates * km)
        addIssue({ message: `state.replicates.${key}: expected ${p.replicates * km} entries, got ${r[key].length}` });
  }),
);
