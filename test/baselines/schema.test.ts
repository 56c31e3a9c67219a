import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../src/backend/index.js';
import { DRP } from '../../src/baselines/drp.js';
import { RDRP } from '../../src/baselines/rdrp.js';
import { SerializationError } from '../../src/core/errors.js';
import { simulateCouponTrial } from '../../src/sim/simulator.js';

// biome-ignore lint/suspicious/noExplicitAny: tampering with parsed JSON
type Json = any;
let drp: Json;
let rdrp: Json;

beforeAll(async () => {
  await useBackend('cpu');
  const { train } = simulateCouponTrial({ nTrain: 800, nTest: 10, d: 6, seed: 3 });
  const small = { hidden: [6], epochs: 1, seed: 1 };
  const a = await new DRP({ ...small, bins: 3 }).fit(train);
  const b = await new RDRP({ ...small, mcSamples: 2, conformalBins: 3 }).fit(train);
  drp = JSON.parse(JSON.stringify(a.toJSON()));
  rdrp = JSON.parse(JSON.stringify(b.toJSON()));
  a.dispose();
  b.dispose();
});

function rejects(read: (j: unknown) => unknown, json: unknown, message: RegExp): void {
  let err: unknown;
  try {
    read(json);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(SerializationError);
  expect((err as Error).message).toMatch(message);
}

describe('baseline model JSON is read through a schema', () => {
  it('names the field of a bad value', () => {
    const d = structuredClone(drp);
    d.state.model.maps[1].roi[0] = 'x';
    rejects(DRP.fromJSON, d, /DRP\.state\.model: maps\.1\.roi\.0/);
    const s = structuredClone(drp);
    s.state.model.standardizer.std[2] = 0;
    rejects(DRP.fromJSON, s, /standardizer\.std\.2/);
    const w = structuredClone(drp);
    w.state.model.net.weights.values[0].pop();
    rejects(DRP.fromJSON, w, /weights\.values\[0\]: expected \d+ values/);
    const q = structuredClone(rdrp);
    q.state.model.q = [1];
    rejects(RDRP.fromJSON, q, /RDRP\.state\.model: q/);
    const l = structuredClone(rdrp);
    l.state.model.net.ladder.reverse();
    rejects(RDRP.fromJSON, l, /ladder/);
    const extra = structuredClone(rdrp);
    extra.state.model.net.extra = 1;
    rejects(RDRP.fromJSON, extra, /extra/);
  });

  it('rejects a net declaring more parameters than allowed before building it', () => {
    const big = structuredClone(drp);
    big.state.model.net.spec.trunk = [1_000_000, 1_000_000];
    rejects(DRP.fromJSON, big, /more than 50000000 parameters/);
    const wide = structuredClone(drp);
    wide.state.model.net.spec.inputDim = 7;
    rejects(DRP.fromJSON, wide, /expected a net with 6 inputs/);
  });

  it('still reads untampered JSON', () => {
    DRP.fromJSON(structuredClone(drp)).dispose();
    RDRP.fromJSON(structuredClone(rdrp)).dispose();
  });
});
