import { DFCL, DHCL, DRP, RandomAllocator, RDRP, TPMSL, TPMTARNet, UniformBest } from '../baselines/index.js';
import { readEnvelope } from '../core/envelope.js';
import { SerializationError, ValidationError } from '../core/errors.js';
import type { ProfitAllocator } from '../core/types.js';
import type { FeatureEncoding } from '../data/encoding.js';
import { HRCPaperPipeline, HRCPipeline, type HRCPipelineOptions } from '../pipeline/index.js';
import { AllocationPolicy } from '../policy/policy.js';
import { baselineModelSchema } from '../policy/schema.js';

/** Method names accepted by `--method` / `--methods`. */
export const METHOD_NAMES = [
  'hrc',
  'hrc-paper',
  'tpm-sl',
  'tpm-tarnet',
  'drp',
  'rdrp',
  'dhcl',
  'dfcl',
  'uniform-best',
  'random',
] as const;

/** Other spellings `--method` / `--methods` accept: `uniform` is `uniform-best` (UniformBest's `name`). */
export const METHOD_ALIASES = { uniform: 'uniform-best' } as const satisfies Record<
  string,
  (typeof METHOD_NAMES)[number]
>;

/** A method name or an alias of one; a method keeps the spelling it was given in reports. */
export type MethodName = (typeof METHOD_NAMES)[number] | keyof typeof METHOD_ALIASES;

/** A fresh allocator of a method. */
export function makeAllocator(name: MethodName, seed: number, hrc: HRCPipelineOptions = {}): ProfitAllocator {
  switch (name) {
    case 'hrc':
      return new HRCPipeline({ ...hrc, seed });
    case 'hrc-paper':
      return new HRCPaperPipeline({ ...hrc, seed });
    case 'tpm-sl':
      return new TPMSL({ seed });
    case 'tpm-tarnet':
      return new TPMTARNet({ seed });
    case 'drp':
      return new DRP({ seed });
    case 'rdrp':
      return new RDRP({ seed });
    case 'dhcl':
      return new DHCL({ seed });
    case 'dfcl':
      return new DFCL({ seed });
    case 'uniform-best':
    case 'uniform':
      return new UniformBest({ seed });
    case 'random':
      return new RandomAllocator({ seed });
    default: {
      const never: never = name;
      throw new ValidationError({ path: ['--method'], message: `unknown method ${String(never)}` });
    }
  }
}

/** Parses a `--methods` list (`all` = every method). */
export function parseMethods(raw: string): MethodName[] {
  if (raw.trim() === 'all') return [...METHOD_NAMES];
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const n of names) checkMethod(n, '--methods');
  if (names.length === 0)
    throw new ValidationError({
      path: ['--methods'],
      message: `expected a comma-separated list of ${METHOD_NAMES.join(', ')} or 'all'`,
    });
  return names as MethodName[];
}

/** Checks one method name. */
export function checkMethod(name: string, option = '--method'): MethodName {
  if (!(METHOD_NAMES as readonly string[]).includes(name) && !Object.hasOwn(METHOD_ALIASES, name)) {
    throw new ValidationError({
      path: [option],
      message: `unknown method '${name}'; expected one of ${METHOD_NAMES.join(', ')} (or uniform for uniform-best)`,
    });
  }
  return name as MethodName;
}

/** A model file: an HRC policy, or a serialized baseline. */
export type LoadedModel =
  | { kind: 'policy'; policy: AllocationPolicy }
  | {
      kind: 'allocator';
      method: string;
      allocator: ProfitAllocator;
      featureNames: readonly string[];
      treatmentNames: readonly string[];
      encoding: FeatureEncoding | undefined;
    };

const BASELINE_LOADERS: Record<string, (json: unknown) => ProfitAllocator> = {
  TpmSL: (j) => TPMSL.fromJSON(j),
  TpmTARNet: (j) => TPMTARNet.fromJSON(j),
  DRP: (j) => DRP.fromJSON(j),
  RDRP: (j) => RDRP.fromJSON(j),
  DHCL: (j) => DHCL.fromJSON(j),
  DFCL: (j) => DFCL.fromJSON(j),
  UniformBest: (j) => UniformBest.fromJSON(j),
  RandomAllocator: (j) => RandomAllocator.fromJSON(j),
};

/** Reads the JSON of `hrc-budget fit` (a policy or a baseline) by its `kind`. */
export function loadModel(json: unknown): LoadedModel {
  const kind = (json as { kind?: unknown })?.kind;
  if (kind === 'AllocationPolicy') return { kind: 'policy', policy: AllocationPolicy.fromJSON(json) };
  if (kind === 'BaselineModel') {
    readEnvelope(json, 'BaselineModel', 1, baselineModelSchema(Object.keys(BASELINE_LOADERS)));
    const j = json as {
      params: { method: string; featureNames: string[]; treatmentNames: string[]; encoding?: FeatureEncoding };
      state: { model: { kind: string } };
    };
    const p = j.params;
    return {
      kind: 'allocator',
      method: p.method,
      allocator: (BASELINE_LOADERS[j.state.model.kind] as (x: unknown) => ProfitAllocator)(j.state.model),
      featureNames: p.featureNames,
      treatmentNames: p.treatmentNames,
      encoding: p.encoding,
    };
  }
  throw new SerializationError(
    `not a policy file: kind ${JSON.stringify(kind)}; expected AllocationPolicy or BaselineModel (written by hrc-budget fit)`,
  );
}
