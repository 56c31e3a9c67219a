import { ValidationError } from '../core/errors.js';
import type { RctDataset } from './dataset.js';
import type { RawValue } from './encoding.js';
import type { TrialSchema } from './schema.js';
import { TableBuilder } from './table.js';

/**
 * A CSV source. Under Node: a file path (string or `file:` URL) or a Node readable stream. Anywhere (browsers
 * included): a `Blob`/`File`, a web `ReadableStream` of bytes or text, or any (async) iterable of text or byte
 * chunks, e.g. `[csvText]` for text already in memory.
 */
export type CsvSource =
  | string
  | URL
  | NodeJS.ReadableStream
  | Blob
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<string | Uint8Array>
  | Iterable<string | Uint8Array>;

/** One parsed CSV data record with the line it ended on (1-based; the header is line 1). */
export interface CsvRecord {
  readonly values: readonly string[];
  readonly line: number;
}

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** Saw a quote inside a quoted field: the next character decides between an escaped quote and the closing one. */
const QUOTE_IN_QUOTED = 3;
type State = 0 | 1 | 2 | 3;

/**
 * A push tokenizer for RFC 4180 CSV text arriving in chunks of any size: quoted fields (with delimiters, newlines
 * and `""` inside), CRLF, LF or CR line ends, and a leading BOM. No Node built-ins, so the same code reads files
 * under Node and `File`s in a browser. Blank lines are skipped.
 */
class CsvTokenizer {
  private state: State = FIELD_START;
  private field = '';
  private fieldQuoted = false;
  private record: string[] = [];
  private line = 1;
  private quoteLine = 1;
  private skipLf = false;
  private first = true;
  private readonly delim: string;

  constructor(delimiter: string) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new ValidationError({
        path: ['delimiter'],
        message: `expected one character other than a quote or a line end, got ${JSON.stringify(delimiter)}`,
      });
    }
    this.delim = delimiter;
  }

  /** Tokenizes a chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let s = chunk;
    if (this.first && s.length > 0) {
      this.first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const delim = this.delim;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const c = s[i] as string;
      if (this.skipLf) {
        this.skipLf = false;
        if (c === '\n') {
          i++;
          continue;
        }
      }
      switch (this.state) {
        case FIELD_START:
        case UNQUOTED: {
          if (c === delim) {
            this.endField();
            i++;
          } else if (c === '\n' || c === '\r') {
            this.endField();
            this.endRecord(out);
            this.line++;
            this.skipLf = c === '\r';
            i++;
          } else if (c === '"') {
            if (this.state === UNQUOTED) this.fail('a quote inside an unquoted field (quote the whole field)');
            this.state = QUOTED;
            this.fieldQuoted = true;
            this.quoteLine = this.line;
            i++;
          } else {
            let j = i + 1;
            while (j < n) {
              const d = s[j];
              if (d === delim || d === '\n' || d === '\r' || d === '"') break;
              j++;
            }
            this.field += s.slice(i, j);
            this.state = UNQUOTED;
            i = j;
          }
          break;
        }
        case QUOTED: {
          const q = s.indexOf('"', i);
          const end = q === -1 ? n : q;
          const part = s.slice(i, end);
          this.field += part;
          for (let k = part.indexOf('\n'); k !== -1; k = part.indexOf('\n', k + 1)) this.line++;
          if (q !== -1) this.state = QUOTE_IN_QUOTED;
          i = end + 1;
          break;
        }
        case QUOTE_IN_QUOTED: {
          if (c === '"') {
            this.field += '"';
            this.state = QUOTED;
            i++;
          } else if (c === delim || c === '\n' || c === '\r') {
            this.state = FIELD_START;
          } else {
            this.fail(`unexpected ${JSON.stringify(c)} after the closing quote of a field`);
          }
          break;
        }
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if the text did not end with a line end. */
  end(): CsvRecord[] {
    if (this.state === QUOTED) this.fail(`a quoted field opened on line ${this.quoteLine} is never closed`);
    const out: CsvRecord[] = [];
    if (this.record.length > 0 || this.state !== FIELD_START || this.field !== '') {
      this.endField();
      this.endRecord(out);
    }
    return out;
  }

  private endField(): void {
    this.record.push(this.field);
    this.field = '';
    this.state = FIELD_START;
  }

  private endRecord(out: CsvRecord[]): void {
    const r = this.record;
    this.record = [];
    const quoted = this.fieldQuoted;
    this.fieldQuoted = false;
    if (r.length === 1 && !quoted && (r[0] as string).trim() === '') return;
    out.push({ values: r, line: this.line });
  }

  private fail(message: string): never {
    throw new ValidationError({ path: ['line', this.line], message: `malformed CSV: ${message}` });
  }
}

/**
 * Every record of a complete CSV text as arrays of strings, by the library's tokenizer (RFC 4180 quoting, CRLF or
 * LF, a leading BOM dropped, blank lines skipped; no header handling, ragged records kept as they are). Malformed
 * quoting is a ValidationError naming the line of `text`.
 */
export function parseCsvText(text: string, delimiter = ','): string[][] {
  const tokenizer = new CsvTokenizer(delimiter);
  const records = tokenizer.push(text);
  for (const r of tokenizer.end()) records.push(r);
  const out: string[][] = new Array(records.length);
  for (let i = 0; i < records.length; i++) out[i] = (records[i] as CsvRecord).values as string[];
  return out;
}

/**
 * Streams a CSV source's records: quote-aware (quoted commas and newlines), CRLF or LF, a UTF-8 BOM, blank lines
 * skipped. Yields the header first via `onHeader`, then each data record. Ragged rows are a ValidationError
 * naming the line.
 */
export async function* readCsvRecords(
  source: CsvSource,
  onHeader: (header: readonly string[]) => void,
  options: { delimiter?: string } = {},
): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(options.delimiter ?? ',');
  const decoder = new TextDecoder('utf-8');
  let header: string[] | undefined;
  function* take(records: CsvRecord[]): Generator<CsvRecord> {
    for (const rec of records) {
      if (header === undefined) {
        header = rec.values.map((h) => h.trim());
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
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* take(tokenizer.push(text));
  }
  yield* take(tokenizer.push(decoder.decode()));
  yield* take(tokenizer.end());
  if (header === undefined)
    throw new ValidationError({ path: ['file'], message: 'the file is empty; expected a header line' });
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/** The chunks of a source. Node's `fs` is used only for a path, and only under Node (never bundled). */
async function* chunksOf(source: CsvSource): AsyncGenerator<string | Uint8Array> {
  if (typeof source === 'string' || source instanceof URL) {
    if (!isNode) {
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
 * costs, an empty file. Works in browsers too, from a `File` (e.g. an `<input type="file">`), a `fetch` body or
 * `[text]`; file paths need Node.
 *
 * @example
 * ```ts
 * import { loadCsv, hillstromSchema } from 'hrc-budget';
 * const data = await loadCsv('hillstrom.csv', hillstromSchema);
 * console.log(data.n, data.treatmentNames); // 64000 [ 'No E-Mail', 'Mens E-Mail', 'Womens E-Mail' ]
 * // In a browser: await loadCsv(fileInput.files[0], hillstromSchema) or await loadCsv((await fetch(url)).body, schema)
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
