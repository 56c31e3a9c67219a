import * as v from 'valibot';
import { SerializationError } from '../core/errors.js';
import { encodedNames, type FeatureEncoding } from '../data/encoding.js';

/**
 * The schema of the policy artifact (`policy.json`), checked with valibot before anything is built from it: every
 * object is strict (an unknown key is an error), numbers are finite (and within float32 where they become float32),
 * names are unique, and every declared size (groups, arms, replicates, layer widths) agrees with the arrays that
 * hold the values, so no size claimed in a file is allocated before it is checked.
 */

/** Largest finite float32: student parameters beyond it would become Infinity. */
const F32_MAX = 3.4028234663852886e38;
/** Most numbers a policy's group statistics may declare (k * m * (replicates + moments)). */
const MAX_STATS_NUMBERS = 50_000_000;

const finite = v.pipe(v.number(), v.finite());
const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
const probability = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));
const f32 = v.pipe(v.number(), v.finite(), v.minValue(-F32_MAX), v.maxValue(F32_MAX));
const positiveF32 = v.pipe(
  v.number(),
  v.finite(),
  v.check((x) => x > 0, 'expected a positive number'),
  v.maxValue(F32_MAX),
);
const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000));
const name = v.pipe(v.string(), v.maxLength(10_000));

function uniqueNames(what: string) {
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

const layerSchema = v.pipe(
  v.strictObject({
    inSize: size,
    outSize: size,
    kernel: v.array(f32),
    bias: v.array(f32),
    activation: v.picklist(['relu', 'linear']),
  }),
  v.check((l) => l.kernel.length === l.inSize * l.outSize, 'expected inSize * outSize kernel weights'),
  v.check((l) => l.bias.length === l.outSize, 'expected outSize biases'),
);

function studentSchema(maxParams: number) {
  return v.pipe(
    v.strictObject({
      layers: v.pipe(v.array(layerSchema), v.nonEmpty()),
      mean: v.array(f32),
      scale: v.array(positiveF32),
    }),
    v.check(
      (s) => s.layers.every((l, i) => i === 0 || l.inSize === s.layers[i - 1]?.outSize),
      'layer sizes do not chain',
    ),
    v.check(
      (s) => s.mean.length === s.layers[0]?.inSize && s.scale.length === s.layers[0]?.inSize,
      'expected one mean and one scale per input of the first layer',
    ),
    v.check(
      (s) => s.layers.reduce((a, l) => a + l.inSize * l.outSize + l.outSize, 0) <= maxParams,
      `more than ${maxParams} parameters`,
    ),
  );
}

const tableSchema = v.pipe(
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
const statsSchema = v.pipe(
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

const encodingSchema = v.strictObject({
  columns: v.array(
    v.variant('kind', [
      v.strictObject({ name, kind: v.literal('numeric'), fill: v.optional(finite) }),
      v.strictObject({
        name,
        kind: v.literal('categorical'),
        categories: uniqueNames('category'),
        other: v.optional(v.boolean()),
      }),
    ]),
  ),
});

const metadataSchema = v.strictObject({
  libraryVersion: name,
  createdAt: name,
  seed: v.optional(finite),
  dataFingerprint: v.optional(name),
  distillAgreement: v.optional(probability),
  method: v.optional(name),
});

/** The schema of a serialized {@link AllocationPolicy}. */
export function policySchema(maxStudentParams: number) {
  return v.pipe(
    v.strictObject({
      kind: v.literal('AllocationPolicy'),
      formatVersion: v.literal(1),
      params: v.strictObject({
        featureNames: uniqueNames('feature'),
        treatmentNames: v.pipe(uniqueNames('treatment'), v.minLength(2)),
        encoding: v.optional(encodingSchema),
        solverOptions: v.optional(v.record(v.string(), v.unknown())),
        metadata: metadataSchema,
      }),
      state: v.strictObject({
        student: studentSchema(maxStudentParams),
        table: tableSchema,
        stats: v.optional(statsSchema),
      }),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const { params: p, state: s } = dataset.value;
      const d = p.featureNames.length;
      if (p.encoding !== undefined) {
        const names = encodedNames(p.encoding as FeatureEncoding);
        if (names.length !== d || names.some((n, i) => n !== p.featureNames[i]))
          addIssue({ message: 'params.encoding: its encoded names disagree with params.featureNames (name or order)' });
      }
      if (s.student.layers[0]?.inSize !== d)
        addIssue({ message: `state.student: expects ${s.student.layers[0]?.inSize} features, the policy has ${d}` });
      if (s.student.layers[s.student.layers.length - 1]?.outSize !== s.table.params.k)
        addIssue({ message: `state.student: its group count disagrees with the table's k=${s.table.params.k}` });
      if (p.treatmentNames.length !== s.table.params.m)
        addIssue({ message: `params.treatmentNames: expected ${s.table.params.m} names as in the table` });
      if (p.treatmentNames.some((t, i) => t !== s.table.params.armNames[i]))
        addIssue({ message: 'params.treatmentNames: disagree with state.table.params.armNames' });
      if (s.stats !== undefined && (s.stats.params.k !== s.table.params.k || s.stats.params.m !== s.table.params.m))
        addIssue({ message: 'state.stats: its k and m disagree with the table' });
    }),
  );
}

/** Checks untrusted policy JSON against {@link policySchema}; throws SerializationError naming the paths. */
export function checkPolicyJson(value: unknown, maxStudentParams: number): void {
  const r = v.safeParse(policySchema(maxStudentParams), value, { abortPipeEarly: true });
  if (r.success) return;
  const shown = r.issues.slice(0, 3).map((i) => {
    const path = v.getDotPath(i);
    return `${path !== null ? `${path}: ` : ''}${i.message}`;
  });
  throw new SerializationError(
    `AllocationPolicy: ${shown.join('; ')}${r.issues.length > 3 ? ` (and ${r.issues.length - 3} more)` : ''}`,
  );
}
