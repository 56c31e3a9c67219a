import { SerializationError, ValidationError } from '../core/errors.js';
import { rowCount } from '../core/matrix.js';
import type { Budget } from '../core/types.js';
import { checkBudget, checkNetValue, checkNumber, describe, parseJSONInput } from '../core/validate.js';
import {
  checkEncoding,
  type EncodeRecordOptions,
  encodedNames,
  encodeRecord,
  type FeatureEncoding,
  type RawValue,
} from '../data/encoding.js';
import { AllocationTable } from '../solver/allocation-table.js';
import { GroupStats } from '../solver/group-stats.js';
import { StochasticBudgetSolver, type StochasticBudgetSolverOptions } from '../solver/stochastic-solver.js';
import { VERSION } from '../version.js';
import { type BatchPlanOptions, checkFiniteRows, decideForBatchMix } from './batch.js';
import { rowUniform } from './fingerprint.js';
import { checkPolicyJSON } from './schema.js';
import { policyToSQL, type ToSQLOptions } from './sql.js';
import { StudentNet } from './student.js';

/** Facts about how a policy was made. */
export interface PolicyMetadata {
  readonly libraryVersion: string;
  readonly createdAt: string;
  readonly seed?: number;
  /** Fingerprint of the training data (see `datasetFingerprint`). */
  readonly dataFingerprint?: string;
  /** Top-1 agreement of the student with the teacher on held-out rows. */
  readonly distillAgreement?: number;
  /** Method that produced the policy, e.g. 'hrc'. */
  readonly method?: string;
  /** Held-out value of the plan at each grid budget (`hrc-budget fit --holdout`). */
  readonly holdout?: HoldoutEstimate;
}

/**
 * The policy's value on randomized trial rows kept out of its fit: the expected outcome metric (IPW, see
 * `evaluatePolicy`) of the plan at each grid budget, with bootstrap intervals. All values are per user.
 */
export interface HoldoutEstimate {
  /** Share of the trial's rows held out (stratified by arm). */
  readonly share: number;
  /** Held-out rows. */
  readonly rows: number;
  /** Weight normalization of the estimate, e.g. 'hajek'. */
  readonly estimator: string;
  /** Confidence level of the intervals. */
  readonly level: number;
  /** The grid budgets, as in the allocation table. */
  readonly budgets: readonly number[];
  /** Incremental response per user over all-control at each budget. */
  readonly incrementalResponse: readonly {
    readonly estimate: number;
    readonly lower: number;
    readonly upper: number;
  }[];
  /** Cost per user at each budget. */
  readonly cost: readonly { readonly estimate: number; readonly lower: number; readonly upper: number }[];
}

/** The parts of an {@link AllocationPolicy}. */
export interface AllocationPolicyParts {
  readonly student: StudentNet;
  readonly table: AllocationTable;
  /** Needed by {@link AllocationPolicy.withBudgets} to re-solve for new budgets. */
  readonly stats?: GroupStats;
  /** Plain solver options used to build `table` (re-used when re-solving). */
  readonly solverOptions?: Readonly<Record<string, unknown>>;
  /** Raw-column encoding, needed by {@link AllocationPolicy.decideRecord}. */
  readonly encoding?: FeatureEncoding;
  readonly featureNames: readonly string[];
  readonly treatmentNames: readonly string[];
  readonly metadata: PolicyMetadata;
}

/** What {@link AllocationPolicy.explain} returns. */
export interface Explanation {
  readonly group: number;
  /** Probability of each group by the student. */
  readonly probabilities: Float64Array;
  readonly arm: number;
  readonly armName: string;
  /** Per-capita uplift of the chosen arm over control in the group, from the trial (0 for control). */
  readonly expectedUplift: { readonly response: number; readonly cost: number };
  /** The grid budget (per user) whose plan was used. */
  readonly planBudget: number;
}

/** Largest accepted serialized policy, in characters of JSON, and parameters of the student. */
export const POLICY_LIMITS = { maxJsonChars: 256 * 1024 * 1024, maxStudentParams: 20_000_000 };

