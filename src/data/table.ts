import { shownNames, shownValue, ValidationError } from '../core/errors.js';
import {
  AUTO_DECIDE_AT,
  type AutoColumn,
  type CategoricalColumn,
  type CategoryLayout,
  DEFAULT_MAX_CATEGORIES,
  type FeatureColumn,
  intern,
  looksNumeric,
  type NumericColumn,
  naturalCompare,
  str,
} from './columns.js';
import { createDataset, type RCTDataset } from './dataset.js';
import { type ColumnEncoding, encodedNames, type FeatureEncoding, OTHER_CATEGORY, type RawValue } from './encoding.js';
import { Growable } from './growable.js';
import { checkTrialSchema, type TrialSchema } from './schema.js';

export { DEFAULT_MAX_CATEGORIES, naturalCompare } from './columns.js';

/** Where a value came from, for error messages. */
export interface RowLocation {
  /** 'line' for CSV files (1-based, header is line 1), 'row' for row objects (0-based). */
  readonly unit: 'line' | 'row';
  readonly at: number;
}

/**
 * Accumulates rows of named raw values into an {@link RCTDataset} according to a {@link TrialSchema}.
 * Shared by the CSV loader and the row-object builder so both give the same encoding and the same errors.
 */
export class TableBuilder {
  private readonly columns: FeatureColumn[];
  private readonly treatmentIdx: number;
  private readonly responseIdx: number;
  private readonly costIdx: number | undefined;
  private readonly idIdx: number | undefined;
  private readonly propIdx: number | undefined;
  private readonly outcomeIdx: { name: string; index: number; values: Growable<Float32Array> }[];
  private readonly armCodes = new Map<string, number>();
  private readonly treatmentCodes = new Growable(Int32Array);
  private readonly response = new Growable(Float32Array);
  private readonly cost = new Growable(Float32Array);
  private readonly propensity: Growable<Float32Array> | undefined;
  private readonly ids: string[] | undefined;
  private readonly allowedArms: Set<string> | undefined;
  private readonly scale: number;
  private readonly maxCategories: number;
  private rows = 0;

  /** `onWarning` receives notes about the data that are not errors (e.g. rare categories pooled). */
  constructor(
    header: readonly string[],
    private readonly schema: TrialSchema,
    private readonly onWarning: (message: string) => void = () => undefined,
  ) {
    checkTrialSchema(schema);
    this.maxCategories = schema.maxCategories ?? DEFAULT_MAX_CATEGORIES;
    const seen = new Map<string, number>();
    header.forEach((h, i) => {
      if (seen.has(h)) {
        throw new ValidationError({
          path: ['header', h.length > 40 ? `${h.slice(0, 40)}…` : h],
          message: `column name ${shownValue(h, 40)} appears more than once (columns ${seen.get(h)} and ${i})`,
        });
      }
      seen.set(h, i);
    });
    const find = (name: string, role: string): number => {
      const i = seen.get(name);
      if (i === undefined) {
        throw new ValidationError({
          path: ['schema', role],
          message: `column '${name}' not found; columns seen: ${shownNames(header)}`,
        });
      }
      return i;
    };
    this.treatmentIdx = find(schema.treatment, 'treatment');
    this.responseIdx = find(schema.response, 'response');
    this.costIdx = schema.cost !== undefined ? find(schema.cost, 'cost') : undefined;
    this.idIdx = schema.id !== undefined ? find(schema.id, 'id') : undefined;
    this.propIdx = schema.propensity !== undefined ? find(schema.propensity, 'propensity') : undefined;
    this.outcomeIdx = (schema.outcomes ?? []).map((name) => ({
      name,
      index: find(name, 'outcomes'),
      values: new Growable(Float32Array),
    }));
    for (const name of schema.exclude ?? []) find(name, 'exclude');

    const used = new Set<string>([schema.treatment, schema.response, ...(schema.outcomes ?? [])]);
    for (const k of [schema.cost, schema.id, schema.propensity]) if (k !== undefined) used.add(k);
    let featureNames: readonly string[];
    if (schema.features !== undefined) {
      for (const f of schema.features) {
        find(f, 'features');
        if (used.has(f)) {
          throw new ValidationError({
            path: ['schema', 'features', f],
            message: `column '${f}' is already used as treatment, response, cost, id, propensity or an outcome`,
          });
        }
      }
      featureNames = schema.features;
    } else {
      const excluded = new Set(schema.exclude ?? []);
      featureNames = header.filter((h) => !used.has(h) && !excluded.has(h));
    }
    if (featureNames.length === 0) {
      throw new ValidationError({
        path: ['schema', 'features'],
        message: 'no feature columns left; list them in features',
      });
    }
    const auto = schema.categorical === 'auto';
    const categorical = new Set(auto ? [] : (schema.categorical ?? []));
    for (const c of categorical) {
      find(c, 'categorical');
      if (!featureNames.includes(c)) {
        throw new ValidationError({
          path: ['schema', 'categorical', c],
          message: `column '${c}' is not a feature column`,
        });
      }
    }
    this.columns = featureNames.map((name) => {
      const index = find(name, 'features');
      if (categorical.has(name))
        return { kind: 'categorical', name, index, codes: new Growable(Int32Array), vocab: new Map(), counts: [] };
      if (auto)
        return {
          kind: 'auto',
          name,
          index,
          values: new Growable(Float64Array),
          missing: 0,
          codes: new Growable(Int32Array),
          vocab: new Map(),
          counts: [],
          numbers: 0,
          texts: 0,
        };
      return { kind: 'numeric', name, index, values: new Growable(Float64Array), missing: 0 };
    });
    this.propensity = this.propIdx !== undefined ? new Growable(Float32Array) : undefined;
    this.ids = this.idIdx !== undefined ? [] : undefined;
    const armList =
      schema.arms ??
      (schema.armCost !== undefined ? Object.keys(schema.armCost).filter((a) => a !== schema.control) : undefined);
    this.allowedArms = armList !== undefined ? new Set([schema.control, ...armList]) : undefined;
    this.armCodes.set(schema.control, 0);
    if (armList !== undefined) {
      for (const [i, a] of armList.entries()) this.armCodes.set(a, i + 1);
    }
    this.scale = schema.responseScale ?? 1;
  }

