import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HRCError, ValidationError, WorkerError } from '../core/errors.js';
import type { WorkerScript } from './worker-url.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** What a pool worker sends back for a task. */
export type WorkerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: SerializedError };

/** An error crossing a thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  issues?: { path: (string | number)[]; message: string }[];
}

/** Turns an error into a plain object that survives structured cloning. */
export function serializeError(e: unknown): SerializedError {
  const err = e as Error & { code?: string; issues?: { path: (string | number)[]; message: string }[] };
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(e),
    ...(typeof err?.code === 'string' ? { code: err.code } : {}),
    ...(Array.isArray(err?.issues) ? { issues: err.issues } : {}),
  };
}

function reviveError(s: SerializedError): Error {
  if (s.code === 'VALIDATION' && s.issues !== undefined) return new ValidationError(s.issues);
  if (s.code !== undefined) {
    const e = new HRCError(s.code as HRCError['code'], s.message);
    e.name = s.name;
    return e;
  }
  const e = new Error(s.message);
  e.name = s.name;
  return e;
}

/** The first stack frame of `stack` with a file and line: where a worker's error was thrown. */
export function whereThrown(stack: string | undefined): { file?: string; line?: number } {
  for (const frame of (stack ?? '').split('\n').slice(1)) {
    const m = /\(?((?:file|node):[^\s()]+|\/[^\s():]+):(\d+):\d+\)?\s*$/.exec(frame);
    if (m === null || (m[1] as string).startsWith('node:')) continue;
    const f = m[1] as string;
    return { file: f.startsWith('file:') ? fileURLToPath(f) : f, line: Number(m[2]) };
  }
  return {};
}

/** A worker's crash as a {@link WorkerError}; `role` names the worker in the message (`'scoring'`). */
function crashError(e: unknown, role: string): WorkerError {
  const err = e as Error & { code?: string };
  if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY')
    return new WorkerError(`a ${role} worker ran out of memory`, {}, { cause: e });
  return new WorkerError(`a ${role} worker failed: ${err?.message ?? String(e)}`, whereThrown(err?.stack), {
    cause: e,
  });
}

/**
 * A fixed set of worker threads running one script. Tasks go to the worker with the fewest tasks in flight;
 * each task's promise settles with that task's reply, so callers can keep results in submission order by awaiting
 * the promises in order.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly inFlight: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  /**
   * `script`: a module URL, or a {@link WorkerScript} (see `workerScript`); `role` names the workers in crash
   * messages ("a scoring worker failed: ...").
   */
  constructor(script: URL | WorkerScript, workerData: unknown, size: number, role = 'scoring') {
    const s: WorkerScript = script instanceof URL ? { script, eval: false, module: script } : script;
    for (let w = 0; w < size; w++) {
      const worker = new Worker(s.script, { workerData, eval: s.eval });
      this.inFlight.push(0);
      worker.on('message', (msg: WorkerReply) => {
        this.inFlight[w] = (this.inFlight[w] as number) - 1;
        const p = this.pending.get(msg.id);
        if (p === undefined) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(reviveError(msg.error));
      });
      worker.on('error', (e) => this.fail(crashError(e, role)));
      worker.on('exit', (code) => {
        if (!this.closing)
          this.fail(
            new WorkerError(`a ${role} worker exited with code ${code} before its tasks were done`, { exitCode: code }),
          );
      });
      this.workers.push(worker);
    }
  }

  /** Why the pool stopped working, if it did (every later task is rejected with it). */
  get error(): Error | undefined {
    return this.failure;
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Sends a task; `transfer` lists buffers to move rather than copy. */
  run<T>(task: unknown, transfer: readonly ArrayBuffer[] = []): Promise<T> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let w = 0;
    for (let k = 1; k < this.workers.length; k++)
      if ((this.inFlight[k] as number) < (this.inFlight[w] as number)) w = k;
    const id = this.nextId++;
    this.inFlight[w] = (this.inFlight[w] as number) + 1;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      (this.workers[w] as Worker).postMessage({ id, task }, transfer as ArrayBuffer[]);
    });
  }

  /** Stops every worker; tasks still in flight are dropped (their promises never settle). */
  async close(): Promise<void> {
    this.closing = true;
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
