import { InfeasibleBudgetError, ValidationError } from '../core/errors.js';
import { checkNumber, describe } from '../core/validate.js';
import type { FormulationSettings, ProblemLayout } from './formulation.js';
import type { MIPRow } from './mip.js';
import type { CellScenarios } from './scenarios.js';

/** Limits on how many users get one arm, as shares of the population (or a count of users). */
export interface ArmLimit {
  /** At most this share of the population gets the arm, in [0, 1]. */
  maxShare?: number;
  /** At most this many users get the arm (read as a share of the population solved for). */
  maxUsers?: number;
  /** At least this share of the population gets the arm (exploration), in [0, 1]. */
  minShare?: number;
}

/**
 * Business constraints of the group-level program (see `docs/solver.md`). Arm limits are rows of the MIP, so
 * they need the `glpk` or `highs` backend (the default then); a mask only removes (group, arm) cells and keeps the
 * multiple-choice structure the `exact` backend solves.
 */
export interface GroupConstraints {
  /** Limits by arm name (the `armNames` of the request) or by arm index as a string. */
  arms?: Readonly<Record<string, ArmLimit>>;
  /** Arms allowed per group: `allowed[g * m + j]` is 1 when group g may get arm j, 0 when not (k * m entries). */
  allowed?: ArrayLike<number>;
}

/** Constraints after checks: per-arm share bounds and the mask. */
export interface ResolvedConstraints {
  readonly maxShare: Float64Array;
  readonly minShare: Float64Array;
  /** True when some arm has a finite maximum or a positive minimum (rows in the MIP). */
  readonly hasRows: boolean;
  readonly allowed: Uint8Array | undefined;
  readonly names: readonly string[];
}

/** Checks constraints against k groups, m arms and the population; throws ValidationError naming the entry. */
export function resolveConstraints(
  c: GroupConstraints | undefined,
  k: number,
  m: number,
  armNames: readonly string[],
  population: number,
): ResolvedConstraints {
  const maxShare = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const minShare = new Float64Array(m);
  let allowed: Uint8Array | undefined;
  let hasRows = false;
  if (c === undefined) return { maxShare, minShare, hasRows, allowed, names: armNames };
  if (typeof c !== 'object' || c === null) {
    throw new ValidationError({ path: ['constraints'], message: `expected an object, got ${describe(c)}` });
  }
  for (const [key, limit] of Object.entries(c.arms ?? {})) {
    let j = armNames.indexOf(key);
    if (j < 0 && /^\d+$/.test(key) && Number(key) < m) j = Number(key);
    if (j < 0) {
      throw new ValidationError({
        path: ['constraints', 'arms', key],
        message: `unknown arm; expected one of ${armNames.map((n) => `'${n}'`).join(', ')} or an index below ${m}`,
      });
    }
    const where = `constraints.arms.${key}`;
    if (typeof limit !== 'object' || limit === null) {
      throw new ValidationError({
        path: ['constraints', 'arms', key],
        message: `expected { maxShare?, maxUsers?, minShare? }, got ${describe(limit)}`,
      });
    }
    if (limit.maxShare !== undefined)
      maxShare[j] = Math.min(
        maxShare[j] as number,
        checkNumber(`${where}.maxShare`, limit.maxShare, { min: 0, max: 1 }),
      );
    if (limit.maxUsers !== undefined) {
      maxShare[j] = Math.min(
        maxShare[j] as number,
        checkNumber(`${where}.maxUsers`, limit.maxUsers, { min: 0 }) / population,
      );
    }
    if (limit.minShare !== undefined)
      minShare[j] = checkNumber(`${where}.minShare`, limit.minShare, { min: 0, max: 1 });
    if (Number.isFinite(maxShare[j]) || (minShare[j] as number) > 0) hasRows = true;
    if ((minShare[j] as number) > (maxShare[j] as number)) {
      throw new InfeasibleBudgetError(0, 0, 'perUser', {
        constraint: `arms.${key}`,
        message: `the minimum share ${minShare[j]} exceeds the maximum share ${maxShare[j]}`,
      });
    }
  }
  if (c.allowed !== undefined) {
    const a = c.allowed;
    if (a === null || typeof a !== 'object' || a.length !== k * m) {
      throw new ValidationError({
        path: ['constraints', 'allowed'],
        message: `expected ${k * m} entries (groups x arms, row-major), got ${describe(a)}`,
      });
    }
    allowed = new Uint8Array(k * m);
    for (let i = 0; i < k * m; i++) {
      const v = a[i];
      if (v !== 0 && v !== 1) {
        throw new ValidationError({
          path: ['constraints', 'allowed', i],
          message: `expected 0 or 1, got ${describe(v)}`,
        });
      }
      allowed[i] = v;
    }
  }
  return { maxShare, minShare, hasRows, allowed, names: armNames };
}

