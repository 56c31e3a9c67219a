import { afterAll, describe, expect, it } from 'vitest';
import { readyBackend, useBackend } from '../../src/backend/index.js';
import { HRCError, ValidationError } from '../../src/core/errors.js';
import { createDataset } from '../../src/data/dataset.js';
import { availableCores, workerNetTrainer } from '../../src/node/fit-pool.js';
import { crossFitNets } from '../../src/pipeline/crossfit.js';
import { HRCPipeline } from '../../src/pipeline/pipeline.js';
import {
  AUTO_FIT_WORKERS_MIN_ROWS,
  inProcessTrainer,
  type NetTrainer,
  resolveNetTrainer,
} from '../../src/pipeline/trainer.js';
import type { RepresentationNet } from '../../src/representation/representation.js';
import { simulateCouponTrial } from '../../src/sim/index.js';

const small = { hiddenUnits: [16, 8] as const, epochs: 6, batchSize: 128 };
const { train } = simulateCouponTrial({ nTrain: 4000, nTest: 10, seed: 11 });

/** A network's JSON form without the timings of its training history. */
function netJSON(net: RepresentationNet): unknown {
  const j = net.toJSON() as unknown as { state: { history: Record<string, unknown>[] } };
  j.state.history = j.state.history.map(({ seconds: _s, rowsPerSecond: _r, ...rest }) => rest);
  return j;
}

/** A policy's JSON without its creation time. */
function policyJSON(p: HRCPipeline): string {
  const j = p.policy.toJSON() as { params: { metadata?: { createdAt?: string } } };
  if (j.params.metadata !== undefined) delete j.params.metadata.createdAt;
  return JSON.stringify(j);
}

