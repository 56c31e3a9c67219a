import { ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { checkOneOf } from '../core/validate.js';
import type { ColumnEncoding } from '../data/encoding.js';
import type { AllocationPolicy } from './policy.js';
import type { StudentNet } from './student.js';

/** SQL dialects {@link AllocationPolicy.toSQL} knows; `ansi` is standard SQL with double-quoted identifiers. */
export type SQLDialect = 'ansi' | 'duckdb' | 'postgres' | 'bigquery' | 'spark' | 'trino';

/** The dialects of {@link SQLDialect}. */
export const SQL_DIALECTS: readonly SQLDialect[] = ['ansi', 'duckdb', 'postgres', 'bigquery', 'spark', 'trino'];

/** Options of {@link AllocationPolicy.toSQL}. */
export interface ToSQLOptions {
  /**
   * Table or view with one row per user holding the policy's raw feature columns (those of its encoding, else its
   * feature names). A string is split at dots into quoted parts (`'analytics.users'`); pass an array of parts when
   * a part itself holds a dot.
   */
  table: string | readonly string[];
  /** Column identifying the user; returned as the first output column under the same name. */
  idColumn: string;
  /** The budget whose plan is compiled in (the nearest grid budget at or below it, as `decide` uses). */
  budget: Budget;
  /** @default 'ansi' */
  dialect?: SQLDialect;
  /** Name of the output column holding the treatment name. @default 'treatment' */
  treatmentColumn?: string;
  /** Also return the student's group (`hrc_group`) and the arm index (`hrc_arm`, 0 = control). @default false */
  includeIndices?: boolean;
}

interface Syntax {
  quote(name: string): string;
  str(value: string): string;
  double: string;
  text: string;
}

const doubleQuoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const backQuoted = (name: string) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``;
const standardString = (s: string) => `'${s.replaceAll("'", "''")}'`;
/** BigQuery and Spark read backslash escapes in string literals, and Spark joins adjacent literals ('a''b' = 'ab'). */
const backslashString = (s: string) =>
  `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r')}'`;

function syntaxOf(dialect: SQLDialect): Syntax {
  switch (dialect) {
    case 'ansi':
      return { quote: doubleQuoted, str: standardString, double: 'DOUBLE PRECISION', text: 'VARCHAR' };
    case 'postgres':
      return { quote: doubleQuoted, str: standardString, double: 'DOUBLE PRECISION', text: 'TEXT' };
    case 'duckdb':
    case 'trino':
      return { quote: doubleQuoted, str: standardString, double: 'DOUBLE', text: 'VARCHAR' };
    case 'bigquery':
      return { quote: backQuoted, str: backslashString, double: 'FLOAT64', text: 'STRING' };
    case 'spark':
      return { quote: backQuoted, str: backslashString, double: 'DOUBLE', text: 'STRING' };
    default: {
      const never: never = dialect;
      throw new ValidationError({ path: ['dialect'], message: `unknown dialect ${String(never)}` });
    }
  }
}

/**
 * A numeric literal every dialect reads as a double: scientific notation with the shortest digits that give back
 * the same float64 (`1.25E-1`); without an exponent, DuckDB, Trino and Spark would read a DECIMAL.
 */
export function sqlNumber(v: number): string {
  if (!Number.isFinite(v))
    throw new ValidationError({ path: ['value'], message: `expected a finite number, got ${v}` });
  if (v === 0) return '0E0';
  return v.toExponential().replace('e+', 'E').replace('e-', 'E-');
}

/** `bias + w0 * x0 + w1 * x1 ...` with signs folded into the operators. */
function affine(bias: number, weights: ArrayLike<number>, inputs: readonly string[]): string {
  let s = sqlNumber(bias);
  for (let i = 0; i < inputs.length; i++) {
    const w = weights[i] as number;
    s += `${w < 0 || Object.is(w, -0) ? ' - ' : ' + '}${sqlNumber(Math.abs(w))} * ${inputs[i]}`;
  }
  return s;
}

/**
 * The arm of every group in the plan for `budget`. A plan that splits a group between arms (group shares) cannot be
 * compiled: the in-process split hashes the float32 bits of each row's features (`rowUniform`), which standard
 * SQL cannot reproduce portably, so such a plan throws a ValidationError.
 */
function planArms(policy: AllocationPolicy, budget: Budget): { plan: number; arms: number[] } {
  const plan = policy.planFor(budget);
  const { table } = policy;
  const arms = Array.from(table.arms.subarray(plan * table.k, (plan + 1) * table.k));
  if (table.shares !== undefined) {
    for (let g = 0; g < table.k; g++) {
      const o = (plan * table.k + g) * table.m;
      const row = Array.from(table.shares.subarray(o, o + table.m));
      const whole = row.indexOf(1);
      if (whole < 0 || row.some((s, j) => j !== whole && s !== 0)) {
        throw new ValidationError({
          path: ['budget'],
          message:
            `the plan for grid budget ${table.budgets[plan]} splits group ${g} between arms (shares ${row.join(', ')}); ` +
            'toSQL compiles whole-group plans only, because the in-process split hashes the float32 bits of the ' +
            'features, which standard SQL cannot reproduce. Solve without shares, or score with decideBatch/assignCSV',
        });
      }
      arms[g] = whole;
    }
  }
  return { plan, arms };
}

/** Splits and checks the table name. */
function tableParts(table: string | readonly string[]): string[] {
  const parts = typeof table === 'string' ? table.split('.') : [...table];
  if (parts.length === 0 || parts.some((p) => typeof p !== 'string' || p.length === 0)) {
    throw new ValidationError({
      path: ['table'],
      message: `expected a table name such as 'schema.users', got ${JSON.stringify(table)}`,
    });
  }
  return parts;
}

/** One standardized input per encoded feature, from the raw columns. */
function inputExpressions(policy: AllocationPolicy, sx: Syntax): string[] {
  const columns: readonly ColumnEncoding[] =
    policy.encoding?.columns ?? policy.featureNames.map((name) => ({ name, kind: 'numeric' as const }));
  const out: string[] = [];
  for (const c of columns) {
    const col = sx.quote(c.name);
    if (c.kind === 'numeric') {
      const v = `CAST(${col} AS ${sx.double})`;
      out.push(c.fill === undefined ? v : `COALESCE(${v}, ${sqlNumber(Math.fround(c.fill))})`);
    } else {
      const s = `COALESCE(CAST(${col} AS ${sx.text}), '')`;
      for (const cat of c.categories) out.push(`CASE WHEN ${s} = ${sx.str(cat)} THEN 1E0 ELSE 0E0 END`);
      if (c.other === true) {
        const known = c.categories.map((cat) => sx.str(cat)).join(', ');
        out.push(known === '' ? '1E0' : `CASE WHEN ${s} IN (${known}) THEN 0E0 ELSE 1E0 END`);
      }
    }
  }
  return out;
}

/**
 * Compiles a policy at one budget into a single SQL query over a table of users: standardization, the student's
 * dense layers as arithmetic (ReLU as CASE), the argmax over groups (first maximum, as in `decide`) and the plan's
 * group-to-arm lookup, returning `idColumn` and the treatment name. The query does the student's arithmetic in
 * double precision in the same order as {@link StudentNet} does, so an engine that evaluates it as written gives
 * `decideBatch`'s groups exactly (DuckDB does: no difference on 100,000 test users); an engine that reorders sums or
 * fuses multiply-adds may differ only for users whose two best groups are within float rounding of each other. A user with a missing numeric feature
 * (and no fill value in the encoding) gets NULL. Categorical columns are compared as text (trimmed values
 * are expected); a value the policy does not know goes to the column's `(other)` column if it has one, else encodes
 * as all zeros (`decideRecord`'s `onUnknown: 'zero'`; SQL cannot raise the error `decideRecord` raises by default). Rows come back in no particular order.
 *
 * Run on DuckDB and PostgreSQL in the tests; the other dialects differ only in identifier quoting, string escapes
 * and type names. For PostgreSQL the steps are `MATERIALIZED` common table expressions (PostgreSQL 12 or later).
 */
export function policyToSQL(policy: AllocationPolicy, options: ToSQLOptions): string {
  const dialect = checkOneOf('dialect', options.dialect ?? 'ansi', SQL_DIALECTS);
  const sx = syntaxOf(dialect);
  if (typeof options.idColumn !== 'string' || options.idColumn.length === 0) {
    throw new ValidationError({
      path: ['idColumn'],
      message: `expected a column name, got ${String(options.idColumn)}`,
    });
  }
  const treatmentColumn = options.treatmentColumn ?? 'treatment';
  const from = tableParts(options.table).map(sx.quote).join('.');
  const { plan, arms } = planArms(policy, options.budget);
  const { mean, invScale, layers } = policy.student.parameters();
  const ctes: string[] = [];
  // PostgreSQL (12+) inlines a CTE used once into its consumer, which turns the layer chain into one expression
  // whose size grows with the product of the layer widths (each ReLU repeats its input): materialize instead.
  const as = dialect === 'postgres' ? 'AS MATERIALIZED' : 'AS';
  const raw = inputExpressions(policy, sx);
  let names = raw.map((_, j) => `x${j}`);
  const std = raw.map(
    (e, j) => `(${e} - ${sqlNumber(mean[j] as number)}) * ${sqlNumber(invScale[j] as number)} AS ${names[j]}`,
  );
  ctes.push(
    `hrc_x ${as} (\n  SELECT ${sx.quote(options.idColumn)} AS hrc_id,\n    ${std.join(',\n    ')}\n  FROM ${from}\n)`,
  );
  let prev = 'hrc_x';
  layers.forEach((layer, li) => {
    const pre = `hrc_a${li + 1}`;
    const outNames = Array.from({ length: layer.outSize }, (_, k) => `a${li + 1}_${k}`);
    const cols = outNames.map((o, k) => {
      const w = Array.from({ length: layer.inSize }, (_, i) => layer.kernel[i * layer.outSize + k] as number);
      return `${affine(layer.bias[k] as number, w, names)} AS ${o}`;
    });
    ctes.push(`${pre} ${as} (\n  SELECT hrc_id,\n    ${cols.join(',\n    ')}\n  FROM ${prev}\n)`);
    prev = pre;
    names = outNames;
    if (layer.activation === 'relu') {
      const act = `hrc_h${li + 1}`;
      const hNames = outNames.map((_, k) => `h${li + 1}_${k}`);
      const relu = outNames.map((a, k) => `CASE WHEN ${a} < 0E0 THEN 0E0 ELSE ${a} END AS ${hNames[k]}`);
      ctes.push(`${act} ${as} (\n  SELECT hrc_id,\n    ${relu.join(',\n    ')}\n  FROM ${prev}\n)`);
      prev = act;
      names = hNames;
    }
  });
  const max = names.length === 1 ? (names[0] as string) : `GREATEST(${names.join(', ')})`;
  ctes.push(`hrc_z ${as} (\n  SELECT hrc_id, ${names.join(', ')},\n    ${max} AS hrc_max\n  FROM ${prev}\n)`);
  const byGroup = (value: (g: number) => string) =>
    `CASE${names.map((z, g) => ` WHEN ${z} = hrc_max THEN ${value(g)}`).join('')} END`;
  const armName = (g: number) => sx.str(policy.treatmentNames[arms[g] as number] as string);
  const select = [`hrc_id AS ${sx.quote(options.idColumn)}`, `${byGroup(armName)} AS ${sx.quote(treatmentColumn)}`];
  if (options.includeIndices === true) {
    select.push(`${byGroup(String)} AS hrc_group`, `${byGroup((g) => String(arms[g]))} AS hrc_arm`);
  }
  // Metadata comes from untrusted JSON: keep only harmless characters in the comment.
  const safe = (s: unknown) => String(s).replace(/[^\w.+-]/g, '');
  const meta = policy.metadata;
  const header = [
    `-- hrc-budget ${safe(meta.libraryVersion)} policy${meta.method !== undefined ? ` (${safe(meta.method)})` : ''}, dialect ${dialect}`,
    `-- plan for grid budget ${policy.table.budgets[plan]} per user`,
  ];
  return `${header.join('\n')}\nWITH ${ctes.join(',\n')}\nSELECT ${select.join(',\n  ')}\nFROM hrc_z\n`;
}