/** Removes masked cells and checks that the arm limits can be met at all; throws InfeasibleBudgetError naming them. */
export function applyConstraints(cells: CellScenarios, rc: ResolvedConstraints): void {
  const { k, m } = cells;
  const av = cells.available;
  if (rc.allowed !== undefined) {
    for (let c = 0; c < k * m; c++) if (rc.allowed[c] === 0) av[c] = 0;
    for (let g = 0; g < k; g++) {
      let any = false;
      for (let j = 0; j < m; j++) if (av[g * m + j] === 1) any = true;
      if (!any) {
        throw new InfeasibleBudgetError(0, 0, 'perUser', {
          constraint: `allowed (group ${g})`,
          message: `group ${g} has no allowed arm with trial data; allow at least one arm (e.g. control) in every group`,
        });
      }
    }
  }
  if (!rc.hasRows) return;
  let minSum = 0;
  let maxSum = 0;
  for (let j = 0; j < m; j++) {
    let reach = 0;
    for (let g = 0; g < k; g++) if (av[g * m + j] === 1) reach += cells.weight[g] as number;
    const name = rc.names[j] ?? String(j);
    if ((rc.minShare[j] as number) > reach + 1e-12) {
      throw new InfeasibleBudgetError(0, 0, 'perUser', {
        constraint: `arms.${name}.minShare`,
        message: `arm '${name}' can reach only ${reach} of the population (the groups where it is offered), below its minimum share ${rc.minShare[j]}`,
      });
    }
    minSum += rc.minShare[j] as number;
    maxSum += Math.min(rc.maxShare[j] as number, reach);
  }
  if (minSum > 1 + 1e-12) {
    throw new InfeasibleBudgetError(0, 0, 'perUser', {
      constraint: 'arms.minShare',
      message: `the minimum shares of the arms sum to ${minSum}, more than the whole population`,
    });
  }
  if (maxSum < 1 - 1e-12) {
    throw new InfeasibleBudgetError(0, 0, 'perUser', {
      constraint: 'arms.maxShare',
      message: `the arm caps (with the arms' reach) cover only ${maxSum} of the population, and every user must get an arm; raise a cap or leave an arm (e.g. control) uncapped`,
    });
  }
}

/** The rows `minShare_j <= sum_g w_g x_gj / U <= maxShare_j` of the arms with limits. */
export function armRows(
  cells: CellScenarios,
  f: FormulationSettings,
  L: ProblemLayout,
  rc: ResolvedConstraints,
): MIPRow[] {
  if (!rc.hasRows) return [];
  const { m } = cells;
  const rows: MIPRow[] = [];
  for (let j = 0; j < m; j++) {
    const lo = rc.minShare[j] as number;
    const hi = rc.maxShare[j] as number;
    if (!(lo > 0) && !Number.isFinite(hi)) continue;
    const index: number[] = [];
    const value: number[] = [];
    for (let v = 0; v < L.nx; v++) {
      const c = L.cell[v] as number;
      if (c % m !== j) continue;
      index.push(v);
      value.push((cells.weight[Math.floor(c / m)] as number) / f.units);
    }
    rows.push({
      index,
      value,
      lower: lo > 0 ? lo : Number.NEGATIVE_INFINITY,
      upper: Number.isFinite(hi) ? hi : Number.POSITIVE_INFINITY,
      name: `arm_${j}`,
    });
  }
  return rows;
}
