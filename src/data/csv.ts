import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ValidationError } from '../core/errors.js';
import type { RctDataset } from './dataset.js';
import type { RawValue } from './encoding.js';
import type { TrialSchema } from './schema.js';
import { TableBuilder } from './table.js';

/** A CSV source: a file path, a Node readable stream, or any async iterable of text or byte chunks. */
export type CsvSource = string | NodeJS.ReadableStream | AsyncIterable<string | Uint8Array>;

/** One parsed CSV data record with the line it ended on (1-based; the header is line 1). */
export interface CsvRecord {
  readonly values: readonly string[];
  readonly line: number;
}

/**
 * Streams a CSV file's records: quote-aware (quoted commas and newlines), CRLF or LF, a UTF-8 BOM, blank lines
 * skipped. Yields the header first via `onHeader`, then each data record. Ragged rows are a ValidationError
 * naming the line.
 */
export async function* readCsvRecords(
  source: CsvSource,
  onHeader: (header: readonly string[]) => void,
  options: { delimiter?: string } = {},
): AsyncGenerator<CsvRecord> {
  const input = await openSource(source);
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    delimiter: options.delimiter ?? ',',
    info: true,
  });
  const stream = (input as NodeJS.ReadableStream).pipe(parser);
  let header: string[] | undefined;
  try {
    for await (const item of stream as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (header === undefined) {
        header = record.map((h) => h.trim());
        onHeader(header);
        continue;
      }
      if (record.length === 1 && record[0]?.trim() === '') continue;
      if (record.length !== header.length) {
        throw new ValidationError({
          path: ['line', info.lines],
          message: `expected ${header.length} fields as in the header, got ${record.length}`,
        });
      }
      yield { values: record, line: info.lines };
    }
  } catch (e) {
    if (e instanceof ValidationError) throw e;
    const err = e as { code?: string; lines?: number; message?: string };
    if (typeof err.code === 'string' && err.code.startsWith('CSV_')) {
      throw new ValidationError(
        { path: ['line', err.lines ?? 0], message: `malformed CSV: ${err.message}` },
        { cause: e },
      );
    }
    throw e;
  } finally {
    (input as { destroy?: () => void }).destroy?.();
  }
  if (header === undefined)
    throw new ValidationError({ path: ['file'], message: 'the file is empty; expected a header line' });
}

async function openSource(source: CsvSource): Promise<NodeJS.ReadableStream> {
  if (typeof source === 'string') {
    const fs = await import('node:fs');
    try {
      await fs.promises.access(source, fs.constants.R_OK);
    } catch (e) {
      throw new ValidationError({ path: ['file', source], message: 'cannot be read (does it exist?)' }, { cause: e });
    }
    return fs.createReadStream(source);
  }
  if (typeof (source as NodeJS.ReadableStream).pipe === 'function') return source as NodeJS.ReadableStream;
  return Readable.from(source as AsyncIterable<string | Uint8Array>);
}

/** Options for {@link loadCsv}. */
export interface LoadCsvOptions {
  /** Field delimiter. @default ',' */
  delimiter?: string;
  /** Called every `progressEvery` rows with the number read so far. */
  onRows?: (rows: number) => void;
  /** @default 100000 */
  progressEvery?: number;
}

/**
 * Loads a randomized trial from a CSV file or stream into an {@link RctDataset}, streaming (the file is never held
 * in memory as text). Errors name the line and column: unparseable numbers, ragged rows, unknown columns (with the
 * columns seen), treatment values not in the schema, a control arm or arm with no rows, NaN/Infinity, negative
 * costs, an empty file.
 *
 * @example
 * ```ts
 * import { loadCsv, hillstromSchema } from 'hrc-budget';
 * const data = await loadCsv('hillstrom.csv', hillstromSchema);
 * console.log(data.n, data.treatmentNames); // 64000 [ 'No E-Mail', 'Mens E-Mail', 'Womens E-Mail' ]
 * ```
 */
export async function loadCsv(
  source: CsvSource,
  schema: TrialSchema,
  options: LoadCsvOptions = {},
): Promise<RctDataset> {
  let builder: TableBuilder | undefined;
  const every = options.progressEvery ?? 100_000;
  const records = readCsvRecords(
    source,
    (header) => {
      builder = new TableBuilder(header, schema);
    },
    options.delimiter !== undefined ? { delimiter: options.delimiter } : {},
  );
  for await (const rec of records) {
    const b = builder as TableBuilder;
    const values = rec.values;
    b.add((i) => values[i] as RawValue, { unit: 'line', at: rec.line });
    if (options.onRows !== undefined && b.rowCount % every === 0) options.onRows(b.rowCount);
  }
  if (builder === undefined)
    throw new ValidationError({ path: ['file'], message: 'the file is empty; expected a header line' });
  return builder.finish();
}
