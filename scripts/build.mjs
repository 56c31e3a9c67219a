// `npm run build`: removes the previous build (deleted sources leave no stale files in dist/), compiles src/ with
// tsc, and makes the command-line entry point executable (tsc writes files without the execute bit, and
// `npx hrc-budget` in the repository runs dist/cli/main.js directly). The test suite's global setup runs this too,
// with `--keep`: it compiles over the existing dist/ instead of removing it, so that a test run never deletes files
// another run in the same checkout is using. Every entry of package.json's `exports` map must exist in dist/ after the
// build (one source file per entry: src/index.ts, src/node.ts, src/solver.ts, ...), else the build fails.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--keep')) rmSync(`${root}/dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}/tsconfig.build.json`], { cwd: root, stdio: 'inherit' });
chmodSync(`${root}/dist/cli/main.js`, 0o755);
const { exports } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
const missing = Object.values(exports)
  .flatMap((e) => (typeof e === 'string' ? [e] : Object.values(e)))
  .filter((file) => !existsSync(`${root}/${file}`));
if (missing.length > 0) {
  console.error(`package.json exports files the build did not write: ${missing.join(', ')}`);
  process.exit(1);
}