/**
 * The serving artifact: feature encoding, the distilled student, the allocation table over a budget grid, the
 * group statistics to re-solve, treatment names and metadata. Decisions run in plain TypeScript over typed arrays
 * (no tfjs): the student picks the user's group, the table gives the group's arm at the budget. A budget between
 * grid points uses the plan of the nearest grid budget below it, so it never overspends.
 *
 * @example
 * ```ts
 * const policy = AllocationPolicy.fromJSON(JSON.parse(await readFile('policy.json', 'utf8')));
 * const arm = policy.decide(userFeatures, { perUser: 0.5 });
 * console.log(policy.treatmentNames[arm], policy.explain(userFeatures, { perUser: 0.5 }));
 * ```
 */
export class AllocationPolicy {
  readonly student: StudentNet;
  readonly table: AllocationTable;
  readonly stats: GroupStats | undefined;
  readonly encoding: FeatureEncoding | undefined;
  readonly featureNames: readonly string[];
  readonly treatmentNames: readonly string[];
  readonly metadata: PolicyMetadata;
  private readonly solverOptions: Readonly<Record<string, unknown>>;
  private readonly scratch: Float32Array;
  private readonly recordBuf: Float32Array;

  constructor(parts: AllocationPolicyParts) {
    const { student, table } = parts;
    const d = parts.featureNames.length;
    if (student.inputSize !== d)
      throw new ValidationError({
        path: ['student'],
        message: `expects ${student.inputSize} features, the policy has ${d}`,
      });
    if (student.outputSize !== table.k)
      throw new ValidationError({
        path: ['student'],
        message: `has ${student.outputSize} groups, the table ${table.k}`,
      });
    if (parts.treatmentNames.length !== table.m) {
      throw new ValidationError({
        path: ['treatmentNames'],
        message: `expected ${table.m} names, got ${parts.treatmentNames.length}`,
      });
    }
    if (parts.stats !== undefined && (parts.stats.k !== table.k || parts.stats.m !== table.m)) {
      throw new ValidationError({ path: ['stats'], message: `expected ${table.k} groups x ${table.m} arms` });
    }
    if (parts.encoding !== undefined && encodedNames(parts.encoding).length !== d) {
      throw new ValidationError({
        path: ['encoding'],
        message: `encodes ${encodedNames(parts.encoding).length} features, the policy has ${d}`,
      });
    }
    this.student = student;
    this.table = table;
    this.stats = parts.stats;
    this.encoding = parts.encoding;
    this.featureNames = [...parts.featureNames];
    this.treatmentNames = [...parts.treatmentNames];
    this.metadata = parts.metadata;
    this.solverOptions = parts.solverOptions ?? {};
    this.scratch = new Float32Array(table.k);
    this.recordBuf = new Float32Array(d);
  }

  /** Number of encoded features a row must have. */
  get d(): number {
    return this.featureNames.length;
  }

  /** The index of the plan used for a budget (the nearest grid budget at or below it). */
  planFor(budget: Budget): number {
    return this.table.planIndex(checkBudget(budget));
  }

  /** The group of one row (`x` from offset `at`). */
  groupOf(x: ArrayLike<number>, at = 0): number {
    return this.student.argmax(x, at, this.scratch);
  }

  /** The arm (0 = control) for one user: `x` is one row in the encoded feature layout. */
  decide(x: ArrayLike<number>, budget: Budget): number {
    if (x === null || typeof x !== 'object' || x.length !== this.d)
      throw new ValidationError({
        path: ['x'],
        message: `expected ${this.d} features (${this.featureNames.slice(0, 4).join(', ')}${this.d > 4 ? ', ...' : ''}), got ${x === null || typeof x !== 'object' ? describe(x) : x.length}`,
      });
    for (let j = 0; j < this.d; j++) {
      const v = x[j];
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ValidationError({
          path: ['x', j],
          message: `feature '${this.featureNames[j]}' must be a finite number, got ${String(v)}`,
        });
    }
    const plan = this.planFor(budget);
    return this.pick(plan, x, 0);
  }

  private pick(plan: number, x: ArrayLike<number>, at: number): number {
    const g = this.student.argmax(x, at, this.scratch);
    return this.table.shares === undefined
      ? this.table.armFor(plan, g)
      : this.table.pickArm(plan, g, rowUniform(x, at, this.d));
  }

