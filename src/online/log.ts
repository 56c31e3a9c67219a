import { ValidationError } from '../core/errors.js';
import { createDataset, type RCTDataset } from '../data/dataset.js';
import type { PacerDecision } from './pacer.js';

/** The outcomes of logged users, to build a dataset from a decision log. */
export interface DecisionOutcomes {
  /** Row-major features of the logged users, in log order. */
  readonly features: Float32Array;
  readonly d: number;
  readonly featureNames?: readonly string[];
  readonly treatmentNames: readonly string[];
  readonly response: Float32Array | readonly number[];
  readonly cost: Float32Array | readonly number[];
}

/**
 * An {@link RCTDataset} from a pacer's decision log and the users' outcomes: the arm given is the treatment and
 * the logged propensity its propensity, so `evaluatePolicy(candidate.decideBatch(ds.features, b), ds)` estimates a
 * new policy's value by IPW on the users served. Arms the log never gave cannot be evaluated (every arm needs a row):
 * a `uniform` holdout gives each arm some.
 *
 * @example
 * ```ts
 * const ds = datasetFromDecisions(log, { features, d, treatmentNames: policy.treatmentNames, response, cost });
 * const ev = evaluatePolicy(next.decideBatch(ds.features, { perUser: 0.5 }), ds);
 * ```
 */
export function datasetFromDecisions(decisions: readonly PacerDecision[], outcomes: DecisionOutcomes): RCTDataset {
  const n = decisions.length;
  if (outcomes.features.length !== n * outcomes.d) {
    throw new ValidationError({
      path: ['features'],
      message: `expected ${n} rows of ${outcomes.d} features for ${n} decisions, got ${outcomes.features.length} values`,
    });
  }
  const treatment = new Int32Array(n);
  const propensity = new Float32Array(n);
  decisions.forEach((d, i) => {
    treatment[i] = d.arm;
    propensity[i] = d.propensity;
  });
  return createDataset({
    features: outcomes.features,
    d: outcomes.d,
    ...(outcomes.featureNames !== undefined ? { featureNames: outcomes.featureNames } : {}),
    treatment,
    treatmentNames: outcomes.treatmentNames,
    response: outcomes.response,
    cost: outcomes.cost,
    propensity,
  });
}
