import { describe, expect, it, vi } from 'vitest';
import { BackendUnavailableError } from '../../src/core/errors.js';
import { HighsSolver } from '../../src/solver/highs.js';

vi.mock('highs', () => {
  throw new Error("Cannot find package 'highs'");
});

describe('HighsSolver without the optional peer', () => {
  it('throws BackendUnavailableError naming the package to install', async () => {
    const p = { sense: 'maximize' as const, objective: [1], lower: [0], upper: [1], integer: [1], rows: [] };
    const err = await new HighsSolver().solve(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as BackendUnavailableError).packageName).toBe('highs');
  });
});