  /** Number of data rows added so far. */
  get rowCount(): number {
    return this.rows;
  }

  /** Adds one row. `value(i)` returns the raw value of header column `i`. */
  add(value: (i: number) => RawValue, loc: RowLocation): void {
    const where = (col: string) => [loc.unit, loc.at, 'column', col] as (string | number)[];
    const arm = str(value(this.treatmentIdx));
    if (arm === '')
      throw new ValidationError({ path: where(this.schema.treatment), message: 'missing treatment value' });
    let code = this.armCodes.get(arm);
    if (code === undefined) {
      if (this.allowedArms !== undefined) {
        throw new ValidationError({
          path: where(this.schema.treatment),
          message: `treatment value '${arm}' is not in the schema; expected one of ${[...this.allowedArms].map((a) => `'${a}'`).join(', ')}`,
        });
      }
      code = -1 - this.armCodes.size; // provisional code, renumbered in finish()
      this.armCodes.set(arm, code);
    }
    this.treatmentCodes.push(code);
    this.response.push(this.num(value(this.responseIdx), where(this.schema.response), false) * this.scale);
    if (this.costIdx !== undefined) {
      const c = this.num(value(this.costIdx), where(this.schema.cost as string), false);
      if (c < 0)
        throw new ValidationError({
          path: where(this.schema.cost as string),
          message: `expected a non-negative cost, got ${c}`,
        });
      this.cost.push(c);
    } else {
      const c = this.schema.armCost?.[arm];
      if (c === undefined) {
        throw new ValidationError({
          path: where(this.schema.treatment),
          message: `arm '${arm}' has no entry in armCost`,
        });
      }
      this.cost.push(c);
    }
    if (this.propensity !== undefined) {
      const p = this.num(value(this.propIdx as number), where(this.schema.propensity as string), false);
      if (!(p > 0 && p <= 1))
        throw new ValidationError({
          path: where(this.schema.propensity as string),
          message: `expected a probability in (0, 1], got ${p}`,
        });
      this.propensity.push(p);
    }
    for (const o of this.outcomeIdx) o.values.push(this.num(value(o.index), where(o.name), false));
    if (this.ids !== undefined) this.ids.push(str(value(this.idIdx as number)));
    for (const col of this.columns) this.addFeature(col, value(col.index), where(col.name));
    this.rows++;
  }

