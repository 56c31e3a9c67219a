/**
 * The one table of the kernels' signatures: each kernel's name, parameters (name, WebAssembly type, role) and
 * result. The WebAssembly text generator (kernels-wat.ts) takes each function's header from it, and
 * {@link signaturesModule} turns it into src/wasm/signatures.ts: the module's positional `KernelExports` and, per
 * kernel, a named-argument struct and wrapper (`calls.elkan({ x, d, ... })`). `npm run build:wasm` writes both;
 * test/wasm/kernels.test.ts checks that the committed files are current.
 */

/**
 * What a parameter is. `ptr`: a byte offset into the module's memory. `optPtr`: a byte offset or -1 for none (the
 * wrapper's argument is optional). `size`: a count or a dimension. `index`: an index or a step number. `flag`: 0 or
 * 1 (a boolean in the wrapper). `value`: a number taken as it is.
 */
export type ParamRole = 'ptr' | 'optPtr' | 'size' | 'index' | 'flag' | 'value';

export interface ParamSpec {
  readonly name: string;
  readonly type: 'i32' | 'f64';
  readonly role: ParamRole;
  /** What the parameter holds (the wrapper argument's TSDoc). */
  readonly doc: string;
}

export interface KernelSpec {
  readonly name: string;
  /** One-sentence summary (the wrapper's TSDoc; the full description is in the WebAssembly text). */
  readonly doc: string;
  readonly params: readonly ParamSpec[];
  readonly result?: { readonly type: 'i32' | 'f64'; readonly doc: string };
}

const ptr = (name: string, doc: string): ParamSpec => ({ name, type: 'i32', role: 'ptr', doc });
const size = (name: string, doc: string): ParamSpec => ({ name, type: 'i32', role: 'size', doc });

/** Parameters shared by the blocked scans (nearest2, nearestAll). */
const SCAN: readonly ParamSpec[] = [
  ptr('x', 'rows, row-major f32'),
  size('d', 'columns per row'),
  { name: 'rows', type: 'i32', role: 'optPtr', doc: 'row numbers to scan, i32; omitted: rows 0..count-1 of x' },
  size('count', 'rows to scan'),
  ptr('ct', 'centroids transposed, d x kp f32 (zero padding)'),
  ptr('cn', "centroids' squared norms, kp f32 (padding +inf)"),
  size('kp', 'centroids padded to a multiple of 4'),
  ptr('lab', 'out: nearest centroid per scanned row, i32'),
  ptr('o1', 'out: cn - 2 x.c of the nearest, f32'),
  ptr('o2', 'out: cn - 2 x.c of the second nearest, f32'),
];

/** The first parameters of the kernels over resident rows: rows, columns, row count. */
const ROWS: readonly ParamSpec[] = [ptr('x', 'rows, row-major f32'), size('d', 'columns per row'), size('n', 'rows')];

