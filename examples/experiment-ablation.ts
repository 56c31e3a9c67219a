// The ablation of HRC's default design (docs/results.md, "Ablation"): one method or one HRC design on one experiment
// over several seeds, printing one JSON line per seed and a mean line.
//
// Run:  npx tsx examples/experiment-ablation.ts --experiment starbucks|simulator|hillstrom [--seeds 1,2,3,4,5]
//         [--method hrc|hrc-paper|tpm-sl|...] [--hrc '{"crossFit":0}'] [--noise 0.4] [--heavy-tails]
//         [--response spend|visit] [--also-assign-shares U]
// `--also-assign-shares U` (HRC): also score the same fit's batch plans with group shares in units of 1/U
// (`policy.decideBatchWithin(X, budget, { shares: U })`), printed as the `shares*` fields of each line.
// - starbucks: a stratified 50/50 split of training.csv per seed; profit mode (HRC: the grid plan of the largest
//   predicted net value, `policy.profitBudget(1)` with response = 10 x purchase; other methods: a per-user budget
//   of `--budget`); the figure is the net value per test customer (IPW: incremental revenue - incremental cost).
//   `--write-splits DIR` writes each seed's test rows for examples/reference/gbt_tlearner_starbucks.py.
// - starbucks-ranking: the representation networks alone (`--folds 4` cross-fitted, or 1), `--hrc` holding the
//   RepresentationNet options (e.g. '{"hiddenUnits":[64,32],"codeLevels":0}'); net value per test customer when
//   the top 10-50% by predicted uplift are promoted.
// - simulator: a fresh 20,000-row trial per seed (as docs/results.md section 1; `--n-train N` for another size),
//   budgets 0.1, 0.3, 0.6; true value
//   over the oracle's at matched spend, and true spend over budget, on `--n-test` test users (default 10,000; the
//   training trial does not depend on it); for HRC also each plan's own 5%-95% interval of its cost over the budget
//   and how many runs' true spend fell inside it.
// - hillstrom-ranking: the representation networks alone, as starbucks-ranking (`--folds`, `--hrc` holding the
//   RepresentationNet options) on the hillstrom splits: each test customer's best e-mail by the networks' mean
//   predicted uplift, filled along the per-user Lagrangian path at budgets 0.1, 0.3, 0.5 (no groups).
// - hillstrom: a stratified 70/30 split per seed; budgets 0.1, 0.3, 0.5 (share mailed); IPW incremental response
//   per test customer and spend, with `--response visit` for the visit outcome; also the doubly robust value of the
//   same decisions (`incrementalResponseDR`).
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { armsAtPrefix, lagrangianPath, prefixWithinBudget } from '../src/baselines/path.js';
import { type MethodName, makeAllocator } from '../src/cli/methods.js';
import { schemaFromArgs } from '../src/cli/schema-args.js';
import { matrix } from '../src/core/matrix.js';
import { deriveSeed } from '../src/core/rng.js';
import {
  type BudgetAllocator,
  crossFitNets,
  ensemblePredict,
  evaluatePolicy,
  HRCPipeline,
  loadCSV,
  type RCTDataset,
  RepresentationNet,
  simulateCouponTrial,
  splitIndices,
  subsetRows,
  trainTestSplit,
  truthMetrics,
  useBackend,
} from '../src/index.js';

const { values: a } = parseArgs({
  options: {
    experiment: { type: 'string', default: 'starbucks' },
    seeds: { type: 'string', default: '1,2,3,4,5' },
    method: { type: 'string', default: 'hrc' },
    hrc: { type: 'string', default: '{}' },
    noise: { type: 'string', default: '0' },
    'heavy-tails': { type: 'boolean', default: false },
    response: { type: 'string', default: 'spend' },
    budget: { type: 'string', default: '0.05' },
    'write-splits': { type: 'string' },
    folds: { type: 'string', default: '4' },
    'n-test': { type: 'string', default: '10000' },
    'n-train': { type: 'string', default: '20000' },
    'also-assign-shares': { type: 'string' },
  },
});
const seeds = (a.seeds as string).split(',').map(Number);
const design = JSON.parse(a.hrc as string) as Record<string, unknown>;
await useBackend('wasm');

