import { shownValue, ValidationError } from '../core/errors.js';

/**
 * The one CSV grammar of the library: the text tokenizer every reader uses (files, streams, `File`s, worker
 * chunks) and the byte scanner that cuts files into chunks of whole records for the workers. Both end a record
 * at LF, CRLF or a lone CR outside double quotes, and count lines the same way, so a chunk parsed on its own
 * gives the records and line numbers the whole file gives.
 */

/** One parsed CSV data record with the line it ended on (1-based; the header is line 1). */
export interface CSVRecord {
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
export class CSVTokenizer {
  private state: State = FIELD_START;
  private field = '';
  private fieldQuoted = false;
  private record: string[] = [];
  private line: number;
  private quoteLine: number;
  private skipLf = false;
  private first = true;
  private readonly delim: string;

  /** `firstLine` is the line number of the first character pushed (for chunks of a larger file). */
  constructor(delimiter: string, firstLine = 1) {
    this.line = firstLine;
    this.quoteLine = firstLine;
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new ValidationError({
        path: ['delimiter'],
        message: `expected one character other than a quote or a line end, got ${JSON.stringify(delimiter)}`,
      });
    }
    this.delim = delimiter;
  }

  /** The line the tokenizer is on (1-based). */
  get currentLine(): number {
    return this.line;
  }

  /** Whether the tokenizer is inside a quoted field. */
  get inQuotes(): boolean {
    return this.state === QUOTED || this.state === QUOTE_IN_QUOTED;
  }

