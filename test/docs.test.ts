import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from 'typedoc';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

describe('API documentation', () => {
  it('builds with typedoc without warnings or errors (what npm run docs does)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'hrc-docs-'));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json'), out });
      const project = await app.convert();
      expect(project).toBeDefined();
      if (project !== undefined) await app.generateDocs(project, out);
      expect(app.logger.errorCount).toBe(0);
      expect(app.logger.warningCount).toBe(0);
    } finally {
      process.chdir(cwd);
      rmSync(out, { recursive: true, force: true });
    }
  }, 300_000);
});
