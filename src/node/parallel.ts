import { availableParallelism } from 'node:os';
import { ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
import type { AllocationPolicy } from '../policy/policy.js';
import { WorkerPool } from './pool.js';
import type { RangeTask } from './score-worker.js';
import { scoreWorkerScript } from './worker-url.js';

/** Options of {@link ParallelScorer.create}. */
export interface ParallelScorerOptions {
  /** Worker threads. @default the machine's available parallelism */
  workers?: number;
  /** Rows per task. @default 262144 */
  taskRows?: number;
}

/**
 * Scores large feature matrices with an {@link AllocationPolicy} on several worker threads (Node only). Features
 * go to the workers through a SharedArrayBuffer (pass one to avoid the copy); each worker holds its own copy of
 * the policy.
 *
 * @example
 * ```ts
 * const scorer = await ParallelScorer.create(policy, { workers: 2 });
 * const arms = await scorer.decideBatch(X, { perUser: 0.5 });
 * await scorer.close();
 * ```
 */
export class ParallelScorer {
  private constructor(
    private readonly pool: WorkerPool,
    private readonly d: number,
    private readonly taskRows: number,
  ) {}

  /** Starts the workers. */
  static async create(policy: AllocationPolicy, options: ParallelScorerOptions = {}): Promise<ParallelScorer> {
    const workers = options.workers ?? Math.max(1, availableParallelism());
    if (!Number.isInteger(workers) || workers < 1) {
      throw new ValidationError({ path: ['workers'], message: `expected a positive integer, got ${workers}` });
    }
    const taskRows = options.taskRows ?? 262_144;
    const pool = new WorkerPool(scoreWorkerScript(), { policy: policy.toJSON() }, workers);
    return new ParallelScorer(pool, policy.d, taskRows);
  }

  /** Arms for every row of `X` (row-major `n * d`). */
  async decideBatch(X: Float32Array, budget: Budget): Promise<Int32Array> {
    const b = checkBudget(budget);
    const d = this.d;
    if (!(X instanceof Float32Array) || X.length % d !== 0) {
      throw new ValidationError({ path: ['X'], message: `expected a Float32Array whose length is a multiple of ${d}` });
    }
    const n = X.length / d;
    let shared: SharedArrayBuffer;
    if (X.buffer instanceof SharedArrayBuffer && X.byteOffset === 0) shared = X.buffer;
    else {
      shared = new SharedArrayBuffer(X.byteLength);
      new Float32Array(shared).set(X);
    }
    const out = new SharedArrayBuffer(n * 4);
    const tasks: Promise<number>[] = [];
    for (let start = 0; start < n; start += this.taskRows) {
      const task: RangeTask = {
        type: 'range',
        features: shared,
        out,
        start,
        end: Math.min(n, start + this.taskRows),
        budget: b,
      };
      tasks.push(this.pool.run<number>(task));
    }
    await Promise.all(tasks);
    return new Int32Array(out);
  }

  /** Stops the workers. */
  close(): Promise<void> {
    return this.pool.close();
  }
}
