import { ValidationError } from '../core/errors.js';
import { isNode } from '../core/runtime.js';
import {
  CSVDecoder,
  type CSVEncoding,
  type CSVRecord,
  CSVTokenizer,
  checkCSVEncoding,
  checkHeader,
  parseCSVRecords,
} from './csv-grammar.js';

export type { CSVEncoding, CSVRecord } from './csv-grammar.js';

import type { RCTDataset } from './dataset.js';
import type { RawValue } from './encoding.js';
import type { TrialSchema } from './schema.js';
import { TableBuilder } from './table.js';

/**
 * A CSV source. Under Node: a file path (string or `file:` URL) or a Node readable stream. Anywhere (browsers
 * included): a `Blob`/`File`, a web `ReadableStream` of bytes or text, or any (async) iterable of text or byte
 * chunks, e.g. `[csvText]` for text already in memory.
 */
export type CSVSource =
  | string
  | URL
  | NodeJS.ReadableStream
  | Blob
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/**
 * Every record of a complete CSV text as arrays of strings, by the library's tokenizer (RFC 4180 quoting, CRLF or
 * LF, a leading BOM dropped, blank lines skipped; no header handling, ragged records kept as they are). Malformed
 * quoting is a ValidationError naming the line of `text`.
 */
export function parseCSVText(text: string, delimiter = ','): string[][] {
  const records = parseCSVRecords(text, delimiter);
  const out: string[][] = new Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = (records[i] as CSVRecord).values as string[];
  return out;
}

/** Options of {@link readCSVRecords}. */
export interface ReadCSVOptions {
  /** Field delimiter. @default ',' */
  delimiter?: string;
  /**
   * Text encoding of byte sources. Bytes that are not valid UTF-8 are an error naming the line unless this is
   * `'latin1'` (read as windows-1252). Text chunks are used as they are. @default 'utf-8'
   */
  encoding?: CSVEncoding;
}

/**
 * Streams a CSV source's records: quote-aware (quoted commas and newlines), CRLF, LF or CR line ends, a UTF-8 BOM,
 * blank lines skipped. Yields the header first via `onHeader`, then each data record. Ragged rows, a column name
 * given twice in the header and bytes that are not valid UTF-8 are ValidationErrors naming the line.
 */
export async function* readCSVRecords(
  source: CSVSource,
  onHeader: (header: readonly string[]) => void,
  options: ReadCSVOptions = {},
): AsyncGenerator<CSVRecord> {
  const tokenizer = new CSVTokenizer(options.delimiter ?? ',');
  const decoder = new CSVDecoder(checkCSVEncoding(options.encoding, ['encoding']));
  let header: string[] | undefined;
  function* take(records: CSVRecord[]): Generator<CSVRecord> {
    for (const rec of records) {
      if (header === undefined) {
        header = rec.values.map((h) => h.trim());
        checkHeader(header);
        onHeader(header);
        continue;
      }
      if (rec.values.length !== header.length) {
        throw new ValidationError({
          path: ['line', rec.line],
          message: `expected ${header.length} fields as in the header, got ${rec.values.length}`,
        });
      }
      yield rec;
    }
  }
  for await (const chunk of chunksOf(source)) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, tokenizer.currentLine, tokenizer.inQuotes);
    yield* take(tokenizer.push(text));
  }
  yield* take(tokenizer.push(decoder.decode(new Uint8Array(0), tokenizer.currentLine, tokenizer.inQuotes, false)));
  yield* take(tokenizer.end());
  if (header === undefined)
    throw new ValidationError({ path: ['file'], message: 'the file is empty; expected a header line' });
}

/** The chunks of a source. Node's `fs` is used only for a path, and only under Node (never bundled). */
async function* chunksOf(source: CSVSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string' || source instanceof URL) {
    if (!isNode()) {
      throw new ValidationError({
        path: ['file', String(source)],
        message: 'file paths can be read only under Node; in a browser pass a File/Blob, a ReadableStream or [text]',
      });
    }
    // process.getBuiltinModule (Node >= 20.16) rather than an import, so that no bundler sees node:fs.
    const fs = process.getBuiltinModule('node:fs');
    try {
      await fs.promises.access(source, fs.constants.R_OK);
    } catch (e) {
      throw new ValidationError(
        { path: ['file', String(source)], message: 'cannot be read (does it exist?)' },
        { cause: e },
      );
    }
    yield* fs.createReadStream(source) as AsyncIterable<Uint8Array>;
    return;
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    yield* readWebStream(source.stream());
    return;
  }
  if (typeof (source as ReadableStream).getReader === 'function') {
    yield* readWebStream(source as ReadableStream<Uint8Array | string>);
    return;
  }
  if (typeof source === 'object' && source !== null) {
    if (Symbol.asyncIterator in source) {
      yield* source as AsyncIterable<string | Uint8Array>;
      return;
    }
    if (Symbol.iterator in source) {
      yield* source as Iterable<string | Uint8Array>;
      return;
    }
  }
  throw new ValidationError({
    path: ['source'],
    message: 'expected a file path, a Node or web stream, a Blob or an iterable of text or byte chunks',
  });
}

/** Reads a web ReadableStream through its reader (async iteration of web streams is missing in some browsers). */
async function* readWebStream(stream: ReadableStream<Uint8Array | string>): AsyncGenerator<string | Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    while (true) {
      const r = await reader.read();
      if (r.done) {
        done = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** Options for {@link loadCSV}. */
export interface LoadCSVOptions extends ReadCSVOptions {
  /** Called every `progressEvery` rows with the number read so far. */
  onRows?: (rows: number) => void;
  /** @default 100000 */
  progressEvery?: number;
  /** Receives notes about the data that are not errors, e.g. rare categories pooled (see `maxCategories`). */
  onWarning?: (message: string) => void;
}

/**
 * Loads a randomized trial from a CSV file or stream into an {@link RCTDataset}, streaming (the file is never held
 * in memory as text). Errors name the line and column: unparseable numbers, ragged rows, unknown columns (with the
 * columns seen), treatment values not in the schema, a control arm or arm with no rows, NaN/Infinity, negative
 * costs, an empty file. Works in browsers too, from a `File` (e.g. an `<input type="file">`), a `fetch` body or
 * `[text]`; file paths need Node.
 *
 * @example
 * ```ts
 * import { loadCSV, hillstromSchema } from 'hrc-budget';
 * const data = await loadCSV('hillstrom.csv', hillstromSchema);
 * console.log(data.n, data.treatmentNames); // 64000 [ 'No E-Mail', 'Mens E-Mail', 'Womens E-Mail' ]
 * // In a browser: await loadCSV(fileInput.files[0], hillstromSchema) or await loadCSV((await fetch(url)).body, schema)
 * ```
 */
export async function loadCSV(
  source: CSVSource,
  schema: TrialSchema,
  options: LoadCSVOptions = {},
): Promise<RCTDataset> {
  let builder: TableBuilder | undefined;
  const every = options.progressEvery ?? 100_000;
  const records = readCSVRecords(
    source,
    (header) => {
      builder = new TableBuilder(header, schema, options.onWarning);
    },
    {
      ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
      ...(options.encoding !== undefined ? { encoding: options.encoding } : {}),
    },
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
