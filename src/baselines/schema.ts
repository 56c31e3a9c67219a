import * as v from 'valibot';
import { checkSchema } from '../core/envelope.js';
import { ACTIVATIONS } from '../nn/dense.js';
import { f32, finite, name, size } from '../solver/schema.js';

/**
 * valibot schemas of the baselines' serialized models (checked before anything is built from them): strict objects,
 * finite numbers, and declared sizes (input width, layer widths, head units, arms) that must agree with the arrays
 * holding the values, so no net is allocated from a size the file claims before the size is checked.
 */

/** Most parameters a serialized baseline net may declare. */
export const MAX_NET_PARAMS = 50_000_000;

const positive = v.pipe(
  v.number(),
  v.finite(),
  v.check((x) => x > 0, 'expected a positive number'),
);

/** A standardizer of `d` columns. */
export function standardizerSchema(d: number) {
  return v.strictObject({
    mean: v.pipe(v.array(finite), v.length(d, `expected ${d} means`)),
    std: v.pipe(v.array(positive), v.length(d, `expected ${d} standard deviations`)),
  });
}

const headSchema = v.strictObject({
  name: v.pipe(name, v.minLength(1)),
  units: size,
  hidden: v.optional(v.pipe(v.array(size), v.maxLength(100))),
});

/** The layer shapes a net spec declares, in the net's variable order (trunk, then heads; weight before bias). */
function declaredShapes(spec: v.InferOutput<typeof specSchema>): number[][] {
  const shapes: number[][] = [];
  let fan = spec.inputDim;
  for (const u of spec.trunk) {
    shapes.push([fan, u], [u]);
    fan = u;
  }
  for (const h of spec.heads) {
    let f = fan;
    for (const u of h.hidden ?? []) {
      shapes.push([f, u], [u]);
      f = u;
    }
    shapes.push([f, h.units], [h.units]);
  }
  return shapes;
}

const specSchema = v.strictObject({
  inputDim: size,
  trunk: v.pipe(v.array(size), v.maxLength(100)),
  heads: v.pipe(v.array(headSchema), v.nonEmpty(), v.maxLength(10_000)),
  activation: v.optional(v.picklist(ACTIVATIONS)),
  initializer: v.optional(v.picklist(['glorotUniform', 'heNormal', 'zeros'])),
  seed: v.optional(finite),
});

/** A net's spec and weights (`netState` output) with `inputDim` inputs. */
export function netStateSchema(inputDim: number) {
  return v.pipe(
    v.strictObject({
      spec: v.pipe(
        specSchema,
        v.check((s) => s.inputDim === inputDim, `expected a net with ${inputDim} inputs`),
        v.check(
          (s) => declaredShapes(s).reduce((a, sh) => a + sh.reduce((p, x) => p * x, 1), 0) <= MAX_NET_PARAMS,
          `declares more than ${MAX_NET_PARAMS} parameters`,
        ),
      ),
      weights: v.strictObject({
        names: v.array(name),
        shapes: v.array(v.array(size)),
        values: v.array(v.array(f32)),
      }),
    }),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const { spec, weights } = dataset.value;
      const shapes = declaredShapes(spec);
      if (weights.values.length !== shapes.length || weights.names.length !== shapes.length) {
        addIssue({ message: `weights: expected ${shapes.length} variables, got ${weights.values.length}` });
        return;
      }
      shapes.forEach((sh, i) => {
        const want = sh.reduce((p, x) => p * x, 1);
        if (weights.values[i]?.length !== want)
          addIssue({ message: `weights.values[${i}]: expected ${want} values, got ${weights.values[i]?.length}` });
      });
    }),
  );
}

/** A score-to-effect map. */
export const effectMapSchema = v.pipe(
  v.strictObject({
    centre: v.pipe(v.array(finite), v.nonEmpty(), v.maxLength(1_000_000)),
    roi: v.array(finite),
    cost: v.array(finite),
  }),
  v.check(
    (e) => e.roi.length === e.centre.length && e.cost.length === e.centre.length,
    'centre, roi and cost must have the same length',
  ),
);

/** A RoiNet's state for `d` features and `m` arms (the net itself checked by {@link netStateSchema}). */
export function roiNetSchema(d: number, m: number) {
  return v.strictObject({
    mode: v.picklist(['control', 'ladder']),
    ladder: v.pipe(
      v.array(v.pipe(v.number(), v.integer())),
      v.check(
        (l) => l.length === m && l[0] === 0 && [...l].sort((a, b) => a - b).every((a, j) => a === j),
        `expected a permutation of 0..${m - 1} starting with 0`,
      ),
    ),
    roiMax: positive,
    costScale: positive,
    standardizer: standardizerSchema(d),
    net: v.unknown(),
  });
}

/** A TwoPhaseNet's state for `d` features. */
export function twoPhaseSchema(d: number) {
  return v.strictObject({
    architecture: v.picklist(['slearner', 'tarnet']),
    standardizer: standardizerSchema(d),
    scales: v.strictObject({ binary: v.boolean(), response: positive, cost: positive }),
    net: v.unknown(),
  });
}

/** DRP's model state for `d` features and `m` arms. */
export function drpModelSchema(d: number, m: number) {
  return v.strictObject({
    standardizer: standardizerSchema(d),
    maps: v.pipe(v.array(effectMapSchema), v.length(m - 1, `expected ${m - 1} maps (one per treatment arm)`)),
    net: v.unknown(),
  });
}

/** RDRP's model state for `m` arms. */
export function rdrpModelSchema(m: number) {
  const nonNegative = v.pipe(v.number(), v.finite(), v.minValue(0));
  return v.strictObject({
    q: v.pipe(v.array(nonNegative), v.length(m - 1, `expected ${m - 1} quantiles (one per treatment arm)`)),
    beta: nonNegative,
    net: v.unknown(),
  });
}

/** Checks untrusted model JSON against `schema` and returns it typed; throws SerializationError naming the paths. */
export function readModel<S extends v.GenericSchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  checkSchema(schema, value, where);
  return value as v.InferOutput<S>;
}