describe('cross-fitted networks on worker threads', () => {
  const trainers: NetTrainer[] = [];
  afterAll(async () => {
    for (const t of trainers) await t.close();
  });

  it('equal the networks trained in this thread, weights, predictions and upliftL2 choice alike', async () => {
    const trainer = workerNetTrainer(2, await readyBackend());
    trainers.push(trainer);
    expect(trainer.concurrency).toBe(2);
    const select = { candidates: [0, 0.1], maxFolds: 2, decisiveT: 100 };
    const here = await crossFitNets(train, 3, small, 5, undefined, select, inProcessTrainer);
    const folds: number[] = [];
    const there = await crossFitNets(train, 3, small, 5, (f) => folds.push(f), select, trainer);
    try {
      // decisiveT 100 forces both compared folds, so both phases (candidates, then the rest) ran on the workers.
      expect(there.upliftL2?.foldsCompared).toBe(2);
      expect(there.upliftL2).toEqual(here.upliftL2);
      expect(folds).toEqual([0, 1, 2]);
      expect(there.nets).toHaveLength(3);
      expect(Array.from(there.fold)).toEqual(Array.from(here.fold));
      expect(Array.from(there.response)).toEqual(Array.from(here.response));
      expect(Array.from(there.cost)).toEqual(Array.from(here.cost));
      there.nets.forEach((net, f) => {
        expect(netJSON(net)).toEqual(netJSON(here.nets[f] as RepresentationNet));
      });
    } finally {
      for (const n of [...here.nets, ...there.nets]) n.dispose();
    }
  });

  it("bring a network's validation error back typed, naming the column", async () => {
    const trainer = workerNetTrainer(1, await readyBackend());
    trainers.push(trainer);
    const response = Float32Array.from(train.response);
    response[17] = Number.NaN;
    const bad = { ...train, response };
    const err = await trainer.train({ options: small, data: bad }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(JSON.stringify((err as ValidationError).issues)).toMatch(/response/);
  });

  it('fail each task with a typed error when their backend cannot start there', async () => {
    const trainer = workerNetTrainer(1, 'webgl');
    trainers.push(trainer);
    const err = await trainer.train({ options: small, data: train }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HRCError);
    expect((err as HRCError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as Error).message).toMatch(/webgl/);
  });

  it('give HRCPipeline the same policy as one thread, and say so in its progress', async () => {
    const messages: string[] = [];
    const opts = { seed: 3, representation: small, crossFit: 3 };
    const one = await new HRCPipeline({ ...opts, fitWorkers: 1 }).fit(train);
    const two = await new HRCPipeline({
      ...opts,
      fitWorkers: 2,
      onProgress: (e) => {
        if (e.message !== undefined) messages.push(e.message);
      },
    }).fit(train);
    try {
      expect(messages.some((m) => /2 at a time on worker threads/.test(m))).toBe(true);
      expect(two.upliftL2Choice).toEqual(one.upliftL2Choice);
      expect(policyJSON(two)).toBe(policyJSON(one));
    } finally {
      one.dispose();
      two.dispose();
    }
  });
});

describe('fitWorkers', () => {
  const ctx = { rows: AUTO_FIT_WORKERS_MIN_ROWS, maxJobs: 3, backend: 'cpu', options: {} };

  it.each([0, -1, 1.5, 'all', null])('rejects %j as a ValidationError naming the option', async (value) => {
    const p = new HRCPipeline({ fitWorkers: value as never });
    const err = await p.fit(train).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]?.path).toEqual(['fitWorkers']);
  });

  it('rejects worker threads with an onEpochEnd callback, which cannot cross threads', async () => {
    const err = await resolveNetTrainer(2, { ...ctx, options: { onEpochEnd: () => undefined } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/onEpochEnd/);
  });

  it("'auto' trains in this thread where workers do not pay or cannot run", async () => {
    expect(await resolveNetTrainer('auto', { ...ctx, rows: AUTO_FIT_WORKERS_MIN_ROWS - 1 })).toBe(inProcessTrainer);
    expect(await resolveNetTrainer('auto', { ...ctx, backend: 'tensorflow' })).toBe(inProcessTrainer);
    expect(await resolveNetTrainer('auto', { ...ctx, options: { onEpochEnd: () => undefined } })).toBe(
      inProcessTrainer,
    );
    expect(await resolveNetTrainer('auto', { ...ctx, maxJobs: 1 })).toBe(inProcessTrainer);
    expect(await resolveNetTrainer(1, ctx)).toBe(inProcessTrainer);
  });

  it("'auto' uses as many workers as the cores, at most the networks trained at once", async () => {
    const t = await resolveNetTrainer('auto', ctx);
    try {
      const cores = availableCores();
      expect(t.concurrency).toBe(cores < 2 ? 1 : Math.min(cores, 3));
      if (cores >= 2) expect(t).not.toBe(inProcessTrainer);
    } finally {
      await t.close();
    }
  });

  it('keeps working on a dataset built from plain arrays (structured-clone safe fields only)', async () => {
    const data = createDataset({
      features: Array.from({ length: 400 }, (_, i) => [i % 7, (i * 13) % 5]),
      treatment: Array.from({ length: 400 }, (_, i) => i % 2),
      treatmentNames: ['control', 'mail'],
      response: Array.from({ length: 400 }, (_, i) => (i % 3) / 2),
      cost: Array.from({ length: 400 }, (_, i) => i % 2),
      ids: Array.from({ length: 400 }, (_, i) => `u${i}`),
    });
    const trainer = workerNetTrainer(1, await readyBackend());
    try {
      const net = await trainer.train({ options: small, data });
      const local = await inProcessTrainer.train({ options: small, data });
      expect(netJSON(net)).toEqual(netJSON(local));
      net.dispose();
      local.dispose();
    } finally {
      await trainer.close();
    }
  });
});

// Last in this file: it switches this process to the wasm backend.
describe('a worker on the wasm backend', () => {
  it('trains the same network as the wasm backend here', async () => {
    await useBackend('wasm');
    const trainer = workerNetTrainer(1, await readyBackend());
    try {
      const job = { options: { ...small, seed: 9 }, data: train };
      const there = await trainer.train(job);
      const here = await inProcessTrainer.train(job);
      expect(netJSON(there)).toEqual(netJSON(here));
      there.dispose();
      here.dispose();
    } finally {
      await trainer.close();
    }
  });
});
