import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SerializationError, ValidationError } from '../core/errors.js';
import { POLICY_LIMITS } from '../policy/policy.js';

/** Writes a file atomically: a temporary file in the same folder, then a rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Reads and parses a JSON model file, refusing oversized or malformed ones. */
export async function readModelFile(path: string): Promise<unknown> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new ValidationError({ path: ['--policy', path], message: 'cannot be read (does it exist?)' }, { cause: e });
  }
  if (size > POLICY_LIMITS.maxJsonChars)
    throw new SerializationError(`${path}: ${size} bytes exceeds the limit of ${POLICY_LIMITS.maxJsonChars}`);
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SerializationError(`${path} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
