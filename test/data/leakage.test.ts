import { describe, expect, it } from 'vitest';
import { RNG } from '../../src/core/rng.js';
import { loadCSV } from '../../src/data/csv.js';
import { findLeakage } from '../../src/data/leakage.js';
import { datasetFromRows } from '../../src/data/rows.js';
import { hillstromSchema } from '../../src/data/schema.js';
import { itWithFiles, sharedData } from '../helpers/shared.js';

const HILLSTROM = sharedData('hillstrom_email/hillstrom.csv');

/** A trial with two pre-treatment columns, a copy of the arm and an outcome recorded after the treatment. */
function trial(n: number) {
  const r = new RNG(5);
  const rows = Array.from({ length: n }, (_, i) => {
    const arm = ['none', 'mail'][i % 2] as string;
    const age = 20 + 40 * r.next();
    const visit = r.next() < (arm === 'mail' ? 0.2 : 0.1) ? 1 : 0;
    return { arm, age, city: ['a', 'b', 'c'][r.int(3)] as string, flag: arm === 'mail' ? 1 : 0, visit, y: visit };
  });
  return datasetFromRows(rows, {
    treatment: 'arm',
    control: 'none',
    response: 'y',
    armCost: { none: 0, mail: 1 },
    categorical: ['city'],
  });
}

describe('findLeakage', () => {
  it('flags a copy of the treatment and a column recorded after it, not pre-treatment columns', () => {
    const f = findLeakage(trial(6000));
    expect(f.map((x) => [x.column, x.reason])).toEqual([
      ['flag', 'constant-within-arms'],
      ['visit', 'predicts-treatment'],
    ]);
    expect(f[1]?.message).toMatch(/column 'visit' differs between 'mail' and control by \d+\.\d standard errors/);
  });

  it('takes a z threshold', () => {
    expect(findLeakage(trial(6000), { zThreshold: 1000 }).map((x) => x.column)).toEqual(['flag']);
    expect(() => findLeakage(trial(10), { zThreshold: 0 })).toThrow(/zThreshold/);
  });

  itWithFiles(HILLSTROM)('flags visit and conversion on Hillstrom when they are features', async () => {
    const { outcomes: _o, ...schema } = hillstromSchema;
    const data = await loadCSV(HILLSTROM, schema);
    expect(findLeakage(data).map((x) => x.column)).toEqual(['visit', 'conversion']);
    expect(findLeakage(await loadCSV(HILLSTROM, hillstromSchema))).toEqual([]);
  });
});
