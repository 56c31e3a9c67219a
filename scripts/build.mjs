// `npm run build`: removes the previous build (deleted sources leave no stale files in dist/), compiles src/ with
// tsc, and makes the command-line entry point executable (tsc writes files without the execute bit, and
// `npx hrc-budget` in the repository runs dist/cli/main.js directly). The test suite's global setup runs this too,
// with `--keep`: it compiles over the existing dist/ instead of removing it, so that a test run never deletes files
// another run in the same checkout is using.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.argv.includes('--keep')) rmSync(`${root}/dist`, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', `${root}/tsconfig.build.json`], { cwd: root, stdio: 'inherit' });
chmodSync(`${root}/dist/cli/main.js`, 0o755);
