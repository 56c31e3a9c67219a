import { ValidationError } from '../../core/errors.js';
import type { RCTDataset } from '../../data/dataset.js';
import { findLeakage } from '../../data/leakage.js';

/** The feature columns of a dataset, as one line: raw columns, with the category count of one-hot ones. */
export function featureList(data: RCTDataset): string {
  const cols =
    data.encoding?.columns.map((c) =>
      c.kind === 'numeric'
        ? c.name
        : `${c.name} (${c.categories.length}${c.other === true ? '+other' : ''} categories)`,
    ) ?? data.featureNames;
  return `features: ${data.d} encoded from ${cols.length} column${cols.length === 1 ? '' : 's'}: ${cols.join(', ')}`;
}

/**
 * The leakage guard of `fit` and `compare`: prints the feature list, then refuses feature columns that look
 * recorded after the treatment (see `findLeakage`) unless `allow` is set, in which case they are warnings.
 */
export function guardFeatures(data: RCTDataset, allow: boolean, print: (s: string) => void): void {
  print(featureList(data));
  const findings = findLeakage(data);
  if (findings.length === 0) return;
  if (allow) {
    for (const f of findings) print(`warning: ${f.message} (kept: --allow-leakage)`);
    return;
  }
  const names = findings.map((f) => f.column);
  throw new ValidationError(
    findings
      .map((f) => ({ path: ['--features', f.column], message: f.message }))
      .concat([
        {
          path: ['--features'],
          message: `leave ${names.length === 1 ? 'it' : 'them'} out with --exclude ${names.join(',')} or name outcomes with --outcomes ${names.join(',')}; --allow-leakage keeps them`,
        },
      ]),
  );
}
