import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DHCL } from '../../src/baselines/dhcl.js';
import { TPMSL } from '../../src/baselines/tpm.js';
import { HiddenClusterer } from '../../src/clustering/index.js';
import { readEnvelope } from '../../src/core/envelope.js';
import { SerializationError } from '../../src/core/errors.js';
import { Distiller } from '../../src/distill/index.js';
import { RepresentationNet } from '../../src/representation/index.js';
import { GroupStats } from '../../src/solver/index.js';

const dir = new URL('../fixtures/artifacts/', import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: fixtures are edited field by field
const read = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SerializationError);
    return (e as Error).message;
  }
  throw new Error('expected a SerializationError');
}

describe('readEnvelope', () => {
  it('names the kind, the version it reads and a part that is not an object', () => {
    const ok = { kind: 'X', formatVersion: 1, params: {}, state: {} };
    expect(readEnvelope(ok, 'X', 1)).toBe(ok);
    expect(message(() => readEnvelope(null, 'X', 1))).toBe('X: expected an object, got null');
    expect(message(() => readEnvelope({ ...ok, kind: 'Y' }, 'X', 1))).toBe(`X: expected kind 'X', got "Y"`);
    expect(message(() => readEnvelope({ ...ok, formatVersion: 2 }, 'X', 1))).toBe(
      'X: unsupported formatVersion 2; this version reads 1',
    );
    expect(message(() => readEnvelope({ ...ok, state: [] }, 'X', 1))).toBe(
      'X.state: expected an object, got an array of length 0',
    );
  });

  it('gives every component the same envelope errors', () => {
    const loaders: [string, (j: unknown) => unknown][] = [
      ['TpmSL', TPMSL.fromJSON],
      ['DHCL', DHCL.fromJSON],
      ['HiddenClusterer', HiddenClusterer.fromJSON],
      ['RepresentationNet', RepresentationNet.fromJSON],
      ['Distiller', Distiller.fromJSON],
    ];
    for (const [kind, fromJSON] of loaders) {
      const json = read(kind);
      expect(message(() => fromJSON({ ...json, formatVersion: 7 }))).toBe(
        `${kind}: unsupported formatVersion 7; this version reads 1`,
      );
      expect(message(() => fromJSON({ ...json, params: 'x' }))).toBe(`${kind}.params: expected an object, got "x"`);
    }
  });

  it('checks declared sizes against the arrays, naming the field, before allocating', () => {
    const cl = read('HiddenClusterer');
    expect(message(() => HiddenClusterer.fromJSON({ ...cl, state: { ...cl.state, k: 1_000_000 } }))).toMatch(
      /^HiddenClusterer: state\.centroids: expected \d+ finite numbers \(k x dim\), got \d+$/,
    );
    expect(message(() => HiddenClusterer.fromJSON({ ...cl, state: { ...cl.state, dim: 0 } }))).toMatch(
      /^HiddenClusterer: state\.dim: /,
    );
    const tpm = read('TpmSL');
    expect(message(() => TPMSL.fromJSON({ ...tpm, state: { ...tpm.state, d: 'ten' } }))).toMatch(/^TpmSL: state\.d: /);
    expect(message(() => TPMSL.fromJSON({ ...tpm, state: { ...tpm.state, treatmentNames: ['a'] } }))).toMatch(
      /^TpmSL: state\.treatmentNames: expected at least two arm names/,
    );
    const rep = read('RepresentationNet');
    expect(
      message(() => RepresentationNet.fromJSON({ ...rep, state: { ...rep.state, treatmentNames: ['a'] } })),
    ).toMatch(/^RepresentationNet: state\.treatmentNames: expected \d+ names/);
    const dist = read('Distiller');
    expect(message(() => Distiller.fromJSON({ ...dist, state: { ...dist.state, agreement: 2 } }))).toMatch(
      /^Distiller: state\.agreement: /,
    );
    const stats = read('HRCPipeline').state.policy.state.stats;
    expect(
      message(() => GroupStats.fromJSON({ ...stats, params: { ...stats.params, k: 999_999, replicates: 100_000 } })),
    ).toMatch(/^GroupStats: declares more than \d+ numbers/);
  });
});