export const KERNELS: readonly KernelSpec[] = [
  {
    name: 'nearest2',
    doc: 'Nearest and second-nearest of kp centroids for each of count rows, two rows by sixteen centroids a step.',
    params: SCAN,
  },
  {
    name: 'nearestAll',
    doc: "nearest2 over consecutive rows that also writes every distance (Elkan's lower bounds) or squared distance.",
    params: [
      ...SCAN,
      ptr('xn', "rows' squared norms, count f32"),
      ptr('dist', 'out: count x kp f32, distances (times 1 - 2^-20) or squared distances'),
      { name: 'squared', type: 'i32', role: 'flag', doc: 'write squared distances (no root, no margin)' },
    ],
  },
  {
    name: 'hamerly',
    doc: "Hamerly's E-step filter over n resident rows: moves the bounds, tightens them, lists rows to rescan.",
    params: [
      ...ROWS,
      ptr('c', 'centroids, k x d f32'),
      ptr('labels', 'centroid per row, i32'),
      ptr('upper', 'upper bounds, n f64 (updated)'),
      ptr('lower', 'lower bounds, n f64 (updated)'),
      ptr('shift', 'centroid shifts of this step, k f64'),
      ptr('half', 'half the distance to the nearest other centroid, k f64'),
      { name: 'maxAt', type: 'i32', role: 'index', doc: 'centroid with the largest shift' },
      { name: 'maxShift', type: 'f64', role: 'value', doc: 'the largest shift' },
      { name: 'secondShift', type: 'f64', role: 'value', doc: 'the second-largest shift' },
      ptr('rescan', 'out: rows whose bounds still overlap, i32'),
    ],
    result: { type: 'i32', doc: 'rows written to rescan' },
  },
  {
    name: 'elkan',
    doc: "One E-step of Elkan's k-means over n resident rows, moving the centroid sums of rows that change centroid.",
    params: [
      ...ROWS,
      ptr('c', 'centroids, k x d f32'),
      size('k', 'centroids'),
      size('kp', 'centroids padded to a multiple of 4'),
      ptr('labels', 'centroid per row, i32 (updated)'),
      ptr('ub', 'upper bounds, n f64 (updated)'),
      ptr('lb', 'lower bounds, n x kp f32 (updated; padding +inf)'),
      ptr('drift', 'summed centroid shifts up to each step, steps x kp f32'),
      ptr('stamp', "step of each row's lower bounds, n i32 (updated)"),
      { name: 'now', type: 'i32', role: 'index', doc: 'this step (a row of drift)' },
      ptr('shift', 'centroid shifts of this step, k f64'),
      ptr('s', 'half the distance to the nearest other centroid, k f64'),
      ptr('hcc', 'half the centroid distances, k x kp f32 (padding +inf)'),
      ptr('sums', 'centroid sums, k x d f64 (updated)'),
      ptr('counts', 'centroid counts, k f64 (updated)'),
    ],
    result: { type: 'i32', doc: 'rows that changed centroid' },
  },
  {
    name: 'sqnorms',
    doc: 'Squared norm of each of n rows (float32 sums).',
    params: [...ROWS, ptr('out', 'n f32')],
  },
  {
    name: 'accumulate',
    doc: "Adds each row to its centroid's sums and counts.",
    params: [
      ...ROWS,
      ptr('labels', 'centroid per row, i32'),
      ptr('sums', 'centroid sums, k x d f64 (updated)'),
      ptr('counts', 'centroid counts, k f64 (updated)'),
    ],
  },
  {
    name: 'inertia',
    doc: 'Sum over rows of the squared distance to their centroid (float32 per row, float64 total).',
    params: [...ROWS, ptr('c', 'centroids, k x d f32'), ptr('labels', 'centroid per row, i32')],
    result: { type: 'f64', doc: 'the sum of squared distances' },
  },
  {
    name: 'standardize',
    doc: '(x - mean) * inv per column, into float64.',
    params: [
      ptr('x', 'rows, row-major f32'),
      size('n', 'rows'),
      size('d', 'columns per row'),
      ptr('mean', 'd f64'),
      ptr('inv', 'd f64'),
      ptr('out', 'n x d f64'),
    ],
  },
  {
    name: 'dense',
    doc: 'One dense layer in float64 (each output summed in input order from its bias), two rows by eight outputs.',
    params: [
      ptr('input', 'inputs, f64 rows of inStride'),
      size('inStride', 'values per input row'),
      size('n', 'rows'),
      ptr('kernel', 'weights, inSize x outP f64'),
      ptr('bias', 'outP f64'),
      size('inSize', 'inputs used per row'),
      size('outP', 'outputs padded to a multiple of 8'),
      { name: 'relu', type: 'i32', role: 'flag', doc: 'clamp the outputs at zero' },
      ptr('out', 'n x outP f64'),
    ],
  },
  {
    name: 'argmax',
    doc: 'Index of the largest of the first k values of each row (the first on a tie).',
    params: [
      ptr('input', 'values, f64 rows of stride'),
      size('stride', 'values per row'),
      size('n', 'rows'),
      size('k', 'values compared per row'),
      ptr('out', 'n i32'),
    ],
  },
];

function spec(name: string): KernelSpec {
  const s = KERNELS.find((q) => q.name === name);
  if (s === undefined) throw new Error(`no kernel '${name}' in the signature table`);
  return s;
}