  /** Arms for many users: `X` is row-major `n * d`. */
  decideBatch(X: Float32Array, budget: Budget, out?: Int32Array): Int32Array {
    const d = this.d;
    const n = rowCount(X, d);
    checkFiniteRows(X, d, this.featureNames);
    const arms = out ?? new Int32Array(n);
    const plan = this.planFor(budget);
    if (this.table.shares !== undefined) {
      for (let i = 0; i < n; i++) arms[i] = this.pick(plan, X, i * d);
      return arms;
    }
    // Groups four rows at a time (same groups as one by one), then the plan's arm of each group.
    this.student.argmaxBatch(X, arms, 0, n);
    for (let i = 0; i < n; i++) arms[i] = this.table.armFor(plan, arms[i] as number);
    return arms;
  }

  /**
   * Arms for exactly the users in `X` under `budget`, planned for their own mix of groups: the plan is re-solved
   * from the stored GroupStats with these users' group sizes (a total budget is theirs; a per-user budget is per user
   * of `X`), so the model's expected cost of the returned arms (each user's (group, arm) cell cost, as
   * `HRCPipeline.expectedCost` counts it) stays within the budget whatever the mix, where {@link decideBatch}
   * applies a plan solved for the trial's mix and can exceed the budget on a batch that holds more of the groups the
   * plan treats. With integer shares of groups (`solver.shares`, or `options.shares` > 1 for this batch's plan
   * only, which fills the budget more closely than whole groups) a split group's users are dealt to its arms in
   * exact counts in the order of their row hash, the leftover users on the cheapest of its arms, so the bound holds
   * for the shares too; the stored plans stay as they are.
   * A policy without GroupStats cannot re-solve: this is then {@link decideBatch}.
   */
  async decideBatchWithin(X: Float32Array, budget: Budget, options: BatchPlanOptions = {}): Promise<Int32Array> {
    if (options.shares !== undefined) checkNumber('shares', options.shares, { min: 1, max: 1000, integer: true });
    if (this.stats === undefined || rowCount(X, this.d) === 0) return this.decideBatch(X, budget);
    return decideForBatchMix(
      {
        student: this.student,
        stats: this.stats,
        k: this.table.k,
        d: this.d,
        featureNames: this.featureNames,
        treatmentNames: this.treatmentNames,
        solverOptions: this.solverOptions,
      },
      X,
      budget,
      options,
    );
  }

  /**
   * One SQL query that scores a table of users where the data lives (DuckDB, Postgres, BigQuery, Spark SQL, Trino,
   * or standard SQL): standardization, the student's layers as arithmetic, argmax, and the plan's group-to-arm
   * lookup at `budget`. Returns `idColumn` and the treatment name per user. Throws ValidationError when the plan
   * splits groups between arms (shares). See `policyToSQL`.
   *
   * @example
   * ```ts
   * const sql = policy.toSQL({ table: 'users', idColumn: 'user_id', dialect: 'duckdb', budget: { perUser: 0.5 } });
   * ```
   */
  toSQL(options: ToSQLOptions): string {
    return policyToSQL(this, options);
  }

  /**
   * The arm for one user given raw named values (categoricals as strings), encoded as in training. A category
   * not seen in training is a ValidationError naming the column (unless the column pools rare values in an
   * `(other)` column, or `options.onUnknown` is `'zero'`).
   */
  decideRecord(record: Readonly<Record<string, RawValue>>, budget: Budget, options: EncodeRecordOptions = {}): number {
    return this.decide(this.encode(record, options), budget);
  }

  /** Encodes a raw record into the policy's feature layout (a shared buffer: copy it to keep it). */
  encode(record: Readonly<Record<string, RawValue>>, options: EncodeRecordOptions = {}): Float32Array {
    if (this.encoding === undefined) {
      throw new ValidationError({
        path: ['encoding'],
        message: 'this policy has no raw-column encoding; use decide() with encoded features',
      });
    }
    return encodeRecord(this.encoding, record, this.recordBuf, options);
  }

