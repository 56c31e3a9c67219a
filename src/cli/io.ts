import { constants } from 'node:fs';
import { access, readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SerializationError, ValidationError } from '../core/errors.js';
import { type CSVEncoding, checkCSVEncoding } from '../data/csv-grammar.js';
import { POLICY_LIMITS } from '../policy/policy.js';

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

async function canonical(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Checks an output path before any work is done: it must not be one of the inputs (`{ '--data': path, ... }`),
 * and its folder must exist and be writable. Errors name `label`.
 */
export async function checkOutput(
  out: string,
  inputs: Readonly<Record<string, string | undefined>>,
  label = '--out',
): Promise<void> {
  const target = await canonical(out);
  for (const [option, path] of Object.entries(inputs)) {
    if (path !== undefined && (await canonical(path)) === target) {
      throw new ValidationError({
        path: [label, out],
        message: `is the same file as ${option}; writing it would overwrite the input. Choose another output file`,
      });
    }
  }
  const isDir = await stat(out).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) throw new ValidationError({ path: [label, out], message: 'is a folder; expected a file path' });
  const dir = dirname(resolve(out));
  try {
    await access(dir, constants.W_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ValidationError(
      {
        path: [label, out],
        message:
          code === 'ENOENT'
            ? `cannot be written: the folder ${dir} does not exist`
            : `cannot be written: ${dir} is not writable`,
      },
      { cause: e },
    );
  }
}

/** The `--encoding` option. */
export function encodingOption(raw: string | undefined): CSVEncoding | undefined {
  return raw === undefined ? undefined : checkCSVEncoding(raw, ['--encoding']);
}
