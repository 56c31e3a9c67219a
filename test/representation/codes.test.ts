import { describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { SerializationError } from '../../src/core/errors.js';
import { matrix } from '../../src/core/matrix.js';
import { createDataset } from '../../src/data/dataset.js';
import { checkCodeColumns, detectCodeColumns, expandCodes, expandedWidth } from '../../src/representation/codes.js';
import { RepresentationNet } from '../../src/representation/index.js';

describe('integer-code inputs', () => {
  // Columns: a 4-level code, a binary flag, a continuous value, a 20-level integer.
  const rows = Array.from({ length: 200 }, (_, i) => [1 + (i % 4), i % 2, i / 7, i % 20]);
  const x = Float32Array.from(rows.flat());

  it('detects columns of 3..maxLevels distinct integers only', () => {
    expect(detectCodeColumns(x, 4, 12)).toEqual([{ column: 0, values: [1, 2, 3, 4] }]);
    expect(detectCodeColumns(x, 4, 20).map((c) => c.column)).toEqual([0, 3]);
    expect(detectCodeColumns(x, 4, 0)).toEqual([]);
  });

  it('appends one indicator per code after the standardized columns; unseen codes set none', () => {
    const codes = [{ column: 0, values: [1, 2, 3, 4] }];
    expect(expandedWidth(4, codes)).toBe(8);
    const raw = Float32Array.from([3, 0, 0.5, 1, 9, 1, 0, 2]);
    const z = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    expect(Array.from(expandCodes(z, raw, 4, codes)).map((v) => +v.toFixed(2))).toEqual([
      0.1, 0.2, 0.3, 0.4, 0, 0, 1, 0, 0.5, 0.6, 0.7, 0.8, 0, 0, 0, 0,
    ]);
    expect(expandCodes(z, raw, 4, [])).toBe(z);
  });

  it('rejects malformed code columns in JSON', () => {
    expect(() => checkCodeColumns([{ column: 5, values: [1, 2] }], 4, 'codes')).toThrow(SerializationError);
    expect(() => checkCodeColumns([{ column: 0, values: [2, 1] }], 4, 'codes')).toThrow(SerializationError);
    expect(checkCodeColumns(undefined, 4, 'codes')).toEqual([]);
  });

  it('a RepresentationNet keeps its code columns through JSON with identical predictions', async () => {
    await useBackend('wasm');
    const data = createDataset({
      features: rows,
      treatment: rows.map((_, i) => i % 2),
      treatmentNames: ['control', 'treated'],
      response: rows.map((r, i) => (i % 2 === 1 && (r[0] === 1 || r[0] === 3) ? 1 : 0)),
      cost: rows.map((_, i) => i % 2),
    });
    const net = await new RepresentationNet({ hiddenUnits: [8, 4], epochs: 2, seed: 3 }).fit(data);
    const back = RepresentationNet.fromJSON(JSON.parse(JSON.stringify(net)));
    try {
      expect(net.state.codes).toEqual([{ column: 0, values: [1, 2, 3, 4] }]);
      expect(Array.from(back.predict(matrix(data.features, data.d)).response)).toEqual(
        Array.from(net.predict(matrix(data.features, data.d)).response),
      );
      const off = await new RepresentationNet({ hiddenUnits: [8, 4], epochs: 1, codeLevels: 0 }).fit(data);
      expect(off.state.codes).toEqual([]);
      off.dispose();
    } finally {
      net.dispose();
      back.dispose();
    }
  });
});