  private addFeature(col: FeatureColumn, raw: RawValue, path: (string | number)[]): void {
    if (col.kind === 'categorical') {
      const s = str(raw);
      if (s === '' && (this.schema.missing ?? 'error') === 'error') {
        throw new ValidationError({
          path,
          message: "missing value; set the schema's missing option to 'zero' or 'mean' to allow it",
        });
      }
      col.codes.push(intern(col, s));
      return;
    }
    const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if ((this.schema.missing ?? 'error') === 'error') {
        throw new ValidationError({
          path,
          message: "missing value; set the schema's missing option to 'zero' or 'mean' to allow it",
        });
      }
      col.missing++;
      col.values.push(Number.NaN);
      if (col.kind === 'auto') col.codes.push(intern(col, ''));
      return;
    }
    if (col.kind === 'auto') {
      const s = str(raw);
      const numeric = typeof raw === 'number' || typeof raw === 'boolean' || looksNumeric(s);
      const v = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : Number(s);
      if (numeric) col.numbers++;
      else {
        col.texts++;
        col.firstText ??= { path, raw: s };
      }
      col.values.push(numeric ? v : Number.NaN);
      col.codes.push(intern(col, s));
      if (col.vocab.size > AUTO_DECIDE_AT && col.numbers > col.texts) this.decideNumeric(col);
      return;
    }
    const v = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : Number(raw.trim());
    if (!Number.isFinite(v)) {
      throw new ValidationError({
        path,
        message: `expected a finite number, got ${shownValue(raw)} (list the column in categorical if it holds categories)`,
      });
    }
    col.values.push(v);
  }

  /** Turns an auto column numeric; a non-numeric value seen so far is the error a numeric column gives. */
  private decideNumeric(col: AutoColumn): NumericColumn {
    if (col.firstText !== undefined) {
      throw new ValidationError({
        path: col.firstText.path,
        message: `expected a finite number, got ${shownValue(col.firstText.raw)} (column '${col.name}' holds mostly numbers, so categorical: 'auto' reads it as numbers; list it in categorical if it holds categories)`,
      });
    }
    const num: NumericColumn = {
      kind: 'numeric',
      name: col.name,
      index: col.index,
      values: col.values,
      missing: col.missing,
    };
    this.columns[this.columns.indexOf(col)] = num;
    return num;
  }

  /** The final kind of every auto column: categorical when most of its values are not numbers. */
  private decideAuto(): void {
    for (const col of [...this.columns]) {
      if (col.kind !== 'auto') continue;
      if (col.texts > col.numbers) {
        const cat: CategoricalColumn = {
          kind: 'categorical',
          name: col.name,
          index: col.index,
          codes: col.codes,
          vocab: col.vocab,
          counts: col.counts,
        };
        this.columns[this.columns.indexOf(col)] = cat;
      } else this.decideNumeric(col);
    }
  }

  private num(raw: RawValue, path: (string | number)[], allowMissing: boolean): number {
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
      if (allowMissing) return Number.NaN;
      throw new ValidationError({ path, message: 'missing value; expected a number' });
    }
    const v = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : Number(raw.trim());
    if (!Number.isFinite(v))
      throw new ValidationError({ path, message: `expected a finite number, got ${shownValue(raw)}` });
    return v;
  }

  /** Validates what was read and builds the dataset. */
  finish(): RCTDataset {
    if (this.rows === 0) throw new ValidationError({ path: ['data'], message: 'no data rows after the header' });
    this.decideAuto();
    if (!this.armCodes.has(this.schema.control) || !this.seenArm(0)) {
      throw new ValidationError({
        path: ['schema', 'control'],
        message: `the control arm '${this.schema.control}' has no rows in column '${this.schema.treatment}'`,
      });
    }
    // Renumber arms: control 0, listed arms in order, then unlisted arms sorted by name.
    const provisional = [...this.armCodes.entries()]
      .filter(([, c]) => c < 0)
      .map(([a]) => a)
      .sort(naturalCompare);
    const fixedCount = [...this.armCodes.values()].filter((c) => c >= 0).length;
    const remap = new Map<number, number>();
    for (const [i, a] of provisional.entries()) remap.set(this.armCodes.get(a) as number, fixedCount + i);
    const names = new Array<string>(fixedCount + provisional.length);
    for (const [a, c] of this.armCodes) names[c >= 0 ? c : (remap.get(c) as number)] = a;
    const treatment = this.treatmentCodes.view();
    if (remap.size > 0)
      for (let i = 0; i < treatment.length; i++)
        if ((treatment[i] as number) < 0) treatment[i] = remap.get(treatment[i] as number) as number;

    const encCols: ColumnEncoding[] = [];
    const layouts = this.columns.map((c) => (c.kind === 'categorical' ? this.categoryLayout(c) : undefined));
    const width = layouts.reduce((s, l) => s + (l === undefined ? 1 : l.width), 0);
    const n = this.rows;
    const features = new Float32Array(n * width);
    let offset = 0;
    for (const [ci, col] of this.columns.entries()) {
      if (col.kind === 'numeric' || col.kind === 'auto') {
        let fill: number | undefined;
        if (col.missing > 0) {
          if (this.schema.missing === 'mean') {
            let s = 0;
            for (let i = 0; i < n; i++) {
              const v = col.values.get(i);
              if (!Number.isNaN(v)) s += v;
            }
            fill = n > col.missing ? s / (n - col.missing) : 0;
          } else fill = 0;
        }
        for (let i = 0; i < n; i++) {
          const v = col.values.get(i);
          features[i * width + offset] = Number.isNaN(v) ? (fill as number) : v;
        }
        encCols.push(
          fill !== undefined || this.schema.missing !== undefined
            ? { name: col.name, kind: 'numeric', fill: fill ?? 0 }
            : { name: col.name, kind: 'numeric' },
        );
        offset++;
      } else {
        const l = layouts[ci] as CategoryLayout;
        for (let i = 0; i < n; i++) features[i * width + offset + (l.pos[col.codes.get(i)] as number)] = 1;
        encCols.push(
          l.other
            ? { name: col.name, kind: 'categorical', categories: l.categories, other: true }
            : { name: col.name, kind: 'categorical', categories: l.categories },
        );
        offset += l.width;
      }
    }
    const encoding: FeatureEncoding = { columns: encCols };
    const featureNames: string[] = [];
    featureNames.push(...encodedNames(encoding));
    const outcomes: Record<string, Float32Array> = Object.create(null);
    for (const o of this.outcomeIdx) outcomes[o.name] = o.values.view();
    return createDataset({
      features,
      d: width,
      featureNames,
      treatment: treatment,
      treatmentNames: names,
      response: this.response.view(),
      cost: this.cost.view(),
      ...(this.propensity !== undefined ? { propensity: this.propensity.view() } : {}),
      ...(this.outcomeIdx.length > 0 ? { outcomes } : {}),
      ...(this.ids !== undefined ? { ids: this.ids } : {}),
      encoding,
    });
  }

  /**
   * The one-hot layout of a categorical column: its categories sorted, at most `maxCategories` of them (the most
   * frequent); the others pooled into a last `(other)` column, with a warning.
   */
  private categoryLayout(col: CategoricalColumn): CategoryLayout {
    const all = [...col.vocab.keys()];
    let kept = all;
    const max = this.maxCategories;
    if (all.length > max) {
      kept = [...all]
        .sort(
          (a, b) =>
            (col.counts[col.vocab.get(b) as number] as number) - (col.counts[col.vocab.get(a) as number] as number) ||
            naturalCompare(a, b),
        )
        .slice(0, max);
    }
    const categories = kept.sort(naturalCompare);
    const other = all.length > max;
    const at = new Map(categories.map((c, i) => [c, i]));
    const pos = new Int32Array(col.vocab.size);
    let pooledRows = 0;
    for (const [s, code] of col.vocab) {
      const p = at.get(s);
      pos[code] = p ?? categories.length;
      if (p === undefined) pooledRows += col.counts[code] as number;
    }
    if (other) {
      this.onWarning(
        `column '${col.name}' has ${all.length} categories; kept the ${max} most frequent and pooled the other ${all.length - max} (${pooledRows} rows) into '${col.name}=${OTHER_CATEGORY}' (maxCategories)`,
      );
    }
    return { categories, other, pos, width: categories.length + (other ? 1 : 0) };
  }

  private seenArm(code: number): boolean {
    const t = this.treatmentCodes.view();
    for (let i = 0; i < t.length; i++) if (t[i] === code) return true;
    return false;
  }
}
