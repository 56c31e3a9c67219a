import { shownNames, ValidationError } from '../../core/errors.js';
import type { Budget } from '../../core/types.js';
import { checkNetValue } from '../../core/validate.js';
import { type CSVEncoding, readCSVRecords } from '../../data/csv.js';
import { csvField } from '../../data/csv-grammar.js';
import type { FeatureEncoding, RawValue } from '../../data/encoding.js';
import { Growable } from '../../data/growable.js';
import { assignCSV } from '../../node/assign-csv.js';
import { AtomicFile } from '../../node/atomic.js';
import type { AllocationPolicy, HoldoutEstimate } from '../../policy/policy.js';
import type { AllocationTable } from '../../solver/allocation-table.js';
import { checkOutput, encodingOption, readModelFile } from '../io.js';
import { type LoadedModel, loadModel } from '../methods.js';
import type { Progress } from '../progress.js';
import { fmt, textTable } from '../table.js';
import { type OnlineAssignArgs, runOnlineAssign } from './assign-online.js';
import { encodeAtLine } from './encode-line.js';

export interface AssignArgs extends OnlineAssignArgs {
  policy: string;
  data: string;
  budgetPerUser?: number;
  netValue?: number;
  id?: string;
  workers?: number;
  encoding?: string;
  out: string;
}

/** `hrc-budget assign`: decisions for every user of a CSV, streamed, as `id,treatment`. */
export async function runAssign(a: AssignArgs, progress: Progress, print: (s: string) => void): Promise<void> {
  const given = [a.budgetPerUser, a.netValue, a.totalBudget].filter((b) => b !== undefined).length;
  if (given !== 1) {
    throw new ValidationError({
      path: ['--budget-per-user'],
      message: 'give exactly one of --budget-per-user X, --total-budget X or --net-value V',
    });
  }
  if (a.netValue !== undefined) checkNetValue(a.netValue, '--net-value');
  const online =
    a.totalBudget !== undefined ||
    a.holdout !== undefined ||
    (a.cap?.length ?? 0) > 0 ||
    a.log !== undefined ||
    a.failOnDrift === true;
  if (online && a.netValue !== undefined) {
    throw new ValidationError({
      path: ['--net-value'],
      message: '--holdout, --cap, --log and --fail-on-drift need --total-budget or --budget-per-user',
    });
  }
  await checkOutput(a.out, { '--data': a.data, '--policy': a.policy });
  const model = loadModel(await readModelFile(a.policy));
  let counts: readonly number[];
  let names: readonly string[];
  let rows: number;
  if (online && model.kind !== 'policy') {
    throw new ValidationError({
      path: ['--total-budget'],
      message: `pacing, holdout, caps and the decision log need an HRC policy; ${model.method} was given`,
    });
  }
  if (online && model.kind === 'policy') {
    progress.stage(`scoring ${a.data} in arrival order`);
    ({ counts, rows } = await runOnlineAssign(model.policy, a, progress, print));
    names = model.policy.treatmentNames;
  } else if (model.kind === 'policy') {
    let policy: AllocationPolicy = model.policy;
    let budget: Budget;
    if (a.netValue !== undefined) {
      budget = policy.profitBudget(a.netValue);
      print(`profit mode: net value ${a.netValue} per response; break-even budget ${fmt(budget.perUser)} per user`);
    } else {
      budget = { perUser: a.budgetPerUser as number };
      policy = await policy.atBudget(budget.perUser);
    }
    const plan = policy.planFor(budget);
    progress.stage(`scoring ${a.data}`);
    const res = await assignCSV(policy, {
      input: a.data,
      output: a.out,
      budget,
      ...(a.id !== undefined ? { idColumn: a.id } : {}),
      ...(a.workers !== undefined ? { workers: a.workers } : {}),
      outputLabel: '--out',
      ...(a.onUnknown !== undefined ? { onUnknown: a.onUnknown } : {}),
      ...(encodingOption(a.encoding) !== undefined ? { encoding: encodingOption(a.encoding) as CSVEncoding } : {}),
      onProgress: (n) => progress.stage(`  ${n} rows`),
    });
    counts = res.armCounts;
    names = policy.treatmentNames;
    rows = res.rows;
    print(
      `plan for budget ${fmt(policy.table.budgets[plan])} per user: expected cost ${fmt(policy.table.cost[plan])} per user${costSpread(policy.table, plan)}, incremental response ${fmt(policy.table.value[plan])} per user (in-sample: estimated on the trial rows the policy was fitted on; expect less on new users)`,
    );
    for (const line of holdoutLines(model.policy, budget.perUser)) print(line);
  } else {
    if (a.netValue !== undefined) print(`profit mode (${model.method}): net value ${a.netValue} per response`);
    ({ counts, rows } = await assignInMemory(model, a, progress));
    names = model.treatmentNames;
  }
  print(
    textTable(
      ['treatment', 'users', 'share'],
      names.map((n, j) => [n, String(counts[j] ?? 0), fmt((counts[j] ?? 0) / Math.max(1, rows), 3)]),
    ),
  );
  print(`wrote ${rows} decisions to ${a.out}`);
}

/**
 * How far the plan's cost can miss its estimate: the outer quantiles of its cost over the trial's bootstrap scenarios
 * and the share of scenarios within the budget ('' when the table has no such quantiles).
 */
