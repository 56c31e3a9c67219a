/**
 * Typed errors. Every error the library throws on purpose is an {@link HRCError} with a literal `code`,
 * so callers can branch on `err.code` instead of parsing messages.
 */

/** The codes of all library errors. */
export type HRCErrorCode =
  | 'VALIDATION'
  | 'NOT_FITTED'
  | 'INFEASIBLE_BUDGET'
  | 'SOLVER'
  | 'BACKEND_UNAVAILABLE'
  | 'SERIALIZATION'
  | 'WORKER';

/** Base class of every error the library throws on purpose. */
export class HRCError extends Error {
  /** Stable machine-readable code. */
  readonly code: HRCErrorCode;

  constructor(code: HRCErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found in an input: where (`path`, e.g. `['line', 12, 'recency']`) and what was expected. */
export interface ValidationIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Bad input: a column, row, option or value that is not what was expected. `issues` lists every problem
 * found (at least one); the message repeats the first few.
 *
 * @example
 * ```ts
 * try { await loadCSV('trial.csv', schema); }
 * catch (e) { if (e instanceof ValidationError) console.error(e.issues); }
 * ```
 */
export class ValidationError extends HRCError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: ValidationIssue | readonly ValidationIssue[], options?: { cause?: unknown }) {
    const list = Array.isArray(issues) ? (issues as readonly ValidationIssue[]) : [issues as ValidationIssue];
    super('VALIDATION', formatIssues(list), options);
    this.issues = list;
  }
}

/**
 * A value as shown in an error message: JSON-quoted, cut to `max` characters (a 10 MB field is not echoed whole).
 */
export function shownValue(value: unknown, max = 60): string {
  const s = String(value);
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max))}… (${s.length} characters)`;
}

/** Names as shown in an error message: quoted, each cut to 40 characters, at most 30 of them. */
export function shownNames(names: readonly string[], max = 30): string {
  const cut = (s: string) => (s.length <= 40 ? `'${s}'` : `'${s.slice(0, 40)}…' (${s.length} characters)`);
  const shown = names.slice(0, max).map(cut).join(', ');
  return names.length > max ? `${shown} (and ${names.length - max} more)` : shown;
}

/** Words of a path that name a position in a file or matrix: each reads with its value, as in "line 12". */
const POSITIONS = new Set(['line', 'row', 'column', 'feature']);

/**
 * A path as shown in a message: option paths joined by dots (`representation.epochs`); a position word and its
 * value read together, and then the parts are separated by commas (`line 12, column recency`).
 */
function formatPath(path: readonly (string | number)[]): string {
  const parts: string[] = [];
  let positional = false;
  for (let i = 0; i < path.length; i++) {
    const p = path[i] as string | number;
    if (typeof p === 'string' && POSITIONS.has(p) && i + 1 < path.length) {
      parts.push(`${p} ${path[i + 1]}`);
      positional = true;
      i++;
    } else parts.push(String(p));
  }
  return parts.join(positional ? ', ' : '.');
}

function formatIssues(issues: readonly ValidationIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${formatPath(i.path)}: ${i.message}` : i.message));
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  return shown.join('; ') + more;
}

/** A method that needs a fitted model was called before `fit`. */
export class NotFittedError extends HRCError {
  /** `disposed`: the model was fitted, then freed with `dispose()`. */
  constructor(component: string, method: string, disposed = false) {
    super(
      'NOT_FITTED',
      disposed
        ? `${component}.${method}() was called after dispose(), which freed the model; fit() again or load a saved model`
        : `${component}.${method}() was called before fit(); call fit() first`,
    );
  }
}

/**
 * The budget is below the cost of the cheapest feasible plan. `minimum` is that cost (same unit as the budget).
 * `constraint` names what cannot be met: `'budget'` by default, or another constraint (an arm cap, a minimum share,
 * a group mask) given with its own message.
 */
export class InfeasibleBudgetError extends HRCError {
  readonly budget: number;
  readonly minimum: number;
  readonly constraint: string;

  constructor(
    budget: number,
    minimum: number,
    unit: 'perUser' | 'total',
    detail?: { readonly constraint: string; readonly message: string },
  ) {
    super(
      'INFEASIBLE_BUDGET',
      detail !== undefined
        ? `${detail.constraint}: ${detail.message}`
        : `budget ${unit}=${budget} is below the cheapest feasible plan, which costs ${unit}=${minimum}; raise the budget to at least ${minimum}`,
    );
    this.budget = budget;
    this.minimum = minimum;
    this.constraint = detail?.constraint ?? 'budget';
  }
}

/** A MIP/LP solver failed, ran out of time without a feasible point, or reported an unexpected status. */
export class SolverError extends HRCError {
  readonly solver: string;
  readonly status: string;

  constructor(solver: string, status: string, message: string, options?: { cause?: unknown }) {
    super('SOLVER', `${solver}: ${message} (status ${status})`, options);
    this.solver = solver;
    this.status = status;
  }
}

/**
 * An optional package is not installed or failed to initialise: a tfjs backend, a MIP solver (`highs`), or the
 * report's vega and vega-lite (backend `'report'`).
 */
export class BackendUnavailableError extends HRCError {
  readonly backend: string;
  readonly packageName: string;

  constructor(backend: string, packageName: string, reason: string, options?: { cause?: unknown }) {
    super(
      'BACKEND_UNAVAILABLE',
      `backend '${backend}' is unavailable: ${reason}. Install it with: npm install ${packageName}`,
      options,
    );
    this.backend = backend;
    this.packageName = packageName;
  }
}

/** A serialized artifact is malformed, of the wrong kind or version, or has inconsistent sizes. */
export class SerializationError extends HRCError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SERIALIZATION', message, options);
  }
}

/**
 * A worker thread failed outright: an uncaught exception, an exit (`process.exit`, out of memory) or an error while
 * loading its module. `file` and `line` say where, when the worker's error carried a stack; `exitCode` is set when
 * the worker exited.
 */
export class WorkerError extends HRCError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly exitCode: number | undefined;

  constructor(
    message: string,
    where: { readonly file?: string; readonly line?: number; readonly exitCode?: number } = {},
    options?: { cause?: unknown },
  ) {
    const at = where.file !== undefined ? ` (${where.file}${where.line !== undefined ? `:${where.line}` : ''})` : '';
    super('WORKER', `${message}${at}`, options);
    this.file = where.file;
    this.line = where.line;
    this.exitCode = where.exitCode;
  }
}
