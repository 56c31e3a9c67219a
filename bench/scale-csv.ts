import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { simulateCouponTrial } from '../src/sim/index.js';

/**
 * Writes a CSV of `n` users (`id,x0,...,x9`, three decimals) for the scale benchmark: 1,000,000 simulated users
 * repeated with new ids, about 80 bytes a row. Returns the seconds taken.
 */
export async function writeUsersCSV(path: string, n: number): Promise<{ seconds: number }> {
  const t0 = performance.now();
  const block = Math.min(n, 1_000_000);
  const { test } = simulateCouponTrial({ nTrain: 10, nTest: block, seed: 8 });
  const d = test.d;
  const tails: string[] = new Array(block);
  for (let i = 0; i < block; i++) {
    let s = '';
    for (let j = 0; j < d; j++) s += `,${(test.features[i * d + j] as number).toFixed(3)}`;
    tails[i] = `${s}\n`;
  }
  const ws = createWriteStream(path);
  ws.write(`id,${test.featureNames.join(',')}\n`);
  const step = 50_000;
  for (let at = 0; at < n; at += step) {
    let chunk = '';
    for (let i = at; i < Math.min(n, at + step); i++) chunk += `u${i}${tails[i % block]}`;
    if (!ws.write(chunk)) await once(ws, 'drain');
  }
  ws.end();
  await once(ws, 'finish');
  return { seconds: (performance.now() - t0) / 1000 };
}
