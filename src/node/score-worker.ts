/**
 * Worker thread of the parallel scorers: holds one AllocationPolicy and answers range and CSV-chunk tasks.
 * Started by {@link ParallelScorer} and {@link assignCsv}; not meant to be imported.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { shownValue } from '../core/errors.js';
import type { Budget } from '../core/types.js';
import { CsvDecoder, type CsvEncoding, parseCsvRecords } from '../data/csv-grammar.js';
import { type ColumnEncoding, type UnknownCategory, unknownCategory } from '../data/encoding.js';
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
export interface CsvTask {
  type: 'csv';
  bytes: Uint8Array;
  /** File line number of the chunk's first byte. */
  line: number;
  budget: Budget;
}

/** Layout of the CSV being scored, fixed for the whole file. */
export interface CsvLayout {
  /** Number of fields per record. */
  width: number;
  /** Header index of each encoding column. */
  columnIndex: number[];
  /** Header index of the id column, or -1 to number rows. */
  idIndex: number;
  delimiter: string;
  encoding: CsvEncoding;
  /** A categorical value the policy does not know (and has no `(other)` column for). */
  onUnknown: UnknownCategory;
}

/** Result of a CSV task: formatted lines (when ids come from a column) or arms (when rows are numbered). */
export type CsvResult =
  | { ok: true; count: number; counts: number[]; text?: Uint8Array; arms?: Int32Array }
  | { ok: false; line: number; column?: string; message: string };

const data = workerData as { policy: unknown; layout?: CsvLayout };
const policy = AllocationPolicy.fromJSON(data.policy);
const layout = data.layout;
const columns: readonly ColumnEncoding[] =
  policy.encoding?.columns ?? policy.featureNames.map((name) => ({ name, kind: 'numeric' as const }));
const encoder = new TextEncoder();
const quotedNames = policy.treatmentNames.map(csvField);

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function runRange(t: RangeTask): number {
  const d = policy.d;
  const x = new Float32Array(t.features, t.start * d * 4, (t.end - t.start) * d);
  const out = new Int32Array(t.out, t.start * 4, t.end - t.start);
  decideRows(policy, x, t.budget, out);
  return t.end - t.start;
}

function runCsv(t: CsvTask): CsvResult {
  const L = layout as CsvLayout;
  const text = new CsvDecoder(L.encoding).decode(t.bytes, t.line, false, false);
  const parsed = parseCsvRecords(text, L.delimiter, t.line);
  const n = parsed.length;
  const records: (readonly string[])[] = new Array(n);
  for (let r = 0; r < n; r++) records[r] = (parsed[r] as { values: readonly string[] }).values;
  const lineOf = (r: number) => (parsed[r] as { line: number }).line;
  const d = policy.d;
  const x = new Float32Array(n * d);
  for (let r = 0; r < n; r++) {
    const rec = records[r] as string[];
    if (rec.length !== L.width)
      return { ok: false, line: lineOf(r), message: `expected ${L.width} fields as in the header, got ${rec.length}` };
    let k = r * d;
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c] as ColumnEncoding;
      const raw = (rec[L.columnIndex[c] as number] as string).trim();
      if (col.kind === 'numeric') {
        const v = raw === '' ? Number.NaN : Number(raw);
        if (Number.isFinite(v)) x[k++] = v;
        else if (raw === '' && col.fill !== undefined) x[k++] = col.fill;
        else
          return {
            ok: false,
            line: lineOf(r),
            column: col.name,
            message:
              raw === '' ? 'missing value; expected a number' : `expected a finite number, got ${shownValue(raw)}`,
          };
      } else {
        let hit = false;
        for (const cat of col.categories) {
          const on = cat === raw;
          hit ||= on;
          x[k++] = on ? 1 : 0;
        }
        if (col.other === true) x[k++] = hit ? 0 : 1;
        else if (!hit && L.onUnknown === 'error') {
          const e = unknownCategory(col.name, raw, col.categories, []);
          return { ok: false, line: lineOf(r), column: col.name, message: e.message };
        }
      }
    }
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

parentPort?.on('message', (msg: { id: number; task: RangeTask | CsvTask }) => {
  try {
    const result = msg.task.type === 'range' ? runRange(msg.task) : runCsv(msg.task);
    const transfer: ArrayBuffer[] = [];
    if (typeof result === 'object' && result.ok) {
      if (result.text !== undefined) transfer.push(result.text.buffer as ArrayBuffer);
      if (result.arms !== undefined) transfer.push(result.arms.buffer as ArrayBuffer);
    }
    parentPort?.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, ok: false, error: serializeError(e) });
  }
});
