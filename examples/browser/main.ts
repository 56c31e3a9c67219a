/// <reference types="vite/client" />
// hrc-budget in the browser: fit HRC on the simulator with a chosen tfjs backend, chart value vs budget, show
// decisions, and serve a policy.json for typed-in features. Run: npm run example:browser
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import {
  AllocationPolicy,
  type BackendName,
  currentBackend,
  useBackend,
  wasmKernelsEnabled,
  wasmKernelsReady,
} from '../../src/index.js';
import { GLPKSolver, type MIPSolution } from '../../src/solver.js';
import { lineChart } from './chart.js';
import { type DemoResult, runDemo } from './run.js';

// Importing the wasm backend registers it; Vite serves its .wasm files and these are their URLs.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** What the page exposes for tests and the console. */
interface HRCPage {
  getBackend(): string;
  /** Whether hrc-budget's own WebAssembly SIMD kernels (k-means, batch scoring) are in use. */
  wasmKernels(): boolean;
  webglRenderer(): string | undefined;
  result: DemoResult | undefined;
  error: string | undefined;
  policy: AllocationPolicy | undefined;
  glpkSelfCheck(): Promise<MIPSolution>;
}
const page: HRCPage = {
  getBackend: () => currentBackend(),
  wasmKernels: () => wasmKernelsEnabled(),
  webglRenderer,
  glpkSelfCheck,
  result: undefined,
  error: undefined,
  policy: undefined,
};
(window as unknown as { hrcPage: HRCPage }).hrcPage = page;

function $<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`#${id} missing`);
  return e as T;
}

function setStatus(el: HTMLElement, text: string, error = false): void {
  el.textContent = text;
  el.classList.toggle('error', error);
}

/** The GPU (or software renderer) behind WebGL, e.g. "SwiftShader" in headless Chromium. */
function webglRenderer(): string | undefined {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl === null) return undefined;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext === null ? gl.RENDERER : ext.UNMASKED_RENDERER_WEBGL));
}

/**
 * Solves a tiny knapsack (max 5a + 4b + 3c, 2a + 3b + c <= 4, binary) with GLPKSolver: in a browser this runs
 * glpk.js's web-worker build. The optimum is a = c = 1, objective 8.
 */
function glpkSelfCheck(): Promise<MIPSolution> {
  return new GLPKSolver().solve({
    sense: 'maximize',
    objective: Float64Array.of(5, 4, 3),
    lower: Float64Array.of(0, 0, 0),
    upper: Float64Array.of(1, 1, 1),
    integer: Uint8Array.of(1, 1, 1),
    rows: [
      { index: Int32Array.of(0, 1, 2), value: Float64Array.of(2, 3, 1), lower: Number.NEGATIVE_INFINITY, upper: 4 },
    ],
  });
}

const params = new URLSearchParams(location.search);
for (const [key, id] of [
  ['backend', 'backend'],
  ['n', 'n-train'],
  ['seed', 'seed'],
] as const) {
  const v = params.get(key);
  if (v !== null) $<HTMLInputElement>(id).value = v;
}

$<HTMLFormElement>('fit-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  void fitPipeline();
});

async function fitPipeline(): Promise<void> {
  const status = $('status');
  const button = $<HTMLButtonElement>('run');
  const backend = $<HTMLSelectElement>('backend').value as BackendName;
  const nTrain = Number($<HTMLInputElement>('n-train').value);
  const seed = Number($<HTMLInputElement>('seed').value);
  button.disabled = true;
  document.body.dataset.state = 'running';
  page.error = undefined;
  try {
    setStatus(status, `starting the ${backend} backend...`);
    // No GPU (e.g. CI): accept a software WebGL renderer rather than fail; the status line says which it is.
    await useBackend(backend, { allowSoftwareWebgl: true });
    // The kernels compile asynchronously where a main thread refuses synchronous compilation.
    await wasmKernelsReady();
    const renderer = backend === 'webgl' ? ` on ${webglRenderer() ?? 'an unknown renderer'}` : '';
    const result = await runDemo(currentBackend(), {
      nTrain,
      seed,
      onStage: (stage) => setStatus(status, `${currentBackend()}${renderer}: ${stage}...`),
    });
    page.result = result;
    page.policy = AllocationPolicy.fromJSON(result.policy);
    showResult(result);
    $<HTMLButtonElement>('use-fitted').disabled = false;
    setStatus(
      status,
      `Backend ${result.backend}${renderer}: fitted ${result.groups} groups on ${nTrain} rows in ${result.seconds.fit.toFixed(1)} s; ` +
        `embedding ${result.options.nTest} test users took ${(result.seconds.embed * 1000).toFixed(0)} ms, ` +
        `their decisions by the distilled policy ${(result.seconds.decide * 1000).toFixed(1)} ms.`,
    );
    document.body.dataset.state = 'done';
  } catch (e) {
    page.error = String(e);
    setStatus(status, `Failed: ${String(e)}`, true);
    document.body.dataset.state = 'error';
  } finally {
    button.disabled = false;
  }
}

function cell(tag: 'td' | 'th', text: string, cls?: string): HTMLTableCellElement {
  const c = document.createElement(tag);
  c.textContent = text;
  if (cls !== undefined) c.className = cls;
  return c;
}

function row(table: HTMLTableElement, cells: HTMLTableCellElement[]): void {
  const tr = document.createElement('tr');
  tr.append(...cells);
  table.append(tr);
}

