import { createReadStream } from 'node:fs';
import { RecordScanner } from '../data/csv-grammar.js';

/** A piece of a CSV file that holds whole records only. */
export interface CSVChunk {
  /** Bytes of whole records (ends at a record boundary or the end of the file). */
  readonly bytes: Uint8Array;
  /** 0-based index of the chunk in the file. */
  readonly index: number;
  /** Line number (1-based, as the tokenizer counts lines over the whole file) of the chunk's first byte. */
  readonly line: number;
}

/**
 * Splits a CSV file into chunks of whole records without parsing it, at the record boundaries of the library's one
 * CSV grammar (the record scanner of `src/data/csv-grammar.ts`: LF, CRLF or a lone CR outside double quotes). The first record (the header)
 * comes first as `{ header }`. Chunks are at least `chunkBytes` long (but for the last), so memory stays bounded
 * whatever the file size, and each chunk can be parsed on its own, e.g. in a worker, starting on its `line`.
 */
export async function* csvChunks(
  path: string,
  chunkBytes = 4 << 20,
): AsyncGenerator<{ header: Uint8Array } | CSVChunk> {
  const stream = createReadStream(path, { highWaterMark: Math.max(64, Math.min(1 << 20, chunkBytes)) });
  const scanner = new RecordScanner();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let headerDone = false;
  let index = 0;
  let line = 1;
  const flush = (tail: Uint8Array): Uint8Array => {
    const out = new Uint8Array(pendingBytes + tail.length);
    let o = 0;
    for (const p of pending) {
      out.set(p, o);
      o += p.length;
    }
    out.set(tail, o);
    pending = [];
    pendingBytes = 0;
    return out;
  };
  const keep = (piece: Uint8Array) => {
    if (piece.length === 0) return;
    pending.push(piece);
    pendingBytes += piece.length;
  };
  for await (const raw of stream) {
    const buf = raw as Buffer;
    let start = 0;
    if (!headerDone) {
      const cut = scanner.scan(buf, 0, true);
      if (cut < 0) {
        keep(buf);
        continue;
      }
      headerDone = true;
      yield { header: flush(buf.subarray(0, cut)) };
      line = scanner.cutLine;
      start = cut;
    }
    const cut = scanner.scan(buf, start);
    if (cut >= 0 && pendingBytes + (cut - start) >= chunkBytes) {
      const bytes = flush(buf.subarray(start, cut));
      if (bytes.length > 0) yield { bytes, index: index++, line };
      line = scanner.cutLine;
      keep(buf.subarray(cut));
    } else {
      keep(buf.subarray(start));
    }
  }
  if (!headerDone) {
    if (pendingBytes > 0) yield { header: flush(new Uint8Array(0)) };
    return;
  }
  if (pendingBytes > 0) yield { bytes: flush(new Uint8Array(0)), index: index++, line };
}
