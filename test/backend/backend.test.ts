import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { currentBackend, useBackend } from '../../src/backend/index.js';
import { BackendUnavailableError, ValidationError } from '../../src/core/errors.js';

describe('useBackend', () => {
  it('switches between cpu and wasm and computes the same product', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 0, 0, 1, 1, 1];
    await useBackend('cpu');
    expect(currentBackend()).toBe('cpu');
    const onCpu = tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])).dataSync());
    await useBackend('wasm');
    expect(currentBackend()).toBe('wasm');
    const onWasm = tf.tidy(() => tf.matMul(tf.tensor2d(a, [2, 3]), tf.tensor2d(b, [3, 2])).dataSync());
    expect(Array.from(onWasm)).toEqual(Array.from(onCpu));
    await useBackend('cpu');
  });
  it('names the package to install for an unavailable backend', async () => {
    const err = await useBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).packageName).toBe('@tensorflow/tfjs-node');
    expect((err as Error).message).toMatch(/npm install @tensorflow\/tfjs-node/);
    await expect(useBackend('webgl')).rejects.toThrow(/only in a browser/);
    await expect(useBackend('gpu' as never)).rejects.toThrow(ValidationError);
  });
});
