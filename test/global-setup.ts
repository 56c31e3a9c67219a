import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once before any test file runs (worker threads and the command line run the compiled JavaScript),
 * with the same script as `npm run build` (without removing dist/ first), so the files that need dist/ no longer
 * each compile it.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../', import.meta.url));
  try {
    execFileSync(process.execPath, [`${root}scripts/build.mjs`, '--keep'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${String(out.stdout ?? '')}${String(out.stderr ?? '')}`);
  }
}