function showResult(r: DemoResult): void {
  $('results').hidden = false;
  const chart = $('chart');
  chart.replaceChildren(
    lineChart(
      [
        {
          name: 'oracle (true effects)',
          color: '#e07a1f',
          dashed: true,
          points: r.curve.map((p) => ({ x: p.budget, y: p.oracle })),
        },
        { name: `HRC on ${r.backend}`, color: '#2f6fde', points: r.curve.map((p) => ({ x: p.budget, y: p.hrc })) },
      ],
      { xLabel: 'budget per user', yLabel: 'incremental response per user', marks: r.decisions.map((d) => d.budget) },
    ),
  );
  const table = $<HTMLTableElement>('decisions');
  table.replaceChildren();
  row(table, [
    cell('th', 'user'),
    cell('th', 'x0'),
    cell('th', 'x1'),
    ...r.decisions.map((d) => cell('th', `budget ${d.budget}`)),
  ]);
  r.sampleFeatures.forEach((x, i) => {
    row(table, [
      cell('td', String(i)),
      cell('td', (x[0] ?? 0).toFixed(2)),
      cell('td', (x[1] ?? 0).toFixed(2)),
      ...r.decisions.map((d) => cell('td', r.treatmentNames[d.arms[i] ?? 0] ?? '?', 'arm')),
    ]);
  });
  const summary = $<HTMLTableElement>('summary');
  summary.replaceChildren();
  row(summary, [cell('th', 'budget'), cell('th', 'true value'), cell('th', 'true cost'), cell('th', 'oracle')]);
  for (const d of r.decisions) {
    row(summary, [
      cell('td', d.budget.toFixed(2)),
      cell('td', d.value.toFixed(4)),
      cell('td', d.cost.toFixed(3)),
      cell('td', d.oracle.toFixed(4)),
    ]);
  }
}

// ---- serving a policy.json ----

$<HTMLInputElement>('policy-file').addEventListener('change', async (ev) => {
  const file = (ev.target as HTMLInputElement).files?.[0];
  if (file === undefined) return;
  try {
    loadPolicy(AllocationPolicy.fromJSON(await file.text()), file.name);
  } catch (e) {
    setStatus($('policy-info'), `Could not load ${file.name}: ${String(e)}`, true);
  }
});
$('use-fitted').addEventListener('click', () => {
  if (page.result !== undefined) loadPolicy(AllocationPolicy.fromJSON(page.result.policy), 'the policy fitted above');
});

function loadPolicy(policy: AllocationPolicy, from: string): void {
  page.policy = policy;
  const t = policy.table;
  setStatus(
    $('policy-info'),
    `Loaded ${from}: ${t.k} groups, arms ${policy.treatmentNames.join(', ')}; budgets ${t.budgets[0]?.toFixed(3)} to ${t.budgets[t.size - 1]?.toFixed(3)} per user.`,
  );
  const box = $('features');
  box.replaceChildren();
  if (policy.encoding !== undefined) {
    for (const c of policy.encoding.columns) {
      const label = document.createElement('label');
      label.textContent = c.name;
      let input: HTMLInputElement | HTMLSelectElement;
      if (c.kind === 'categorical') {
        input = document.createElement('select');
        for (const cat of c.categories) input.append(new Option(cat, cat));
      } else {
        input = document.createElement('input');
        input.type = 'number';
        input.step = 'any';
        input.value = String(c.fill ?? 0);
      }
      input.dataset.column = c.name;
      input.dataset.kind = c.kind;
      label.append(input);
      box.append(label);
    }
  } else {
    policy.featureNames.forEach((name, j) => {
      const label = document.createElement('label');
      label.textContent = name;
      const input = document.createElement('input');
      input.type = 'number';
      input.step = 'any';
      input.value = '0';
      input.dataset.index = String(j);
      label.append(input);
      box.append(label);
    });
  }
  $('decide-form').hidden = false;
  $('answer').textContent = '';
}

$<HTMLFormElement>('decide-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const policy = page.policy;
  const answer = $('answer');
  if (policy === undefined) return;
  try {
    const budget = { perUser: Number($<HTMLInputElement>('budget').value) };
    const inputs = Array.from($('features').querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'));
    let x: Float32Array;
    if (policy.encoding !== undefined) {
      const record: Record<string, string | number> = {};
      for (const i of inputs) record[i.dataset.column ?? ''] = i.dataset.kind === 'numeric' ? Number(i.value) : i.value;
      x = Float32Array.from(policy.encode(record));
    } else {
      x = Float32Array.from(inputs, (i) => Number(i.value));
    }
    const e = policy.explain(x, budget);
    answer.classList.remove('error');
    answer.innerHTML = '';
    const b = document.createElement('b');
    b.textContent = e.armName;
    answer.append(
      'Treatment: ',
      b,
      ` (group ${e.group}, p = ${(e.probabilities[e.group] ?? 0).toFixed(2)}; plan of budget ${e.planBudget.toFixed(3)}; ` +
        `expected uplift ${e.expectedUplift.response.toFixed(4)} response for ${e.expectedUplift.cost.toFixed(3)} cost per user)`,
    );
    answer.dataset.arm = e.armName;
  } catch (err) {
    setStatus(answer, String(err), true);
    answer.dataset.arm = '';
  }
});
