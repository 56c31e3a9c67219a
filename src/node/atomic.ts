import { once } from 'node:events';
import { createWriteStream, unlinkSync, type WriteStream } from 'node:fs';
import { readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';

/**
 * The one atomic-write mechanism of the library: every output file is written to a temporary file beside it,
 * named `.<name>.<pid>.hrc-tmp`, then renamed over the target, so a reader never sees a half-written file. A
 * run removes stale temporary files of the same output left by processes that no longer exist, and
 * {@link removeTempFilesSync} (called by the CLI on SIGINT/SIGTERM) removes those of the current process.
 */

const live = new Set<string>();
const SUFFIX = '.hrc-tmp';

/** Removes the temporary files this process has open, synchronously (for signal handlers). */
export function removeTempFilesSync(): void {
  for (const t of live) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  live.clear();
}

function tempPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}${SUFFIX}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `.<name>.<pid>.hrc-tmp` files of `path` whose process is gone. */
async function removeStale(path: string): Promise<void> {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return;
  }
  for (const f of names) {
    if (!f.startsWith(prefix) || !f.endsWith(SUFFIX)) continue;
    const pid = Number(f.slice(prefix.length, -SUFFIX.length));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid))
      await unlink(join(dirname(path), f)).catch(() => undefined);
  }
}

function writeError(path: string, label: string, e: unknown): ValidationError {
  const err = e as NodeJS.ErrnoException;
  const why: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'it is a folder',
    ENOTEMPTY: 'it is a folder',
    ENOTDIR: 'a part of its path is not a folder',
  };
  const reason = (err?.code !== undefined ? why[err.code] : undefined) ?? err?.message ?? String(e);
  return new ValidationError({ path: [label, path], message: `cannot be written: ${reason}` }, { cause: e });
}

/** Resolves at the first of `events` on `ws`, removing its listeners from every one of them. */
function first(ws: WriteStream, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const e of events) ws.off(e, done);
      resolve();
    };
    for (const e of events) ws.on(e, done);
  });
}

/** A file being written atomically: `write` chunks, then `commit` (rename into place) or `abort`. */
export class AtomicFile {
  private readonly ws: WriteStream;
  private streamError: Error | undefined;
  private done = false;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    private readonly label: string,
  ) {
    this.ws = createWriteStream(tmp);
    // Keep stream errors off the process-wide path; they surface at the next write or at commit.
    this.ws.on('error', (e) => {
      this.streamError ??= e;
    });
  }

  /**
   * Opens `path` for writing. `label` names the option in errors (e.g. `'--out'`): a missing folder, a read-only
   * or full disk is a ValidationError naming it and the path.
   */
  static async open(path: string, label = 'output'): Promise<AtomicFile> {
    await removeStale(path);
    const tmp = tempPathOf(path);
    const f = new AtomicFile(path, tmp, label);
    live.add(tmp);
    await first(f.ws, ['open', 'error']);
    if (f.streamError !== undefined) {
      const e = f.streamError;
      await f.abort();
      throw writeError(path, label, e);
    }
    return f;
  }

  /** Writes a chunk, waiting for the stream to drain when its buffer is full. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.streamError !== undefined) throw writeError(this.path, this.label, this.streamError);
    if (!this.ws.write(chunk)) await first(this.ws, ['drain', 'close']);
    if (this.streamError !== undefined) throw writeError(this.path, this.label, this.streamError);
  }

  /** Flushes and renames the temporary file over the target. */
  async commit(): Promise<void> {
    try {
      if (this.streamError === undefined) {
        this.ws.end();
        await first(this.ws, ['finish', 'close']);
      }
      if (this.streamError !== undefined) throw writeError(this.path, this.label, this.streamError);
      try {
        await rename(this.tmp, this.path);
      } catch (e) {
        throw writeError(this.path, this.label, e);
      }
      live.delete(this.tmp);
      this.done = true;
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /** Drops the temporary file; the target is left as it was. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    if (!this.ws.destroyed) {
      this.ws.destroy();
      await once(this.ws, 'close').catch(() => undefined);
    }
    await unlink(this.tmp).catch(() => undefined);
    live.delete(this.tmp);
  }
}

/** Writes `text` to `path` atomically (see {@link AtomicFile}); `label` names the option in errors. */
export async function writeFileAtomic(path: string, text: string | Uint8Array, label = 'output'): Promise<void> {
  const f = await AtomicFile.open(path, label);
  try {
    await f.write(text);
  } catch (e) {
    await f.abort();
    throw e;
  }
  await f.commit();
}
