import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The README's TypeScript quickstart, exactly as written (it imports 'hrc-budget', resolved by self-reference). */
function quickstart(): string {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const m = /## Quickstart \(TypeScript\)\s+```ts\n([\s\S]*?)```/.exec(readme);
  if (m === null) throw new Error('README has no TypeScript quickstart');
  return m[1] as string;
}

describe('README quickstart', () => {
  it('runs as written and reports spend within budget and a large share of the oracle', () => {
    const code = quickstart();
    expect(code.split('\n').length).toBeLessThanOrEqual(25);
    const file = `${root}.readme-quickstart.mts`;
    writeFileSync(file, code);
    try {
      const out = execFileSync(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, file], {
        cwd: root,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const m = /spend ([\d.]+) per user for ([\d.]+)% of the oracle's gain/.exec(out);
      expect(m).not.toBeNull();
      expect(Number(m?.[1])).toBeLessThanOrEqual(0.3 * 1.05);
      expect(Number(m?.[2])).toBeGreaterThan(70);
      expect(out).toMatch(/(control|coupon_\d) \d+ bytes/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
