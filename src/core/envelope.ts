import * as v from 'valibot';
import { SerializationError } from './errors.js';
import { describe } from './validate.js';

/**
 * The one reader of the library's serialized artifacts. Every component's `toJSON()` gives the envelope
 * `{ kind, formatVersion, params, state }`; its `fromJSON` reads it here: the envelope first (the kind and the
 * version this code reads, `params` and `state` objects), then the artifact's own valibot schema, which checks
 * declared sizes against the arrays holding the values before anything is allocated. Every problem is a
 * {@link SerializationError} naming the field path (`RDRP.state.d`) and what was expected.
 */

/** The envelope every serialized component shares. */
export interface Envelope {
  readonly kind: string;
  readonly formatVersion: number;
  readonly params: Record<string, unknown>;
  readonly state: Record<string, unknown>;
}

const objectValue = v.custom<Record<string, unknown>>(
  (x) => typeof x === 'object' && x !== null && !Array.isArray(x),
  'expected an object',
);

/** The message of valibot issues: the first three with their paths under `kind`, and how many more there were. */
export function issuesMessage(kind: string, issues: readonly v.BaseIssue<unknown>[]): string {
  const shown = issues.slice(0, 3).map((i) => {
    const path = v.getDotPath(i);
    return `${path !== null ? `${path}: ` : ''}${i.message}`;
  });
  return `${kind}: ${shown.join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`;
}

/** Checks untrusted JSON against a valibot schema; throws SerializationError naming the paths of the first problems. */
export function checkSchema<S extends v.GenericSchema>(schema: S, value: unknown, kind: string): v.InferOutput<S> {
  const r = v.safeParse(schema, value, { abortPipeEarly: true });
  if (!r.success) throw new SerializationError(issuesMessage(kind, r.issues));
  return r.output;
}

/**
 * Reads the envelope of untrusted JSON written by the `toJSON` of `kind` at `formatVersion`, then checks it against
 * the artifact's `schema` if one is given (the whole JSON, envelope included). Returns the envelope with `params`
 * and `state` as records; throws {@link SerializationError} naming the field and what was expected.
 *
 * @example
 * ```ts
 * const { params, state } = readEnvelope(json, 'GroupStats', 1, statsSchema);
 * ```
 */
export function readEnvelope(json: unknown, kind: string, formatVersion: number, schema?: v.GenericSchema): Envelope {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new SerializationError(`${kind}: expected an object, got ${describe(json)}`);
  const j = json as Record<string, unknown>;
  if (j.kind !== kind) throw new SerializationError(`${kind}: expected kind '${kind}', got ${describe(j.kind)}`);
  if (j.formatVersion !== formatVersion) {
    throw new SerializationError(
      `${kind}: unsupported formatVersion ${describe(j.formatVersion)}; this version reads ${formatVersion}`,
    );
  }
  for (const part of ['params', 'state'] as const) {
    if (!v.is(objectValue, j[part]))
      throw new SerializationError(`${kind}.${part}: expected an object, got ${describe(j[part])}`);
  }
  if (schema !== undefined) checkSchema(schema, json, kind);
  return json as unknown as Envelope;
}
