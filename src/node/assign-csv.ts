import { availableParallelism } from 'node:os';
import { shownNames, ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { checkBudget } from '../core/validate.js';
import {
  CSVDecoder,
  type CSVEncoding,
  checkCSVEncoding,
  checkHeader,
  csvField,
  parseCSVRecords,
} from '../data/csv-grammar.js';
import { checkUnknownCategory, type UnknownCategory } from '../data/encoding.js';
import type { AllocationPolicy } from '../policy/policy.js';
import { AtomicFile } from './atomic.js';
import { csvChunks } from './chunks.js';
import { WorkerPool } from './pool.js';
import type { CSVLayout, CSVResult, CSVTask } from './score-worker.js';
import { scoreWorkerScript } from './worker-url.js';

/** Options of {@link assignCSV}. */
export interface AssignCSVOptions {
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
  /** Text encoding; bytes that are not valid UTF-8 are an error naming the line unless `'latin1'`. @default 'utf-8' */
  encoding?: CSVEncoding;
  /**
   * A categorical value the policy does not know, in a column without an `(other)` column: an error naming the
   * line (`'error'`) or all zeros (`'zero'`). @default 'error'
   */
  onUnknown?: UnknownCategory;
  /** Names the output in errors (a missing folder, a read-only or full disk). @default 'output' */
  outputLabel?: string;
  /** Called after each chunk with the rows written so far. */
  onProgress?: (rows: number) => void;
}

/** What {@link assignCSV} returns. */
export interface AssignCSVResult {
  readonly rows: number;
  /** Users given each arm, by arm index. */
  readonly armCounts: readonly number[];
}

/**
 * Scores a CSV file of users with a policy and writes `id,treatment` (treatment by name), streaming: the file is
 * cut into chunks of whole records (by the same CSV grammar as `loadCSV`), parsed, encoded and scored on
 * worker threads, and written in order. Memory stays bounded by the chunk size times the tasks in flight, whatever
 * the file size. The output appears only when complete (temporary file + rename); on error nothing is left behind.
 * Every error, from a worker too, is a ValidationError naming the file's line.
 *
 * @example
 * ```ts
 * await assignCSV(policy, { input: 'users.csv', output: 'decisions.csv', budget: { perUser: 0.5 }, idColumn: 'id' });
 * ```
 */
export async function assignCSV(policy: AllocationPolicy, options: AssignCSVOptions): Promise<AssignCSVResult> {
  const budget = checkBudget(options.budget);
  policy.planFor(budget); // fail fast on an infeasible budget
  const workers = options.workers ?? Math.max(1, availableParallelism());
  const delimiter = options.delimiter ?? ',';
  const encoding = checkCSVEncoding(options.encoding, ['encoding']);
  const onUnknown = checkUnknownCategory(options.onUnknown, ['onUnknown']);
  const out = await AtomicFile.open(options.output, options.outputLabel ?? 'output');
  let pool: WorkerPool | undefined;
  const counts = new Array<number>(policy.treatmentNames.length).fill(0);
  const names = policy.treatmentNames.map(csvField);
  let rows = 0;
  const inFlight: Promise<CSVResult>[] = [];
  try {
    const drainOne = async () => {
      const res = (await inFlight.shift()) as CSVResult;
      if (!res.ok) {
        throw new ValidationError({
          path: ['line', res.line, ...(res.column !== undefined ? ['column', res.column] : [])],
          message: res.message,
        });
      }
      if (res.text !== undefined) {
        await out.write(res.text);
      } else if (res.arms !== undefined) {
        const lines: string[] = new Array(res.count);
        for (let r = 0; r < res.count; r++) {
          lines[r] = `${rows + r},${names[res.arms[r] as number]}\n`;
        }
        await out.write(lines.join(''));
      }
      for (let a = 0; a < counts.length; a++) counts[a] = (counts[a] as number) + (res.counts[a] as number);
      rows += res.count;
      options.onProgress?.(rows);
    };
    for await (const piece of csvChunks(options.input, options.chunkBytes ?? 4 << 20)) {
      if ('header' in piece) {
        const layout = csvLayout(policy, piece.header, options.idColumn, delimiter, encoding, onUnknown);
        pool = new WorkerPool(scoreWorkerScript(), { policy: policy.toJSON(), layout }, workers);
        await out.write(`${options.idColumn ?? 'id'},treatment\n`);
        continue;
      }
      const task: CSVTask = { type: 'csv', bytes: piece.bytes, line: piece.line, budget };
      const p = (pool as WorkerPool).run<CSVResult>(task, [piece.bytes.buffer as ArrayBuffer]);
      // A task may fail while an earlier one is awaited: mark it handled now, report it in order.
      p.catch(() => undefined);
      inFlight.push(p);
      if (inFlight.length >= 2 * workers) await drainOne();
    }
    if (pool === undefined)
      throw new ValidationError({
        path: ['file', options.input],
        message: 'the file is empty; expected a header line',
      });
    while (inFlight.length > 0) await drainOne();
    await out.commit();
    return { rows, armCounts: counts };
  } catch (e) {
    await out.abort();
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
  encoding: CSVEncoding,
  onUnknown: UnknownCategory,
): CSVLayout {
  const text = new CSVDecoder(encoding).decode(headerBytes, 1, false, false).replace(/^\uFEFF/, '');
  const header = (parseCSVRecords(text, delimiter)[0]?.values ?? []).map((h) => h.trim());
  checkHeader(header);
  const seen = new Map<string, number>();
  for (const [i, h] of header.entries()) seen.set(h, i);
  const columns = policy.encoding?.columns.map((c) => c.name) ?? policy.featureNames;
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new ValidationError({
      path: ['header'],
      message: `missing feature column${missing.length > 1 ? 's' : ''} ${shownNames(missing)}; columns seen: ${shownNames(header)}`,
    });
  }
  let idIndex = -1;
  if (idColumn !== undefined) {
    const i = seen.get(idColumn);
    if (i === undefined)
      throw new ValidationError({
        path: ['--id', idColumn],
        message: `column not found; columns seen: ${shownNames(header)}`,
      });
    idIndex = i;
  }
  return {
    width: header.length,
    columnIndex: columns.map((c) => seen.get(c) as number),
    idIndex,
    delimiter,
    encoding,
    onUnknown,
  };
}
