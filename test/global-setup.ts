import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once before any test file runs (worker threads and the command line run the compiled JavaScript),
 * with the same script as `npm run build` (without removing dist/ first), so the files that need dist/ no longer
 * each compile it. Gives the run its own temporary folder (TMPDIR, inherited by the test workers and every process
 * they start) and removes it, with whatever the tests left in it, when the run ends.
 */
export default function setup(): () => void {
  const root = fileURLToPath(new URL('../', import.meta.url));
  try {
    execFileSync(process.execPath, [`${root}scripts/build.mjs`, '--keep'], { cwd: root, stdio: 'pipe' });
  } catch (e) {
    const out = e as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`npm run build failed:\n${String(out.stdout ?? '')}${String(out.stderr ?? '')}`);
  }
  const runTmp = mkdtempSync(join(tmpdir(), 'hrc-test-run-'));
  // Traversable by the postgres user, whose server the SQL test starts in a folder of its own below this one.
  chmodSync(runTmp, 0o755);
  process.env.TMPDIR = runTmp;
  return () => rmSync(runTmp, { recursive: true, force: true });
}
