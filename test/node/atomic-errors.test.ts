import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';

/** The failure the next createWriteStream simulates (root ignores permissions, so disks are simulated). */
const failure: { code?: string; at?: 'open' | 'write' } = {};

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const createWriteStream = (p: string, o?: unknown) => {
    if (failure.code === undefined) return fs.createWriteStream(p, o as never);
    const err = Object.assign(new Error(`${failure.code}: simulated`), { code: failure.code });
    if (failure.at === 'open') {
      const w = new Writable({ write: (_c, _e, cb) => cb() });
      process.nextTick(() => w.destroy(err));
      return w;
    }
    // The temporary file is created; every write then fails as on a full disk.
    fs.writeFileSync(p, '');
    const w = new Writable({ write: (_c, _e, cb) => cb(err) });
    process.nextTick(() => w.emit('open'));
    return w;
  };
  return { ...fs, createWriteStream, default: { ...fs, createWriteStream } };
});

const { writeFileAtomic } = await import('../../src/node/atomic.js');

afterEach(() => {
  delete failure.code;
  delete failure.at;
});

function folderWithTarget(): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'hrc-atomic-'));
  const out = join(dir, 'policy.json');
  writeFileSync(out, 'old');
  return { dir, out };
}

async function failureOf(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ValidationError);
  return e as ValidationError;
}

describe('atomic writes on a failing disk', () => {
  it('a read-only file system is a ValidationError naming the option and the path; the target is untouched', async () => {
    const { dir, out } = folderWithTarget();
    failure.code = 'EROFS';
    failure.at = 'open';
    const e = await failureOf(writeFileAtomic(out, 'new', '--out'));
    expect(e.message).toMatch(/--out/);
    expect(e.message).toContain(out);
    expect(e.message).toMatch(/read-only/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });

  it('a full disk is a ValidationError saying so; no temporary file is left and the target keeps its content', async () => {
    const { dir, out } = folderWithTarget();
    failure.code = 'ENOSPC';
    failure.at = 'write';
    const e = await failureOf(writeFileAtomic(out, 'x'.repeat(100_000), '--out'));
    expect(e.message).toMatch(/--out/);
    expect(e.message).toMatch(/no space left/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['policy.json']);
  });

  it('a missing output folder names the option, not a temporary path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hrc-atomic-'));
    const out = join(dir, 'missing', 'decisions.csv');
    const e = await failureOf(writeFileAtomic(out, 'a,b\n', '--out'));
    expect(e.message).toMatch(/--out/);
    expect(e.message).toMatch(/folder does not exist/);
    expect(e.message).not.toMatch(/hrc-tmp/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