function make(seed: number): BudgetAllocator {
  return a.method === 'hrc'
    ? new HRCPipeline({ ...design, seed })
    : makeAllocator(a.method as MethodName, seed, design);
}
const release = (x: BudgetAllocator) => x.dispose();
/** The networks' upliftL2 an HRC fit chose (none for other methods or a fixed strength). */
const chosen = (x: BudgetAllocator) =>
  x instanceof HRCPipeline && x.upliftL2Choice !== undefined ? { upliftL2: x.upliftL2Choice.chosen } : {};
/**
 * `--also-assign-shares U`: for HRC, the same fit's decisions with batch plans of group shares in units of 1/U
 * (`decideBatchWithin(X, budget, { shares: U })`), printed as extra fields beside the default `assign`'s.
 */
const alsoShares = a['also-assign-shares'] !== undefined ? Number(a['also-assign-shares']) : undefined;
const assignShares = async (x: BudgetAllocator, X: Float32Array, perUser: number) =>
  x instanceof HRCPipeline && alsoShares !== undefined
    ? await x.policy.decideBatchWithin(X, { perUser }, { shares: alsoShares })
    : undefined;
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const print = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);

/** Starbucks with a purchase counted as $10 (a promotion costs $0.15). */
const loadStarbucks = () =>
  loadCSV(
    new URL('../../shared/data/starbucks_promotion/training.csv', import.meta.url).pathname,
    schemaFromArgs({ preset: 'starbucks', responseScale: 10 }),
  );
/** Response minus cost as the response: its incremental EOM is the net value per customer. */
const net = (t: RCTDataset): RCTDataset => ({
  ...t,
  response: Float32Array.from(t.response, (y, i) => y - (t.cost[i] as number)),
});

/** Hillstrom with `--response` (spend, visit or conversion) as the response and the other two kept as outcomes. */
async function loadHillstrom(): Promise<RCTDataset> {
  const base = schemaFromArgs({ preset: 'hillstrom' });
  const response = a.response as string;
  const schema =
    response === 'spend'
      ? base
      : { ...base, response, outcomes: ['visit', 'conversion', 'spend'].filter((c) => c !== response) };
  return loadCSV(new URL('../../shared/data/hillstrom_email/hillstrom.csv', import.meta.url).pathname, schema);
}

