import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RCTDataset } from '../../src/data/dataset.js';

/** The built command line. */
export const cliBin = join(fileURLToPath(new URL('../../', import.meta.url)), 'dist/cli/main.js');

/** Runs `hrc-budget ARGS` in `dir` with the built dist/ and returns its exit code, stdout and stderr. */
export function cliRunner(
  dir: string,
  timeout = 300_000,
): (...args: string[]) => { code: number | null; out: string; err: string } {
  return (...args) => {
    const r = spawnSync(process.execPath, [cliBin, ...args], { encoding: 'utf8', cwd: dir, timeout });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
}

/** Writes a simulated dataset as a CSV with an id `uid`, the features, named arms `arm`, `bought` and `paid`. */
export function writeTrialCSV(file: string, data: RCTDataset): void {
  const lines = [['uid', ...data.featureNames, 'arm', 'bought', 'paid'].join(',')];
  for (let i = 0; i < data.n; i++) {
    const x = Array.from(data.features.subarray(i * data.d, (i + 1) * data.d), (v) => v.toFixed(5));
    lines.push(
      [`u${i}`, ...x, data.treatmentNames[data.treatment[i] as number], data.response[i], data.cost[i]].join(','),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}
