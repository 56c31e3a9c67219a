import { createReadStream } from 'node:fs';

/** A piece of a CSV file that holds whole records only. */
export interface CsvChunk {
  /** Bytes of whole records (ends at a record boundary or the end of the file). */
  readonly bytes: Uint8Array;
  /** 0-based index of the chunk in the file. */
  readonly index: number;
}

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Splits a CSV file into chunks of whole records without parsing it: a newline ends a record exactly when the
 * number of double quotes before it is even (RFC 4180 escapes a quote by doubling it, which keeps the parity).
 * The first record (the header) comes first as `{ header }`. Chunks are at least `chunkBytes` long (but for the
 * last), so memory stays bounded whatever the file size, and each chunk can be parsed on its own, e.g. in a worker.
 */
export async function* csvChunks(
  path: string,
  chunkBytes = 4 << 20,
): AsyncGenerator<{ header: Uint8Array } | CsvChunk> {
  const stream = createReadStream(path, { highWaterMark: Math.max(64, Math.min(1 << 20, chunkBytes)) });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let inQuotes = false;
  let headerDone = false;
  let index = 0;
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
      let i = 0;
      for (; i < buf.length; i++) {
        const b = buf[i] as number;
        if (b === QUOTE) inQuotes = !inQuotes;
        else if (b === LF && !inQuotes) break;
      }
      if (i === buf.length) {
        keep(buf);
        continue;
      }
      headerDone = true;
      yield { header: flush(buf.subarray(0, i + 1)) };
      start = i + 1;
    }
    let last = -1;
    for (let i = start; i < buf.length; i++) {
      const b = buf[i] as number;
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) last = i;
    }
    if (last >= 0 && pendingBytes + (last + 1 - start) >= chunkBytes) {
      yield { bytes: flush(buf.subarray(start, last + 1)), index: index++ };
      keep(buf.subarray(last + 1));
    } else {
      keep(buf.subarray(start));
    }
  }
  if (!headerDone) {
    if (pendingBytes > 0) yield { header: flush(new Uint8Array(0)) };
    return;
  }
  if (pendingBytes > 0) yield { bytes: flush(new Uint8Array(0)), index: index++ };
}
