import { ValidationError } from '../core/errors.js';
import { hillstromSchema, starbucksSchema, type TrialSchema } from '../data/schema.js';

/** The CLI options that describe a trial CSV. */
export interface SchemaArgs {
  preset?: string;
  treatment?: string;
  control?: string;
  response?: string;
  responseScale?: number;
  cost?: string;
  armCost?: string;
  features?: string;
  exclude?: string;
  categorical?: string;
  id?: string;
  propensity?: string;
  missing?: string;
  /** Outcome columns other than the response: kept, never features. */
  outcomes?: string;
  /** Most categories per categorical column. */
  maxCategories?: number;
  /** Text encoding of the CSV: utf-8 or latin1. */
  encoding?: string;
}

const PRESETS: Record<string, TrialSchema> = { hillstrom: hillstromSchema, starbucks: starbucksSchema };

function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Builds a TrialSchema from `--preset` and/or the column options (options override the preset). */
export function schemaFromArgs(a: SchemaArgs): TrialSchema {
  let base: Partial<TrialSchema> = {};
  if (a.preset !== undefined) {
    const p = PRESETS[a.preset];
    if (p === undefined || !Object.hasOwn(PRESETS, a.preset)) {
      throw new ValidationError({
        path: ['--preset'],
        message: `unknown preset '${a.preset}'; expected ${Object.keys(PRESETS).join(' or ')}`,
      });
    }
    base = { ...p };
  }
  const treatment = a.treatment ?? base.treatment;
  const control = a.control ?? base.control;
  const response = a.response ?? base.response;
  for (const [opt, v] of [
    ['--treatment', treatment],
    ['--control', control],
    ['--response', response],
  ] as const) {
    if (v === undefined) throw new ValidationError({ path: [opt], message: 'required (or give --preset)' });
  }
  let armCost = base.armCost;
  let cost = base.cost;
  if (a.armCost !== undefined) {
    armCost = parseArmCost(a.armCost);
    cost = undefined;
  }
  if (a.cost !== undefined) {
    cost = a.cost;
    armCost = undefined;
  }
  if (cost === undefined && armCost === undefined) {
    throw new ValidationError({
      path: ['--cost'],
      message: 'give a cost column (--cost COL) or a cost per arm (--arm-cost NAME=V,...)',
    });
  }
  const categorical =
    a.categorical === undefined
      ? (base.categorical ?? 'auto')
      : a.categorical === 'auto'
        ? 'auto'
        : list(a.categorical);
  const missing = a.missing ?? base.missing;
  if (missing !== undefined && !['error', 'zero', 'mean'].includes(missing)) {
    throw new ValidationError({ path: ['--missing'], message: `expected error, zero or mean, got '${missing}'` });
  }
  const features = list(a.features) ?? base.features;
  const exclude = list(a.exclude) ?? base.exclude;
  const id = a.id ?? base.id;
  const outcomes = list(a.outcomes) ?? (a.preset !== undefined ? base.outcomes : undefined);
  const propensity = a.propensity ?? base.propensity;
  const responseScale = a.responseScale ?? base.responseScale;
  return {
    treatment: treatment as string,
    control: control as string,
    response: response as string,
    ...(cost !== undefined ? { cost } : {}),
    ...(armCost !== undefined ? { armCost } : {}),
    ...(a.armCost === undefined && base.arms !== undefined ? { arms: base.arms } : {}),
    ...(features !== undefined ? { features } : {}),
    ...(exclude !== undefined ? { exclude } : {}),
    ...(categorical !== undefined ? { categorical: categorical as readonly string[] | 'auto' } : {}),
    ...(id !== undefined ? { id } : {}),
    ...(propensity !== undefined ? { propensity } : {}),
    ...(outcomes !== undefined ? { outcomes } : {}),
    ...(a.maxCategories !== undefined ? { maxCategories: a.maxCategories } : {}),
    ...(missing !== undefined ? { missing: missing as 'error' | 'zero' | 'mean' } : {}),
    ...(responseScale !== undefined ? { responseScale } : {}),
  };
}

/** Parses `NAME=V,NAME=V`. */
export function parseArmCost(raw: string): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const part of raw.split(',')) {
    const eq = part.lastIndexOf('=');
    const name = part.slice(0, eq).trim();
    const v = Number(part.slice(eq + 1));
    if (eq <= 0 || name === '' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError({
        path: ['--arm-cost'],
        message: `expected NAME=COST pairs with non-negative costs, got '${part}'`,
      });
    }
    out[name] = v;
  }
  return out;
}

/** Parses a comma-separated list of non-negative numbers (`--budgets`). */
export function parseNumbers(raw: string, option: string): number[] {
  const vals = raw.split(',').map((s) => Number(s.trim()));
  if (vals.length === 0 || vals.some((v) => !Number.isFinite(v) || v < 0)) {
    throw new ValidationError({
      path: [option],
      message: `expected comma-separated non-negative numbers, got '${raw}'`,
    });
  }
  return vals;
}
