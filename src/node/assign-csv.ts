import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
import { parseCsvText } from '../data/csv.js';
import type { AllocationPolicy } from '../policy/policy.js';
import { csvChunks } from './chunks.js';
import { WorkerPool } from './pool.js';
import type { CsvLayout, CsvResult, CsvTask } from './score-worker.js';
import { scoreWorkerUrl } from './worker-url.js';

/** Options of {@link assignCsv}. */
export interface AssignCsvOptions {
  /** The CSV of users to score; its header must hold every raw feature column of the policy. */
  input: string;
  /** Where to write `id,treatment` (written to a temporary file in the same folder, then renamed). */
  output: string;
  budget: Budget;
  /** Column holding the user id; without it the id is the 0-based row number. */
  idColumn?: string;
  /** Worker threads. @default the machine's available parallelism */
  workers?: number;
  /** Bytes of CSV per task. @default 4 MiB */
  chunkBytes?: number;
  /** @default ',' */
  delimiter?: string;
  /** Called after each chunk with the rows written so far. */
  onProgress?: (rows: number) => void;
}

/** What {@link assignCsv} returns. */
export interface AssignCsvResult {
  readonly rows: number;
  /** Users given each arm, by arm index. */
  readonly armCounts: readonly number[];
}

/**
 * Scores a CSV file of users with a policy and writes `id,treatment` (treatment by name), streaming: the file is
 * cut into chunks of whole records, parsed, encoded and scored on worker threads, and written in order. Memory
 * stays bounded by the chunk size times the tasks in flight, whatever the file size. The output appears only when
 * complete (temporary file + rename); on error nothing is left behind.
 *
 * @example
 * ```ts
 * await assignCsv(policy, { input: 'users.csv', output: 'decisions.csv', budget: { perUser: 0.5 }, idColumn: 'id' });
 * ```
 */
export async function assignCsv(policy: AllocationPolicy, options: AssignCsvOptions): Promise<AssignCsvResult> {
  const budget = checkBudget(options.budget);
  policy.planFor(budget); // fail fast on an infeasible budget
  const workers = options.workers ?? Math.max(1, availableParallelism());
  const delimiter = options.delimiter ?? ',';
  const tmp = join(dirname(options.output), `.${basename(options.output)}.${process.pid}.${Date.now()}.tmp`);
  const ws = createWriteStream(tmp);
  // A write still in flight when the stream is destroyed on error reports ERR_STREAM_DESTROYED: keep it off the
  // process-wide uncaught path and surface any other stream error at the next write or at the end.
  let streamError: Error | undefined;
  ws.on('error', (e) => {
    streamError ??= e;
  });
  let pool: WorkerPool | undefined;
  const counts = new Array<number>(policy.treatmentNames.length).fill(0);
  const names = policy.treatmentNames.map((s) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s));
  let rows = 0;
  const inFlight: Promise<CsvResult>[] = [];
  const write = async (chunk: string | Uint8Array) => {
    if (streamError !== undefined) throw streamError;
    if (!ws.write(chunk)) await once(ws, 'drain');
  };
  try {
    const drainOne = async () => {
      const res = (await inFlight.shift()) as CsvResult;
      if (!res.ok) {
        throw new ValidationError({
          path: ['data row', rows + res.row, ...(res.column !== undefined ? ['column', res.column] : [])],
          message: res.message,
        });
      }
      if (res.text !== undefined) {
        await write(res.text);
      } else if (res.arms !== undefined) {
        const lines: string[] = new Array(res.count);
        for (let r = 0; r < res.count; r++) {
          lines[r] = `${rows + r},${names[res.arms[r] as number]}\n`;
        }
        await write(lines.join(''));
      }
      for (let a = 0; a < counts.length; a++) counts[a] = (counts[a] as number) + (res.counts[a] as number);
      rows += res.count;
      options.onProgress?.(rows);
    };
    for await (const piece of csvChunks(options.input, options.chunkBytes ?? 4 << 20)) {
      if ('header' in piece) {
        const layout = csvLayout(policy, piece.header, options.idColumn, delimiter);
        pool = new WorkerPool(scoreWorkerUrl(), { policy: policy.toJSON(), layout }, workers);
        await write(`${options.idColumn ?? 'id'},treatment\n`);
        continue;
      }
      const task: CsvTask = { type: 'csv', bytes: piece.bytes, budget };
      inFlight.push((pool as WorkerPool).run<CsvResult>(task, [piece.bytes.buffer as ArrayBuffer]));
      if (inFlight.length >= 2 * workers) await drainOne();
    }
    if (pool === undefined)
      throw new ValidationError({
        path: ['file', options.input],
        message: 'the file is empty; expected a header line',
      });
    while (inFlight.length > 0) await drainOne();
    ws.end();
    await once(ws, 'finish');
    if (streamError !== undefined) throw streamError;
    await rename(tmp, options.output);
    return { rows, armCounts: counts };
  } catch (e) {
    for (const p of inFlight) p.catch(() => undefined);
    if (!ws.destroyed) {
      ws.destroy();
      await once(ws, 'close').catch(() => undefined);
    }
    await unlink(tmp).catch(() => undefined);
    throw e;
  } finally {
    await pool?.close();
  }
}

function csvLayout(
  policy: AllocationPolicy,
  headerBytes: Uint8Array,
  idColumn: string | undefined,
  delimiter: string,
): CsvLayout {
  const text = new TextDecoder().decode(headerBytes).replace(/^\uFEFF/, '');
  const header = (parseCsvText(text, delimiter)[0] ?? []).map((h) => h.trim());
  const seen = new Map<string, number>();
  for (const [i, h] of header.entries()) seen.set(h, i);
  const columns = policy.encoding?.columns.map((c) => c.name) ?? policy.featureNames;
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new ValidationError({
      path: ['header'],
      message: `missing feature column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `'${c}'`).join(', ')}; columns seen: ${header.map((h) => `'${h}'`).join(', ')}`,
    });
  }
  let idIndex = -1;
  if (idColumn !== undefined) {
    const i = seen.get(idColumn);
    if (i === undefined)
      throw new ValidationError({
        path: ['--id', idColumn],
        message: `column not found; columns seen: ${header.map((h) => `'${h}'`).join(', ')}`,
      });
    idIndex = i;
  }
  return { width: header.length, columnIndex: columns.map((c) => seen.get(c) as number), idIndex, delimiter };
}
