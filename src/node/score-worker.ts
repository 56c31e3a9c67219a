/**
 * Worker thread of the parallel scorers: holds one AllocationPolicy and answers range and CSV-chunk tasks.
 * Started by {@link ParallelScorer} and {@link assignCSV}; not meant to be imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ValidationError } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { CSVDecoder, type CSVEncoding, csvField, parseCSVRecords } from '../data/csv-grammar.js';
import { type ColumnEncoding, encodeColumn, type UnknownCategory } from '../data/encoding.js';
import { AllocationPolicy } from '../policy/policy.js';
import { decideRows } from './decide-rows.js';
import { serializeError } from './pool.js';

/** Scores rows [start, end) of a shared feature matrix into a shared output. */
export interface RangeTask {
  type: 'range';
  features: SharedArrayBuffer;
  out: SharedArrayBuffer;
  start: number;
  end: number;
  budget: Budget;
}

/** Parses, encodes and scores one chunk of whole CSV records. */
export interface CSVTask {
  type: 'csv';
  bytes: Uint8Array;
  /** File line number of the chunk's first byte. */
  line: number;
  budget: Budget;
}

/** Asks the worker which module it runs (its `import.meta.url`). */
export interface InfoTask {
  type: 'info';
}

/** Layout of the CSV being scored, fixed for the whole file. */
export interface CSVLayout {
  /** Number of fields per record. */
  width: number;
  /** Header index of each encoding column. */
  columnIndex: number[];
  /** Header index of the id column, or -1 to number rows. */
  idIndex: number;
  delimiter: string;
  encoding: CSVEncoding;
  /** A categorical value the policy does not know (and has no `(other)` column for). */
  onUnknown: UnknownCategory;
}

/** Result of a CSV task: formatted lines (when ids come from a column) or arms (when rows are numbered). */
export type CSVResult =
  | { ok: true; count: number; counts: number[]; text?: Uint8Array; arms?: Int32Array }
  | { ok: false; line: number; column?: string; message: string };

const data = workerData as { policy: unknown; layout?: CSVLayout };
const policy = AllocationPolicy.fromJSON(data.policy);
const layout = data.layout;
const columns: readonly ColumnEncoding[] =
  policy.encoding?.columns ?? policy.featureNames.map((name) => ({ name, kind: 'numeric' as const }));
const encoder = new TextEncoder();
const quotedNames = policy.treatmentNames.map(csvField);

function runRange(t: RangeTask): number {
  const d = policy.d;
  const x = new Float32Array(t.features, t.start * d * 4, (t.end - t.start) * d);
  const out = new Int32Array(t.out, t.start * 4, t.end - t.start);
  decideRows(policy, x, t.budget, out);
  return t.end - t.start;
}

function runCSV(t: CSVTask): CSVResult {
  const L = layout as CSVLayout;
  const text = new CSVDecoder(L.encoding).decode(t.bytes, t.line, false, false);
  const parsed = parseCSVRecords(text, L.delimiter, t.line);
  const n = parsed.length;
  const records: (readonly string[])[] = new Array(n);
  for (let r = 0; r < n; r++) records[r] = (parsed[r] as { values: readonly string[] }).values;
  const lineOf = (r: number) => (parsed[r] as { line: number }).line;
  const d = policy.d;
  const x = new Float32Array(n * d);
  let r = 0;
  try {
    for (; r < n; r++) {
      const rec = records[r] as string[];
      if (rec.length !== L.width)
        return {
          ok: false,
          line: lineOf(r),
          message: `expected ${L.width} fields as in the header, got ${rec.length}`,
        };
      let k = r * d;
      for (let c = 0; c < columns.length; c++)
        k = encodeColumn(columns[c] as ColumnEncoding, rec[L.columnIndex[c] as number], x, k, L.onUnknown);
    }
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const issue = e.issues[0];
    return { ok: false, line: lineOf(r), column: String(issue?.path[1]), message: issue?.message ?? e.message };
  }
  const arms = decideRows(policy, x, t.budget, new Int32Array(n));
  const counts = new Array<number>(policy.treatmentNames.length).fill(0);
  for (let r = 0; r < n; r++) counts[arms[r] as number] = (counts[arms[r] as number] as number) + 1;
  if (L.idIndex < 0) return { ok: true, count: n, counts, arms };
  const lines: string[] = new Array(n);
  for (let r = 0; r < n; r++)
    lines[r] = `${csvField((records[r] as string[])[L.idIndex] as string)},${quotedNames[arms[r] as number]}\n`;
  return { ok: true, count: n, counts, text: encoder.encode(lines.join('')) };
}

parentPort?.on('message', (msg: { id: number; task: RangeTask | CSVTask | InfoTask }) => {
  try {
    const t = msg.task;
    const result = t.type === 'info' ? { url: import.meta.url } : t.type === 'range' ? runRange(t) : runCSV(t);
    const transfer: ArrayBuffer[] = [];
    if (typeof result === 'object' && 'ok' in result && result.ok) {
      if (result.text !== undefined) transfer.push(result.text.buffer as ArrayBuffer);
      if (result.arms !== undefined) transfer.push(result.arms.buffer as ArrayBuffer);
    }
    parentPort?.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: serializeError(e) });
  }
});
