import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HRCError, WorkerError } from '../../src/core/errors.js';
import { WorkerPool, whereThrown } from '../../src/node/pool.js';
import { scoreWorkerScript } from '../../src/node/worker-url.js';
import { AllocationPolicy } from '../../src/policy/index.js';

const crashWorker = new URL('./fixtures/crash-worker.mjs', import.meta.url);
const policyJson = (
  JSON.parse(
    (await import('node:fs')).readFileSync(new URL('../fixtures/artifacts/HRCPipeline.json', import.meta.url), 'utf8'),
  ) as { state: { policy: unknown } }
).state.policy;

describe('scoring workers', () => {
  it('run the TypeScript sources when the library runs from them', async () => {
    const pool = new WorkerPool(scoreWorkerScript(), { policy: policyJson }, 1);
    try {
      const info = await pool.run<{ url: string }>({ type: 'info' });
      expect(info.url).toMatch(/\/src\/node\/score-worker\.ts$/);
    } finally {
      await pool.close();
    }
  });

  it.each([
    ['throw', /uncaught in the worker/, 9],
    ['load', /failed while loading/, 5],
  ])('surface a worker that fails (%s) as a WorkerError naming the file and line', async (mode, message, line) => {
    const pool = new WorkerPool(crashWorker, { mode }, 1);
    try {
      const err = await pool.run({ type: 'x' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkerError);
      expect(err).toBeInstanceOf(HRCError);
      expect((err as WorkerError).code).toBe('WORKER');
      expect((err as Error).message).toMatch(message);
      expect((err as WorkerError).file).toMatch(/crash-worker\.mjs$/);
      expect((err as WorkerError).line).toBe(line);
      // Later tasks fail with the same error instead of hanging.
      await expect(pool.run({ type: 'x' })).rejects.toBe(err);
    } finally {
      await pool.close();
    }
  });

  it('surface a worker that exits (process.exit) as a WorkerError with its exit code', async () => {
    const pool = new WorkerPool(crashWorker, { mode: 'exit' }, 2);
    try {
      const tasks = [pool.run({ type: 'x' }), pool.run({ type: 'x' })];
      const errs = await Promise.all(tasks.map((t) => t.catch((e: unknown) => e)));
      for (const e of errs) expect(e).toBeInstanceOf(WorkerError);
      expect((errs[0] as WorkerError).exitCode).toBe(7);
      expect((errs[0] as Error).message).toMatch(/exited with code 7/);
    } finally {
      await pool.close();
    }
  });

  it('finds the thrower in a stack', () => {
    expect(whereThrown('Error: x\n    at node:internal/a:1:2\n    at f (file:///a/b/c.ts:12:5)')).toEqual({
      file: '/a/b/c.ts',
      line: 12,
    });
    expect(whereThrown('Error: x\n    at /a/b.js:3:1')).toEqual({ file: '/a/b.js', line: 3 });
    expect(whereThrown(undefined)).toEqual({});
  });
});

describe('hrc-budget assign when a scoring worker crashes', () => {
  it('exits 1 with a one-line message, no stack', async () => {
    vi.resetModules();
    vi.doMock('../../src/node/worker-url.js', () => ({
      scoreWorkerScript: () => ({ script: crashWorker, eval: false, module: crashWorker }),
    }));
    const { runCli } = await import('../../src/cli/program.js');
    const dir = mkdtempSync(join(tmpdir(), 'hrc-workers-'));
    const policy = AllocationPolicy.fromJSON(policyJson);
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    const header = policy.featureNames.join(',');
    const row = policy.featureNames.map(() => '0.5').join(',');
    writeFileSync(join(dir, 'users.csv'), `${header}\n${row}\n${row}\n`);
    const budget = policy.table.budgets[policy.table.budgets.length - 1] as number;
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      written.push(String(s));
      return true;
    });
    let code: number;
    try {
      code = await runCli([
        'node',
        'hrc-budget',
        'assign',
        '--policy',
        join(dir, 'policy.json'),
        '--data',
        join(dir, 'users.csv'),
        '--budget-per-user',
        String(budget),
        '--workers',
        '1',
        '--quiet',
        '--out',
        join(dir, 'out.csv'),
      ]);
    } finally {
      spy.mockRestore();
      vi.doUnmock('../../src/node/worker-url.js');
    }
    expect(code).toBe(1);
    const text = written.join('');
    expect(text).toMatch(/^hrc-budget: a scoring worker failed: failed while loading \(.*crash-worker\.mjs:5\)\n$/);
  });
});
