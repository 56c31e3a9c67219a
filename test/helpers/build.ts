import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Compiles src/ into dist/ so worker threads (which run compiled JavaScript) see the current sources. Used by the
 * benchmarks; the test suite builds once in its global setup (test/global-setup.ts).
 * Returns once dist/node/score-worker.js exists; throws with tsc's output otherwise.
 */
export function buildDist(): void {
  try {
    execFileSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', `${root}tsconfig.build.json`], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (e) {
    if (!existsSync(`${root}dist/node/score-worker.js`))
      throw new Error(`build failed: ${String((e as { stdout?: Buffer }).stdout ?? e)}`);
  }
}
