import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('API documentation', () => {
  it('npm run docs exits 0 without warnings (the same command, only the output folder moved)', () => {
    const script = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { docs: string } })
      .scripts.docs;
    expect(script).toBe('typedoc');
    const out = mkdtempSync(join(tmpdir(), 'hrc-docs-'));
    try {
      const r = spawnSync('npm', ['run', 'docs', '--', '--out', out], {
        cwd: root,
        encoding: 'utf8',
        timeout: 600_000,
      });
      const log = `${r.stdout}${r.stderr}`;
      expect(log).not.toMatch(/\[warning\]|\[error\]/);
      expect(r.status, log).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});
