import { describe, expect, it } from 'vitest';
import { UniformBest } from '../../src/baselines/index.js';
import { loadModel } from '../../src/cli/methods.js';
import { SerializationError } from '../../src/core/errors.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

describe('loadModel (the model files of hrc-budget fit)', () => {
  it('reads a baseline envelope and rejects a tampered one, naming the path', async () => {
    const { train } = simulateCouponTrial({ nTrain: 600, nTest: 10, seed: 2 });
    const model = (await new UniformBest({ seed: 1 }).fit(train)).toJSON();
    const good = {
      kind: 'BaselineModel',
      formatVersion: 1,
      params: { method: 'uniform', featureNames: train.featureNames, treatmentNames: train.treatmentNames },
      state: { model },
    };
    const loaded = loadModel(structuredClone(good));
    expect(loaded.kind).toBe('allocator');
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...good, extra: 1 }, /BaselineModel: extra/],
      [{ ...good, params: { ...good.params, treatmentNames: ['a', 'a'] } }, /treatment 'a' appears more than once/],
      [{ ...good, state: { model: { ...model, kind: 'Evil' } } }, /state\.model\.kind/],
      [
        { ...good, params: { ...good.params, encoding: { columns: [{ name: 'zz', kind: 'numeric' }] } } },
        /encoded names disagree/,
      ],
    ];
    for (const [json, message] of bad) {
      expect(() => loadModel(json)).toThrow(SerializationError);
      expect(() => loadModel(json)).toThrow(message);
    }
  });
});