export function costSpread(table: AllocationTable, plan: number): string {
  const levels = table.quantileLevels;
  const Q = levels.length;
  if (Q < 2) return '';
  const lo = table.costQuantiles[plan * Q] as number;
  const hi = table.costQuantiles[plan * Q + Q - 1] as number;
  const p = table.probWithinBudget[plan] as number;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) return '';
  const pct = (q: number) => `${Math.round(100 * q)}%`;
  const within = Number.isFinite(p) ? `; within budget in ${pct(p)} of them` : '';
  return ` (${pct(levels[0] as number)}-${pct(levels[Q - 1] as number)} of the trial's bootstrap draws: ${fmt(lo)} to ${fmt(hi)}${within})`;
}

/** A policy's held-out estimate, if its metadata holds a well-formed one (policy files are untrusted input). */
export function readHoldout(policy: AllocationPolicy): HoldoutEstimate | undefined {
  const h = policy.metadata.holdout as unknown;
  if (typeof h !== 'object' || h === null) return undefined;
  const o = h as Record<string, unknown>;
  const ci = (v: unknown) =>
    typeof v === 'object' &&
    v !== null &&
    ['estimate', 'lower', 'upper'].every((k) => typeof (v as Record<string, unknown>)[k] === 'number');
  const budgets = o.budgets;
  if (
    !Array.isArray(budgets) ||
    !budgets.every((b) => typeof b === 'number' && Number.isFinite(b)) ||
    !Array.isArray(o.incrementalResponse) ||
    !Array.isArray(o.cost) ||
    o.incrementalResponse.length !== budgets.length ||
    o.cost.length !== budgets.length ||
    !o.incrementalResponse.every(ci) ||
    !o.cost.every(ci) ||
    typeof o.rows !== 'number' ||
    typeof o.level !== 'number'
  )
    return undefined;
  return h as HoldoutEstimate;
}

/** What `assign` prints about the held-out value of the plan at a budget. */
export function holdoutLines(policy: AllocationPolicy, perUser: number): string[] {
  const h = readHoldout(policy);
  if (h === undefined)
    return [
      'no held-out estimate in this policy: fit with --holdout 0.3, or run hrc-budget evaluate on trial rows kept out of the fit',
    ];
  let i = -1;
  for (let b = 0; b < h.budgets.length; b++) if ((h.budgets[b] as number) <= perUser * (1 + 1e-9) + 1e-12) i = b;
  if (i < 0) return [`held-out estimate: none at or below ${fmt(perUser)} per user`];
  const r = h.incrementalResponse[i] as HoldoutEstimate['incrementalResponse'][number];
  const c = h.cost[i] as HoldoutEstimate['cost'][number];
  return [
    `held out: at ${fmt(h.budgets[i])} per user the plan brought ${fmt(r.estimate)} [${fmt(r.lower)}, ${fmt(r.upper)}] incremental response per user for ${fmt(c.estimate)} [${fmt(c.lower)}, ${fmt(c.upper)}] spent per user (IPW on ${h.rows} trial rows kept out of the fit, ${Math.round(100 * h.level)}% intervals)`,
  ];
}

/** Baselines rank all users together to meet a budget, so they read the whole file into memory. */
async function assignInMemory(
  model: Extract<LoadedModel, { kind: 'allocator' }>,
  a: AssignArgs,
  progress: Progress,
): Promise<{ counts: number[]; rows: number }> {
  const encoding: FeatureEncoding = model.encoding ?? {
    columns: model.featureNames.map((name) => ({ name, kind: 'numeric' as const })),
  };
  const d = model.featureNames.length;
  const feats = new Growable(Float32Array);
  const ids: string[] = [];
  let header: readonly string[] = [];
  const buf = new Float32Array(d);
  progress.stage(`reading ${a.data}`);
  const onHeader = (h: readonly string[]) => {
    header = h;
    if (a.id !== undefined && !h.includes(a.id))
      throw new ValidationError({
        path: ['--id', a.id],
        message: `column not found; columns seen: ${shownNames(h)}`,
      });
  };
  const textEncoding = encodingOption(a.encoding);
  for await (const rec of readCSVRecords(
    a.data,
    onHeader,
    textEncoding !== undefined ? { encoding: textEncoding } : {},
  )) {
    const record: Record<string, RawValue> = Object.create(null);
    header.forEach((h, i) => {
      record[h] = rec.values[i];
    });
    encodeAtLine(encoding, record, buf, rec.line, a.onUnknown);
    for (let j = 0; j < d; j++) feats.push(buf[j] as number);
    ids.push(a.id !== undefined ? (record[a.id] as string) : String(ids.length));
  }
  progress.stage(`assigning ${ids.length} users with ${model.method}`);
  const x = Float32Array.from(feats.view());
  const arms =
    a.netValue !== undefined
      ? await model.allocator.profitAssign(x, a.netValue)
      : await model.allocator.assign(x, { perUser: a.budgetPerUser as number });
  const counts = new Array<number>(model.treatmentNames.length).fill(0);
  const out = await AtomicFile.open(a.out, '--out');
  try {
    await out.write(`${a.id ?? 'id'},treatment\n`);
    const lines: string[] = [];
    for (let i = 0; i < arms.length; i++) {
      const arm = arms[i] as number;
      counts[arm] = (counts[arm] as number) + 1;
      lines.push(`${csvField(ids[i] as string)},${csvField(model.treatmentNames[arm] as string)}\n`);
      if (lines.length >= 4096) await out.write(lines.splice(0).join(''));
    }
    await out.write(lines.join(''));
    await out.commit();
  } catch (e) {
    await out.abort();
    throw e;
  }
  return { counts, rows: arms.length };
}
