import * as v from 'valibot';
import { checkSchema, readEnvelope } from '../core/envelope.js';
import { SerializationError } from '../core/errors.js';
import { parseJSONInput } from '../core/validate.js';
import type { AllocationPolicy } from '../policy/policy.js';
import type { BudgetPacerOptions, ResolvedPacerOptions } from './pacer-options.js';

/** Largest accepted serialized pacer state, in characters of JSON. */
export const PACER_LIMITS = { maxJsonChars: 16 * 1024 * 1024, maxWindowBlocks: 100_000, maxSize: 100_000 };

const count = v.pipe(v.number(), v.finite(), v.minValue(0));
const finite = v.pipe(v.number(), v.finite());
const nums = v.pipe(v.array(count), v.maxLength(PACER_LIMITS.maxSize));
const rows = v.pipe(v.array(nums), v.maxLength(PACER_LIMITS.maxWindowBlocks));
const intAtLeast = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));

const driftCounts = v.object({
  groups: nums,
  cells: nums,
  arms: nums,
  planned: nums,
  realized: nums,
  matured: nums,
  squares: nums,
});

const stateSchema = v.object({
  seq: intAtLeast(0),
  heldOut: intAtLeast(0),
  armCounts: nums,
  mix: nums,
  blockGroups: nums,
  observed: count,
  maturedPlanned: count,
  maturedObserved: count,
  windowStart: intAtLeast(0),
  windowPlanned: v.pipe(nums, v.minLength(1), v.maxLength(PACER_LIMITS.maxWindowBlocks)),
  windowObserved: v.pipe(nums, v.maxLength(PACER_LIMITS.maxWindowBlocks)),
  windowArmPlanned: rows,
  windowArmObserved: rows,
  windowArmCount: rows,
  plan: intAtLeast(0),
  theta: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  ratio: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  drift: v.exactOptional(driftCounts),
});

const paramsSchema = v.object({
  fingerprint: v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/)),
  budget: v.object({ total: count }),
  arrivals: v.pipe(v.number(), v.finite(), v.minValue(1)),
  caps: v.record(v.string(), intAtLeast(0)),
  holdout: v.object({
    share: v.pipe(v.number(), v.minValue(0), v.ltValue(1)),
    mode: v.picklist(['control', 'uniform']),
  }),
  delay: intAtLeast(0),
  interval: intAtLeast(1),
  mixSmoothing: v.pipe(v.number(), v.gtValue(0), v.maxValue(1)),
  priorArrivals: count,
  seed: finite,
  period: v.exactOptional(
    v.object({
      start: finite,
      end: finite,
      curve: v.pipe(v.array(count), v.minLength(1), v.maxLength(PACER_LIMITS.maxSize)),
    }),
  ),
  drift: v.union([
    v.literal(false),
    v.object({
      psiThreshold: v.exactOptional(count),
      costThreshold: v.exactOptional(count),
      minDecisions: v.exactOptional(intAtLeast(0)),
      minArmDecisions: v.exactOptional(intAtLeast(0)),
      z: v.exactOptional(count),
    }),
  ]),
});

const pacerSchema = v.object({
  kind: v.literal('BudgetPacer'),
  formatVersion: v.literal(1),
  params: paramsSchema,
  state: stateSchema,
});

/** The state part of a pacer's JSON. */
export type PacerStateJSON = v.InferOutput<typeof stateSchema>;
/** The params part of a pacer's JSON. */
export type PacerParamsJSON = v.InferOutput<typeof paramsSchema>;
/** A pacer's JSON: `{ kind: 'BudgetPacer', formatVersion: 1, params, state }`. */
export interface PacerJSON {
  kind: 'BudgetPacer';
  formatVersion: 1;
  params: PacerParamsJSON;
  state: PacerStateJSON;
}

/** Parses and checks untrusted pacer JSON (an object or a string) and its policy fingerprint. */
export function readPacerJSON(
  json: unknown,
  policy: AllocationPolicy,
  fingerprintOf: (p: AllocationPolicy) => string,
): PacerJSON {
  const value = parseJSONInput(json, 'pacer state', PACER_LIMITS.maxJsonChars);
  readEnvelope(value, 'BudgetPacer', 1);
  const out = checkSchema(pacerSchema, value, 'BudgetPacer');
  const fp = fingerprintOf(policy);
  if (out.params.fingerprint !== fp) {
    throw new SerializationError(
      `BudgetPacer: the state belongs to the policy with fingerprint ${out.params.fingerprint}, not to the given policy (${fp})`,
    );
  }
  return out as PacerJSON;
}

/** The params part of a pacer's JSON: its resolved options (caps by arm name, callbacks left out). */
export function writePacerParams(
  o: ResolvedPacerOptions,
  fingerprint: string,
  armNames: readonly string[],
  drift: BudgetPacerOptions['drift'],
): PacerParamsJSON {
  const caps: Record<string, number> = {};
  o.caps.forEach((c, j) => {
    if (Number.isFinite(c)) caps[armNames[j] as string] = c;
  });
  return {
    fingerprint,
    budget: { total: o.total },
    arrivals: o.arrivals,
    caps,
    holdout: { share: o.holdoutShare, mode: o.holdoutMode },
    delay: o.delay,
    interval: o.interval,
    mixSmoothing: o.mixSmoothing,
    priorArrivals: o.priorArrivals,
    seed: o.seed,
    ...(o.period !== undefined
      ? { period: { start: o.period.start, end: o.period.end, curve: [...(o.curve ?? [1])] } }
      : {}),
    ...(drift === false ? { drift: false as const } : { drift: stripCallback(drift ?? {}) }),
  };
}

function stripCallback(d: NonNullable<BudgetPacerOptions['drift']>): Record<string, number> {
  if (d === false) return {};
  const { onEvent: _cb, plannedCostSe: _se, ...rest } = d;
  return rest as Record<string, number>;
}