  /** Tokenizes a chunk; returns the records it completed. */
  push(chunk: string): CSVRecord[] {
    const out: CSVRecord[] = [];
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
  end(): CSVRecord[] {
    if (this.state === QUOTED)
      this.fail(`a quoted field opened on line ${this.quoteLine} is never closed`, this.quoteLine);
    const out: CSVRecord[] = [];
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

  private endRecord(out: CSVRecord[]): void {
    const r = this.record;
    this.record = [];
    const quoted = this.fieldQuoted;
    this.fieldQuoted = false;
    if (r.length === 1 && !quoted && (r[0] as string).trim() === '') return;
    out.push({ values: r, line: this.line });
  }

  private fail(message: string, line = this.line): never {
    throw new ValidationError({ path: ['line', line], message: `malformed CSV: ${message}` });
  }
}

const QUOTE_BYTE = 0x22;
const LF_BYTE = 0x0a;
const CR_BYTE = 0x0d;

/**
 * Finds record boundaries in CSV bytes without decoding them, by the tokenizer's rules: a record ends at LF, CRLF
 * or a lone CR outside quotes (a quote toggles quoting; `""` toggles twice), and lines are counted as the
 * tokenizer counts them (each record end, and each LF inside a quoted field). A cut after a CR is made only once
 * the next byte is known not to be LF, so a CRLF is never split between chunks. Feed buffers in file order.
 */
export class RecordScanner {
  private quoted = false;
  private prevCr = false;
  private lineNo: number;
  private content = false;
  private cutLineNo: number;

  /** `quoted`: whether the first byte is inside a quoted field. */
  constructor(firstLine = 1, quoted = false) {
    this.lineNo = firstLine;
    this.cutLineNo = firstLine;
    this.quoted = quoted;
  }

  /** The tokenizer's line number after the bytes scanned so far. */
  get line(): number {
    return this.lineNo;
  }

  /** The line number of the first byte after the cut last returned. */
  get cutLine(): number {
    return this.cutLineNo;
  }

  /**
   * Scans `bytes[from..]` and returns the offset just after the last safe record end in it (0 when the only cut
   * falls just before this buffer, after a CR that ended the previous one), or -1. With `firstRecord`, stops at
   * the first cut after a non-blank record instead (how the header is found).
   */
  scan(bytes: Uint8Array, from = 0, firstRecord = false): number {
    let cut = -1;
    const n = bytes.length;
    for (let i = from; i < n; i++) {
      const b = bytes[i] as number;
      if (this.prevCr) {
        this.prevCr = false;
        if (b !== LF_BYTE) {
          // A lone CR ended the record before this byte.
          cut = i;
          this.cutLineNo = this.lineNo;
          if (firstRecord && this.content) {
            this.content = false;
            return cut;
          }
          this.content = false;
        } else {
          cut = i + 1;
          this.cutLineNo = this.lineNo;
          if (firstRecord && this.content) {
            this.content = false;
            return cut;
          }
          this.content = false;
          continue;
        }
      }
      if (this.quoted) {
        if (b === QUOTE_BYTE) this.quoted = false;
        else if (b === LF_BYTE) this.lineNo++;
        continue;
      }
      if (b === QUOTE_BYTE) {
        this.quoted = true;
        this.content = true;
      } else if (b === CR_BYTE) {
        this.lineNo++;
        this.prevCr = true;
      } else if (b === LF_BYTE) {
        this.lineNo++;
        cut = i + 1;
        this.cutLineNo = this.lineNo;
        if (firstRecord && this.content) {
          this.content = false;
          return cut;
        }
        this.content = false;
      } else if (b !== 0x20 && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf) {
        this.content = true;
      }
    }
    return cut;
  }
}

/** Text encodings a CSV can be read in. `latin1` is read as the web's windows-1252, a superset of ISO-8859-1. */
export type CSVEncoding = 'utf-8' | 'latin1';

/** Checks an `encoding` option. */
export function checkCSVEncoding(value: unknown, path: readonly (string | number)[]): CSVEncoding {
  if (value === undefined || value === 'utf-8' || value === 'utf8') return 'utf-8';
  if (value === 'latin1') return 'latin1';
  throw new ValidationError({ path, message: `expected 'utf-8' or 'latin1', got ${JSON.stringify(value)}` });
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > n) return i;
    const c1 = b[i + 1] as number;
    if (
      (c === 0xe0 && c1 < 0xa0) ||
      (c === 0xed && c1 >= 0xa0) ||
      (c === 0xf0 && c1 < 0x90) ||
      (c === 0xf4 && c1 >= 0x90)
    )
      return i;
    for (let k = 1; k < len; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/**
 * Decodes CSV bytes, streaming. Bytes that are not valid UTF-8 are a ValidationError naming the line (they would
 * otherwise all become U+FFFD, so `caf\xe9` and `caf\xe8` would read as the same value); `latin1` reads any byte.
 */
export class CSVDecoder {
  private readonly decoder: TextDecoder;
  private readonly encoding: CSVEncoding;

  constructor(encoding: CSVEncoding = 'utf-8') {
    this.encoding = encoding;
    this.decoder = new TextDecoder(encoding === 'latin1' ? 'latin1' : 'utf-8', { fatal: true });
  }

  /**
   * Decodes the next bytes; `line` and `quoted` say where they start (for the error message). Without `stream`,
   * ends the input (an incomplete sequence at the end is an error).
   */
  decode(bytes: Uint8Array, line: number, quoted: boolean, stream = true): string {
    try {
      return this.decoder.decode(bytes, { stream });
    } catch (e) {
      if (this.encoding !== 'utf-8') throw e;
      const at = Math.max(0, firstInvalidUtf8(bytes));
      const scanner = new RecordScanner(line, quoted);
      scanner.scan(bytes.subarray(0, at));
      const byte = bytes[at];
      throw new ValidationError(
        {
          path: ['line', scanner.line],
          message: `${byte !== undefined ? `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}` : 'the end of the file'} is not valid UTF-8; save the file as UTF-8, or read it with encoding 'latin1' (--encoding latin1)`,
        },
        { cause: e },
      );
    }
  }
}

/** Rejects a header that names a column twice (every reader keeps the same rule). */
export function checkHeader(header: readonly string[]): void {
  const seen = new Map<string, number>();
  header.forEach((h, i) => {
    const j = seen.get(h);
    if (j !== undefined) {
      throw new ValidationError({
        path: ['header', h.length > 40 ? `${h.slice(0, 40)}…` : h],
        message: `column name ${shownValue(h, 40)} appears more than once (columns ${j} and ${i})`,
      });
    }
    seen.set(h, i);
  });
}

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One field of CSV output by the same grammar: quoted (inner quotes doubled) when it holds a comma, a quote or a
 * line end, else as is. Every CSV writer of the library (decisions files, worker output) goes through it.
 */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Parses a complete CSV text into records with their line numbers, the first starting on `firstLine`. */
export function parseCSVRecords(text: string, delimiter = ',', firstLine = 1): CSVRecord[] {
  const tokenizer = new CSVTokenizer(delimiter, firstLine);
  const records = tokenizer.push(text);
  for (const r of tokenizer.end()) records.push(r);
  return records;
}
