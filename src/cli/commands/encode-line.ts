import { ValidationError } from '../../core/errors.js';
import { encodeRecord, type FeatureEncoding, type RawValue, type UnknownCategory } from '../../data/encoding.js';

/**
 * Encodes one CSV record into `buf` as the policy's encoding says; an error names the file's line (and the column
 * the encoder named) instead of the record's position.
 */
export function encodeAtLine(
  encoding: FeatureEncoding,
  record: Readonly<Record<string, RawValue>>,
  buf: Float32Array,
  line: number,
  onUnknown: UnknownCategory | undefined,
): void {
  try {
    encodeRecord(encoding, record, buf, onUnknown !== undefined ? { onUnknown } : {});
  } catch (e) {
    if (e instanceof ValidationError)
      throw new ValidationError({
        path: ['line', line, ...(e.issues[0]?.path.slice(1) ?? [])],
        message: e.issues[0]?.message ?? e.message,
      });
    throw e;
  }
}
