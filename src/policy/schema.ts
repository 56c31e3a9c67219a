import * as v from 'valibot';
import { readEnvelope } from '../core/envelope.js';
import { encodedNames, type FeatureEncoding } from '../data/encoding.js';
import {
  f32,
  finite,
  name,
  positiveF32,
  probability,
  size,
  statsSchema,
  tableSchema,
  uniqueNames,
} from '../solver/schema.js';

/**
 * The schema of the policy artifact (`policy.json`), checked with valibot before anything is built from it: every
 * object is strict (an unknown key is an error), numbers are finite (and within float32 where they become float32),
 * names are unique, and every declared size (groups, arms, replicates, layer widths) agrees with the arrays that
 * hold the values, so no size claimed in a file is allocated before it is checked.
 */

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

/** Schema of a recorded {@link FeatureEncoding}. @internal */
export const encodingSchema = v.strictObject({
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

const interval = v.strictObject({ estimate: finite, lower: finite, upper: finite });

/** `fit --holdout`'s held-out value per grid budget (see `HoldoutEstimate`); at most 100,000 grid budgets. */
const holdoutSchema = v.pipe(
  v.strictObject({
    share: probability,
    rows: v.pipe(v.number(), v.integer(), v.minValue(0)),
    estimator: name,
    level: probability,
    budgets: v.pipe(v.array(finite), v.maxLength(100_000)),
    incrementalResponse: v.pipe(v.array(interval), v.maxLength(100_000)),
    cost: v.pipe(v.array(interval), v.maxLength(100_000)),
  }),
  v.check(
    (h) => h.incrementalResponse.length === h.budgets.length && h.cost.length === h.budgets.length,
    'holdout: expected one incrementalResponse and one cost interval per budget',
  ),
);

const metadataSchema = v.strictObject({
  libraryVersion: name,
  createdAt: name,
  seed: v.optional(finite),
  dataFingerprint: v.optional(name),
  distillAgreement: v.optional(probability),
  method: v.optional(name),
  holdout: v.optional(holdoutSchema),
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
export function checkPolicyJSON(value: unknown, maxStudentParams: number): void {
  readEnvelope(value, 'AllocationPolicy', 1, policySchema(maxStudentParams));
}

/**
 * The schema of the envelope `hrc-budget fit` writes for a baseline (`kind: 'BaselineModel'`): the method, feature and
 * treatment names, the encoding (in feature order) and the model, whose own `fromJSON` checks the rest.
 */
export function baselineModelSchema(kinds: readonly string[]) {
  return v.pipe(
    v.strictObject({
      kind: v.literal('BaselineModel'),
      formatVersion: v.literal(1),
      params: v.strictObject({
        method: name,
        featureNames: uniqueNames('feature'),
        treatmentNames: v.pipe(uniqueNames('treatment'), v.minLength(2)),
        encoding: v.optional(encodingSchema),
      }),
      state: v.strictObject({ model: v.looseObject({ kind: v.picklist(kinds as string[]) }) }),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed || dataset.value.params.encoding === undefined) return;
      const names = encodedNames(dataset.value.params.encoding as FeatureEncoding);
      const f = dataset.value.params.featureNames;
      if (names.length !== f.length || names.some((n, i) => n !== f[i]))
        addIssue({ message: 'params.encoding: its encoded names disagree with params.featureNames (name or order)' });
    }),
  );
}
