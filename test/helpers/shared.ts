import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The full data sets beside the repository (`../shared/data/...`), present in the project's layout and in CI. */
export function sharedData(relative: string): string {
  return `${root}../shared/data/${relative}`;
}

/** A small committed sample of a shared data set (3,000 rows; see test/fixtures/README.md). */
export function fixture(name: string): string {
  return `${root}test/fixtures/${name}`;
}

/**
 * `it` for a test that needs files outside the repository: skipped, with the missing path in its title, when one of
 * them is absent (a fresh clone without `../shared`). With `HRC_REQUIRE_SHARED=1` (set by .ci/run) a missing file
 * fails the test instead, so CI always runs the full-data tests.
 */
export function itWithFiles(...paths: string[]): (title: string, fn: () => unknown, timeout?: number) => void {
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length === 0 || process.env.HRC_REQUIRE_SHARED === '1')
    return (title, fn, timeout) => it(title, fn, timeout);
  return (title, fn) => it.skip(`${title} (skipped: ${missing.join(', ')} is missing)`, fn);
}