/** The WebAssembly header of kernel `name`: `(func (export ...)`, its params and result, lines of at most 116. */
export function watHeader(name: string): string[] {
  const s = spec(name);
  const out = [`(func (export "${s.name}")`];
  let line = '';
  for (const p of s.params) {
    const part = `(param $${p.name} ${p.type})`;
    if (line !== '' && line.length + 1 + part.length > 116) {
      out.push(line);
      line = part;
    } else line = line === '' ? part : `${line} ${part}`;
  }
  if (s.result !== undefined) {
    const part = `(result ${s.result.type})`;
    if (line.length + 1 + part.length > 116) {
      out.push(line);
      line = part;
    } else line = `${line} ${part}`;
  }
  out.push(line);
  return out;
}

const WIDTH = 120;

/** `head(a, b, c)tail` on one line when it fits at `indent`, else one item a line (biome's layout). */
function list(indent: string, head: string, items: readonly string[], tail: string): string[] {
  const one = `${indent}${head}${items.join(', ')}${tail}`;
  if (one.length <= WIDTH) return [one];
  return [`${indent}${head}`, ...items.map((it) => `${indent}  ${it},`), `${indent}${tail.replace(/^\s*/, '')}`];
}

function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function argsName(s: KernelSpec): string {
  return `${upperFirst(s.name)}Args`;
}

function resultType(s: KernelSpec): string {
  return s.result === undefined ? 'void' : 'number';
}

function argExpr(p: ParamSpec): string {
  if (p.role === 'optPtr') return `a.${p.name} ?? -1`;
  if (p.role === 'flag') return `a.${p.name} ? 1 : 0`;
  return `a.${p.name}`;
}

/** The text of src/wasm/signatures.ts. */
export function signaturesModule(): string {
  const L: string[] = [
    '// Generated by scripts/wasm/signatures.ts (npm run build:wasm). Do not edit by hand.',
    '',
    "/* The kernels of src/wasm/kernels.wat: pointers are byte offsets into the module's `memory`. */",
  ];
  KERNELS.forEach((s, at) => {
    // A kernel whose parameters begin with all of an earlier kernel's extends that kernel's arguments.
    const base = KERNELS.slice(0, at).find(
      (b) => b.params.length < s.params.length && b.params.every((p, i) => p === s.params[i]),
    );
    const head = base === undefined ? '' : ` extends ${argsName(base)}`;
    L.push('', `/** Arguments of {@link KernelCalls.${s.name}}. */`, `export interface ${argsName(s)}${head} {`);
    for (const p of s.params.slice(base?.params.length ?? 0)) {
      const role = p.role === 'ptr' || p.role === 'optPtr' ? ' (byte offset)' : '';
      L.push(`  /** ${upperFirst(p.doc)}${role}. */`);
      if (p.role === 'flag') L.push(`  readonly ${p.name}: boolean;`);
      else L.push(`  readonly ${p.name}${p.role === 'optPtr' ? '?' : ''}: number;`);
    }
    L.push('}');
  });
  L.push(
    '',
    "/** The module's exports, positional in the order of the WebAssembly parameters. */",
    'export interface KernelExports {',
    '  readonly memory: WebAssembly.Memory;',
  );
  for (const s of KERNELS) {
    L.push(
      ...list(
        '  ',
        `${s.name}(`,
        s.params.map((p) => `${p.name}: number`),
        `): ${resultType(s)};`,
      ),
    );
  }
  L.push('}', '', '/** The kernels with named arguments. */', 'export interface KernelCalls {');
  for (const s of KERNELS) {
    const returns = s.result === undefined ? '' : ` Returns ${s.result.doc}.`;
    L.push(`  /** ${s.doc}${returns} */`, `  ${s.name}(a: ${argsName(s)}): ${resultType(s)};`);
  }
  L.push(
    '}',
    '',
    "/** Named-argument wrappers over a module instance's exports. */",
    'export function kernelCalls(e: KernelExports): KernelCalls {',
    '  return {',
  );
  for (const s of KERNELS) {
    L.push(`    ${s.name}(a) {`);
    L.push(...list('      ', `return e.${s.name}(`, s.params.map(argExpr), ');'));
    L.push('    },');
  }
  L.push('  };', '}', '');
  return L.join('\n');
}
