import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { hillstromSchema, loadCSV } from '../src/index.js';
import { medianTime, type Report } from './harness.js';

export const name = 'csv';

const FILE = new URL('../../shared/data/hillstrom_email/hillstrom.csv', import.meta.url).pathname;

/** loadCSV (parse + validate + encode into typed arrays) against csv-parse alone reading the same file into arrays. */
export async function run(report: Report): Promise<void> {
  const ours = await medianTime(5, () => loadCSV(FILE, hillstromSchema));
  const peer = await medianTime(5, async () => {
    const rows: string[][] = [];
    for await (const r of createReadStream(FILE).pipe(parse({ bom: true }))) rows.push(r as string[]);
    return rows.length;
  });
  report({
    bench: 'csv',
    metric: 'seconds',
    value: ours.seconds,
    peer: 'csv-parse (arrays only)',
    peerValue: peer.seconds,
    rows: ours.result.n,
  });
}