  /** Why a user gets their arm: group, group probabilities, the chosen arm and its uplift in the group. */
  explain(x: ArrayLike<number>, budget: Budget): Explanation {
    const plan = this.planFor(budget);
    const group = this.groupOf(x);
    const arm = this.pick(plan, x, 0);
    let expectedUplift = { response: 0, cost: 0 };
    if (this.stats !== undefined && arm !== 0) {
      const u = this.stats.uplift(group, arm);
      expectedUplift = { response: u.response, cost: u.cost };
    }
    return {
      group,
      probabilities: this.student.probabilities(x),
      arm,
      armName: this.treatmentNames[arm] as string,
      expectedUplift,
      planBudget: this.table.budgets[plan] as number,
    };
  }

  /**
   * Profit mode: the grid budget whose plan maximizes `netValue * incremental response - cost` per user, i.e. where
   * the marginal return of spending falls to break-even. Use it as the budget of `decide`.
   */
  profitBudget(netValue: number): { perUser: number } {
    checkNetValue(netValue);
    let best = 0;
    let bestProfit = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.table.size; i++) {
      const profit = netValue * (this.table.value[i] as number) - (this.table.cost[i] as number);
      if (profit > bestProfit + 1e-12) {
        bestProfit = profit;
        best = i;
      }
    }
    return { perUser: this.table.budgets[best] as number };
  }

  /**
   * A policy whose plan is exactly for `perUser`: this one when the budget is on its grid (or it holds no
   * GroupStats to re-solve from, in which case decisions use the nearest lower grid budget), else one re-solved
   * for that budget by {@link AllocationPolicy.withBudgets}.
   */
  async atBudget(perUser: number): Promise<AllocationPolicy> {
    const grid = this.table.budgets;
    for (let i = 0; i < grid.length; i++) {
      if (Math.abs((grid[i] as number) - perUser) <= 1e-12 * Math.max(1, perUser)) return this;
    }
    return this.stats === undefined ? this : this.withBudgets([perUser]);
  }

  /** A policy with the same student whose table is re-solved from the stored GroupStats for new budgets. */
  async withBudgets(
    budgets: readonly (Budget | number)[],
    options: StochasticBudgetSolverOptions = {},
  ): Promise<AllocationPolicy> {
    if (this.stats === undefined) {
      throw new ValidationError({ path: ['stats'], message: 'this policy has no GroupStats to re-solve from' });
    }
    const solver = new StochasticBudgetSolver({ ...(this.solverOptions as StochasticBudgetSolverOptions), ...options });
    const table = await solver.solve(this.stats, {
      budgets,
      population: this.table.population,
      armNames: this.treatmentNames,
    });
    return new AllocationPolicy({ ...this.parts(), table });
  }

  /** The same policy with metadata fields added or replaced (e.g. a held-out estimate). */
  withMetadata(extra: Partial<PolicyMetadata>): AllocationPolicy {
    return new AllocationPolicy({ ...this.parts(), metadata: { ...this.metadata, ...extra } });
  }

  /**
   * The same policy without its GroupStats: a much smaller file (the bootstrap replicates kept for re-solving are
   * most of a default policy.json), the same decisions at every grid budget, and at budgets between grid points
   * the plan of the nearest lower grid budget (never overspending) instead of an exact re-solve; `withBudgets`
   * is then unavailable.
   */
  withoutStats(): AllocationPolicy {
    const { stats: _dropped, ...rest } = this.parts();
    return new AllocationPolicy(rest);
  }

  private parts(): AllocationPolicyParts {
    return {
      student: this.student,
      table: this.table,
      ...(this.stats !== undefined ? { stats: this.stats } : {}),
      solverOptions: this.solverOptions,
      ...(this.encoding !== undefined ? { encoding: this.encoding } : {}),
      featureNames: this.featureNames,
      treatmentNames: this.treatmentNames,
      metadata: this.metadata,
    };
  }

  /** Versioned JSON `{ kind: 'AllocationPolicy', formatVersion: 1, params, state }`. */
  toJSON(): {
    kind: 'AllocationPolicy';
    formatVersion: 1;
    params: Record<string, unknown>;
    state: Record<string, unknown>;
  } {
    return {
      kind: 'AllocationPolicy',
      formatVersion: 1,
      params: {
        featureNames: this.featureNames,
        treatmentNames: this.treatmentNames,
        ...(this.encoding !== undefined ? { encoding: this.encoding } : {}),
        solverOptions: this.solverOptions,
        metadata: this.metadata,
      },
      state: {
        student: this.student.toJSON(),
        table: this.table.toJSON(),
        ...(this.stats !== undefined ? { stats: this.stats.toJSON() } : {}),
      },
    };
  }

  /**
   * Rebuilds a policy from untrusted JSON (an object, or a string of at most {@link POLICY_LIMITS}.maxJsonChars):
   * checks kind, version, sizes and numbers, and throws {@link SerializationError} on anything off. Never
   * evaluates code.
   */
  static fromJSON(json: unknown): AllocationPolicy {
    const value = parseJSONInput(json, 'policy', POLICY_LIMITS.maxJsonChars);
    checkPolicyJSON(value, POLICY_LIMITS.maxStudentParams);
    const j = value as {
      kind?: unknown;
      formatVersion?: unknown;
      params?: Record<string, unknown>;
      state?: Record<string, unknown>;
    };
    if (typeof value !== 'object' || value === null || j.kind !== 'AllocationPolicy') {
      throw new SerializationError(
        `expected kind 'AllocationPolicy', got ${describe((j as { kind?: unknown })?.kind)}`,
      );
    }
    if (j.formatVersion !== 1)
      throw new SerializationError(
        `unsupported AllocationPolicy formatVersion ${describe(j.formatVersion)}; expected 1`,
      );
    const p = j.params;
    const s = j.state;
    if (typeof p !== 'object' || p === null || typeof s !== 'object' || s === null) {
      throw new SerializationError('AllocationPolicy: expected params and state objects');
    }
    const strings = (v: unknown, where: string): string[] => {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
        throw new SerializationError(`${where}: expected an array of strings`);
      return v;
    };
    try {
      const encoding = p.encoding !== undefined ? checkEncoding(p.encoding, 'params.encoding') : undefined;
      const meta = p.metadata as Record<string, unknown> | undefined;
      if (
        typeof meta !== 'object' ||
        meta === null ||
        typeof meta.libraryVersion !== 'string' ||
        typeof meta.createdAt !== 'string'
      ) {
        throw new SerializationError('AllocationPolicy.params.metadata: expected libraryVersion and createdAt strings');
      }
      const solverOptions = p.solverOptions;
      if (
        solverOptions !== undefined &&
        (typeof solverOptions !== 'object' || solverOptions === null || Array.isArray(solverOptions))
      ) {
        throw new SerializationError('AllocationPolicy.params.solverOptions: expected an object');
      }
      return new AllocationPolicy({
        student: StudentNet.fromJSON(s.student, POLICY_LIMITS.maxStudentParams),
        table: AllocationTable.fromJSON(s.table),
        ...(s.stats !== undefined ? { stats: GroupStats.fromJSON(s.stats) } : {}),
        ...(solverOptions !== undefined ? { solverOptions: solverOptions as Record<string, unknown> } : {}),
        ...(encoding !== undefined ? { encoding } : {}),
        featureNames: strings(p.featureNames, 'params.featureNames'),
        treatmentNames: strings(p.treatmentNames, 'params.treatmentNames'),
        metadata: meta as unknown as PolicyMetadata,
      });
    } catch (e) {
      if (e instanceof SerializationError) throw e;
      throw new SerializationError(`AllocationPolicy: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Metadata for a new policy. */
export function policyMetadata(extra: Omit<PolicyMetadata, 'libraryVersion' | 'createdAt'> = {}): PolicyMetadata {
  return { libraryVersion: VERSION, createdAt: createdAtNow(), ...extra };
}

/**
 * The creation time stamped on artifacts: the current time, or `SOURCE_DATE_EPOCH` (seconds since 1970, the
 * reproducible-builds convention) when that environment variable is set, so the same seed gives byte-identical
 * files.
 */
export function createdAtNow(): string {
  const env = typeof process !== 'undefined' ? process.env?.SOURCE_DATE_EPOCH : undefined;
  if (env !== undefined && /^\d+$/.test(env.trim())) return new Date(Number(env.trim()) * 1000).toISOString();
  return new Date().toISOString();
}