if (a.experiment === 'starbucks') {
  const data = await loadStarbucks();
  const out: number[] = [];
  for (const seed of seeds) {
    const { trainRows, testRows } = splitIndices(data, { testFraction: 0.5, seed });
    // The test rows (0-based, file order) for the Python reference in examples/reference/.
    if (a['write-splits'] !== undefined)
      writeFileSync(`${a['write-splits']}/starbucks-test-${seed}.txt`, testRows.join('\n'));
    const test = subsetRows(data, testRows);
    const m = await make(seed).fit(subsetRows(data, trainRows));
    const budget = m instanceof HRCPipeline ? m.policy.profitBudget(1) : { perUser: Number(a.budget) };
    const arms = await m.assign(test.features, budget);
    const v = evaluatePolicy(arms, net(test), { resamples: 0, seed }).incrementalResponse.estimate;
    out.push(v);
    const alt = 'perUser' in budget ? await assignShares(m, test.features, budget.perUser) : undefined;
    print({
      seed,
      promoted: arms.reduce((s, x) => s + (x !== 0 ? 1 : 0), 0) / test.n,
      netPerCustomer: v,
      ...chosen(m),
      ...(alt !== undefined
        ? { sharesNetPerCustomer: evaluatePolicy(alt, net(test), { resamples: 0, seed }).incrementalResponse.estimate }
        : {}),
    });
    release(m);
  }
  print({ mean: { netPerCustomer: mean(out) } });
} else if (a.experiment === 'starbucks-ranking') {
  // How well the representation networks rank customers: the net value per test customer when the top q share by
  // predicted uplift (mean of `--folds` cross-fitted networks, or one network with --folds 1) is promoted.
  const data = await loadStarbucks();
  const shares = [0.1, 0.2, 0.3, 0.4, 0.5];
  const rows: number[][] = [];
  const folds = Number(a.folds);
  for (const seed of seeds) {
    const { trainRows, testRows } = splitIndices(data, { testFraction: 0.5, seed });
    const train = subsetRows(data, trainRows);
    const test = subsetRows(data, testRows);
    const nets =
      folds >= 2
        ? (await crossFitNets(train, folds, design, seed)).nets
        : [await new RepresentationNet({ ...design, seed }).fit(train)];
    const p = ensemblePredict(nets, matrix(test.features, test.d, 'features'));
    for (const n of nets) n.dispose();
    const up = Float64Array.from(
      { length: test.n },
      (_, i) => (p.response[i * 2 + 1] as number) - (p.response[i * 2] as number),
    );
    const order = Array.from({ length: test.n }, (_, i) => i).sort((x, y) => (up[y] as number) - (up[x] as number));
    const row = shares.map((q) => {
      const arms = new Int32Array(test.n);
      for (let r = 0; r < Math.round(q * test.n); r++) arms[order[r] as number] = 1;
      return evaluatePolicy(arms, net(test), { resamples: 0, seed }).incrementalResponse.estimate;
    });
    rows.push(row);
    print({ seed, shares, netPerCustomer: row });
  }
  print({ mean: { shares, netPerCustomer: shares.map((_, i) => mean(rows.map((r) => r[i] as number))) } });
} else if (a.experiment === 'simulator') {
  const budgets = [0.1, 0.3, 0.6];
  const rows: { value: number[]; spend: number[]; costInterval: number[][] }[] = [];
  for (const seed of seeds) {
    const { train, test, truth } = simulateCouponTrial({
      nTrain: Number(a['n-train']),
      nTest: Number(a['n-test']),
      seed,
      labelNoise: Number(a.noise),
      heavyTails: a['heavy-tails'] as boolean,
    });
    const m = await make(seed).fit(train);
    const row = { value: [] as number[], spend: [] as number[], costInterval: [] as number[][] };
    const extra = { value: [] as number[], spend: [] as number[] };
    for (const b of budgets) {
      const t = truthMetrics(truth, await m.assign(test.features, { perUser: b }), b);
      row.value.push(t.oracleRatioMatched);
      row.spend.push(t.spendRatio);
      const alt = await assignShares(m, test.features, b);
      if (alt !== undefined) {
        const u = truthMetrics(truth, alt, b);
        extra.value.push(u.oracleRatioMatched);
        extra.spend.push(u.spendRatio);
      }
      if (m instanceof HRCPipeline) {
        // The plan's own 5%-95% interval of its cost per user (bootstrap scenarios), over the budget.
        const table = (await m.policy.atBudget(b)).table;
        const q = table.plan(table.planIndex({ perUser: b })).costQuantiles;
        const lo = q[0] as number;
        const hi = q[q.length - 1] as number;
        row.costInterval.push([lo / b, hi / b]);
      }
    }
    rows.push(row);
    print({
      seed,
      budgets,
      ...row,
      ...chosen(m),
      ...(extra.value.length > 0 ? { sharesValue: extra.value, sharesSpend: extra.spend } : {}),
    });
    release(m);
  }
  const col = (k: 'value' | 'spend', i: number) => mean(rows.map((r) => r[k][i] as number));
  const covered = rows.flatMap((r) =>
    r.costInterval.map(
      ([lo, hi], i) => (r.spend[i] as number) >= (lo as number) && (r.spend[i] as number) <= (hi as number),
    ),
  );
  print({
    mean: { budgets, value: budgets.map((_, i) => col('value', i)), spend: budgets.map((_, i) => col('spend', i)) },
    maxSpend: Math.max(...rows.flatMap((r) => r.spend)),
    valueOverBudgets: mean(budgets.map((_, i) => col('value', i))),
    ...(covered.length > 0 ? { spendInPlanInterval: `${covered.filter(Boolean).length} of ${covered.length}` } : {}),
  });
} else if (a.experiment === 'hillstrom-ranking') {
  // Per-user decisions from the representation networks alone (the default pipeline's cross-fitted ensemble, same
  // seeds): each customer's arms valued by the networks' mean predicted response, costs the trial's mean cost per arm.
  const data = await loadHillstrom();
  const budgets = [0.1, 0.3, 0.5];
  const rows: number[][] = [];
  const folds = Number(a.folds);
  for (const seed of seeds) {
    const { train, test } = trainTestSplit(data, { testFraction: 0.3, seed });
    const rs = deriveSeed(seed, 'representation');
    const nets =
      folds >= 2
        ? (await crossFitNets(train, folds, { seed: rs, ...design }, rs)).nets
        : [await new RepresentationNet({ seed: rs, ...design }).fit(train)];
    const p = ensemblePredict(nets, matrix(test.features, test.d, 'features'));
    for (const n of nets) n.dispose();
    const m = train.treatmentNames.length;
    const armCost = new Float64Array(m);
    const count = new Float64Array(m);
    for (let i = 0; i < train.n; i++) {
      const t = train.treatment[i] as number;
      armCost[t] = (armCost[t] as number) + (train.cost[i] as number);
      count[t] = (count[t] as number) + 1;
    }
    const costs = Float64Array.from({ length: test.n * m }, (_, c) => {
      const j = c % m;
      return (armCost[j] as number) / Math.max(1, count[j] as number);
    });
    const path = lagrangianPath(p.response, costs, test.n, m);
    const inc = budgets.map((b) => {
      const arms = armsAtPrefix(path, prefixWithinBudget(path, b * test.n));
      return evaluatePolicy(arms, test, { resamples: 0, seed }).incrementalResponse.estimate;
    });
    rows.push(inc);
    print({ seed, budgets, incrementalResponse: inc });
  }
  print({ mean: { budgets, incrementalResponse: budgets.map((_, i) => mean(rows.map((r) => r[i] as number))) } });
} else if (a.experiment === 'hillstrom') {
  const data = await loadHillstrom();
  const budgets = [0.1, 0.3, 0.5];
  const rows: number[][] = [];
  for (const seed of seeds) {
    const { train, test } = trainTestSplit(data, { testFraction: 0.3, seed });
    const m = await make(seed).fit(train);
    const inc: number[] = [];
    const dr: number[] = [];
    const altInc: number[] = [];
    const altSpend: number[] = [];
    const spend: number[] = [];
    for (const b of budgets) {
      const arms = await m.assign(test.features, { perUser: b });
      const ev = evaluatePolicy(arms, test, { resamples: 0, seed });
      inc.push(ev.incrementalResponse.estimate);
      spend.push(ev.cost.estimate);
      // The doubly robust value of the same decisions (outcome models cross-fitted on the test rows, seeded by the
      // split, so every method of a split is scored with the same models).
      dr.push(evaluatePolicy(arms, test, { resamples: 0, seed, estimator: 'dr' }).incrementalResponse.estimate);
      const alt = await assignShares(m, test.features, b);
      if (alt !== undefined) {
        const ev2 = evaluatePolicy(alt, test, { resamples: 0, seed });
        altInc.push(ev2.incrementalResponse.estimate);
        altSpend.push(ev2.cost.estimate);
      }
    }
    rows.push(inc);
    print({
      seed,
      budgets,
      incrementalResponse: inc,
      incrementalResponseDR: dr,
      spend,
      ...chosen(m),
      ...(altInc.length > 0 ? { sharesIncrementalResponse: altInc, sharesSpend: altSpend } : {}),
    });
    release(m);
  }
  print({ mean: { budgets, incrementalResponse: budgets.map((_, i) => mean(rows.map((r) => r[i] as number))) } });
} else {
  throw new Error(
    `--experiment: expected starbucks, starbucks-ranking, simulator, hillstrom or hillstrom-ranking, got ${a.experiment}`,
  );
}
