import { HRCError, ValidationError } from '../../core/errors.js';
import { readCSVRecords } from '../../data/csv.js';
import { csvField } from '../../data/csv-grammar.js';
import type { FeatureEncoding, RawValue, UnknownCategory } from '../../data/encoding.js';
import { AtomicFile } from '../../node/atomic.js';
import { defaultDriftMonitorOptions } from '../../online/drift.js';
import { BudgetPacer } from '../../online/pacer.js';
import type { AllocationPolicy } from '../../policy/policy.js';
import type { Progress } from '../progress.js';
import { fmt } from '../table.js';
import { encodeAtLine } from './encode-line.js';

/** The online options of `hrc-budget assign`. */
export interface OnlineAssignArgs {
  data: string;
  out: string;
  id?: string;
  totalBudget?: number;
  budgetPerUser?: number;
  arrivals?: number;
  holdout?: number;
  cap?: readonly string[];
  log?: string;
  failOnDrift?: boolean;
  /** What an unknown category of a categorical column gives (see `--on-unknown`). */
  onUnknown?: UnknownCategory;
}

/** Thrown by `assign --fail-on-drift` when the drift monitor fired; the CLI exits with code 3. */
export class DriftDetectedError extends HRCError {
  constructor(message: string) {
    super('VALIDATION', message);
    this.name = 'DriftDetectedError';
  }
}

/** `--cap ARM=N` options as a record of arm name to count (repeat the option, or separate pairs by commas). */
export function parseCaps(raw: readonly string[] | undefined): Record<string, number> {
  const caps: Record<string, number> = {};
  for (const part of (raw ?? []).flatMap((r) => r.split(','))) {
    const at = part.lastIndexOf('=');
    const name = part.slice(0, at).trim();
    const n = Number(part.slice(at + 1));
    if (at <= 0 || !Number.isInteger(n) || n < 0 || part.slice(at + 1).trim() === '') {
      throw new ValidationError({
        path: ['--cap'],
        message: `expected ARM=N with N a whole number >= 0, got '${part}'`,
      });
    }
    caps[name] = n;
  }
  return caps;
}

async function countRows(file: string): Promise<number> {
  let n = 0;
  for await (const _ of readCSVRecords(file, () => undefined)) n++;
  return n;
}

/**
 * `hrc-budget assign` with a period budget: users are decided one by one in file order by a {@link BudgetPacer}
 * (pacing on planned costs, as a CSV of users carries no realised costs), with an optional holdout, arm caps,
 * a JSON-lines decision log and a drift summary.
 */
export async function runOnlineAssign(
  policy: AllocationPolicy,
  a: OnlineAssignArgs,
  progress: Progress,
  print: (s: string) => void,
): Promise<{ counts: number[]; rows: number }> {
  const caps = parseCaps(a.cap);
  progress.stage(`counting users in ${a.data}`);
  const arrivals = a.arrivals ?? (await countRows(a.data));
  if (arrivals < 1) throw new ValidationError({ path: ['--data'], message: 'the file holds no users' });
  const total = a.totalBudget ?? (a.budgetPerUser as number) * arrivals;
  const pacer = new BudgetPacer({
    policy,
    budget: { total },
    arrivals,
    caps,
    holdout: a.holdout ?? 0,
    // A CSV of users carries no realised costs: no decision ever matures, costs are the plan's.
    delay: Math.ceil(arrivals),
    drift: {},
  });
  const encoding: FeatureEncoding = policy.encoding ?? {
    columns: policy.featureNames.map((name) => ({ name, kind: 'numeric' as const })),
  };
  const buf = new Float32Array(policy.d);
  const out = await AtomicFile.open(a.out, '--out');
  let log: AtomicFile | undefined;
  try {
    log = a.log !== undefined ? await AtomicFile.open(a.log, '--log') : undefined;
  } catch (e) {
    await out.abort();
    throw e;
  }
  const names = policy.treatmentNames;
  const counts = new Array<number>(names.length).fill(0);
  let rows = 0;
  let held = 0;
  try {
    await out.write(`${a.id ?? 'id'},treatment\n`);
    let header: readonly string[] = [];
    progress.stage(`pacing ${arrivals} users over a budget of ${fmt(total)}`);
    for await (const rec of readCSVRecords(a.data, (h) => {
      header = h;
      if (a.id !== undefined && !h.includes(a.id)) {
        throw new ValidationError({
          path: ['--id', a.id],
          message: `column not found; columns seen: ${h.map((x) => `'${x}'`).join(', ')}`,
        });
      }
    })) {
      const record: Record<string, RawValue> = Object.create(null);
      header.forEach((h, i) => {
        record[h] = rec.values[i];
      });
      encodeAtLine(encoding, record, buf, rec.line, a.onUnknown);
      const id = a.id !== undefined ? String(record[a.id] ?? '') : rows;
      const d = pacer.decision(buf, id);
      counts[d.arm] = (counts[d.arm] as number) + 1;
      if (d.holdout) held++;
      await out.write(`${csvField(String(id))},${csvField(names[d.arm] as string)}\n`);
      if (log !== undefined) {
        await log.write(
          `${JSON.stringify({
            id: d.id,
            seq: d.seq,
            arm: d.arm,
            treatment: names[d.arm],
            propensity: d.propensity,
            planBudget: Number.isNaN(d.planBudget) ? null : d.planBudget,
            group: d.group,
            holdout: d.holdout,
            capped: d.capped,
          })}\n`,
        );
      }
      rows++;
      if (rows % 100_000 === 0) progress.stage(`  ${rows} rows`);
    }
    await out.commit();
    await log?.commit();
  } catch (e) {
    await out.abort();
    await log?.abort();
    throw e;
  }
  const st = pacer.status();
  const planned = st.committed;
  print(
    `pacer: ${rows} users (expected ${arrivals}), planned spend ${fmt(planned)} of a budget of ${fmt(total)} (${fmt((100 * planned) / Math.max(total, 1e-300), 3)}%), final plan budget ${fmt(st.planBudget)} per user`,
  );
  if ((a.holdout ?? 0) > 0) {
    print(`holdout: ${held} users (${fmt((100 * held) / rows, 3)}%) held out to control`);
  }
  const drift = pacer.drift();
  if (drift !== undefined) {
    const threshold = defaultDriftMonitorOptions.psiThreshold;
    const shifted = drift.psi > threshold;
    print(
      `drift: group-share PSI ${fmt(drift.psi, 3)} against the trial (threshold ${fmt(threshold, 3)}): ${shifted ? 'DRIFT' : 'ok'}`,
    );
    if (a.failOnDrift === true && (shifted || drift.events.length > 0)) {
      throw new DriftDetectedError(
        `drift detected: group-share PSI ${fmt(drift.psi, 3)} exceeds ${fmt(threshold, 3)} (--fail-on-drift); decisions were written`,
      );
    }
  }
  return { counts, rows };
}
