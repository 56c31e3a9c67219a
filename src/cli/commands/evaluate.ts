import { ValidationError } from '../../core/errors.js';
import { loadCSV } from '../../data/csv.js';
import { alignTreatments } from '../../data/dataset.js';
import { encodedNames, reencodeFeatures, type UnknownCategory } from '../../data/encoding.js';
import type { TrialSchema } from '../../data/schema.js';
import { evaluatePolicy } from '../../eval/ipw.js';
import { writeFileAtomic } from '../../node/atomic.js';
import { datasetFingerprint } from '../../policy/fingerprint.js';
import { decisionSummary } from '../../report/decision.js';
import {
  decisionJSON,
  decisionMarkdown,
  decisionSentences,
  decisionTable,
  sourceText,
} from '../../report/decision-words.js';
import { checkOutput, encodingOption, readModelFile } from '../io.js';
import { loadModel } from '../methods.js';
import type { Progress } from '../progress.js';
import { type SchemaArgs, schemaFromArgs } from '../schema-args.js';
import { fmt, textTable } from '../table.js';

export interface EvaluateArgs extends SchemaArgs {
  policy: string;
  data: string;
  budgets: number[];
  seed: number;
  out?: string;
  /** Value of one unit of response in cost units: adds the break-even budget and the net value curve. */
  netValue?: number;
  /** Writes the decision summary's twins `<summary>.md` and `<summary>.json`. */
  summary?: string;
  onUnknown?: UnknownCategory;
}

/**
 * `hrc-budget evaluate`: the expected outcome metric (IPW) of a model's assignments on randomized trial data, at
 * each budget, with bootstrap intervals.
 */
export async function runEvaluate(a: EvaluateArgs, progress: Progress, print: (s: string) => void): Promise<void> {
  if (a.out !== undefined) await checkOutput(a.out, { '--data': a.data, '--policy': a.policy });
  const model = loadModel(await readModelFile(a.policy));
  const encoding = model.kind === 'policy' ? model.policy.encoding : model.encoding;
  const featureNames = model.kind === 'policy' ? model.policy.featureNames : model.featureNames;
  const base = schemaFromArgs(a);
  // Read exactly the model's feature columns, with its categorical columns as categories.
  const { exclude: _ignored, ...rest } = base;
  const schema: TrialSchema =
    encoding !== undefined
      ? {
          ...rest,
          features: encoding.columns.map((c) => c.name),
          categorical: encoding.columns.filter((c) => c.kind === 'categorical').map((c) => c.name),
          // Every category of the data is kept: the model's encoding decides which are known and which are (other).
          maxCategories: Number.MAX_SAFE_INTEGER,
        }
      : { ...rest, features: featureNames, categorical: [] };
  progress.stage(`reading ${a.data}`);
  const textEncoding = encodingOption(a.encoding);
  const treatmentNames = model.kind === 'policy' ? model.policy.treatmentNames : model.treatmentNames;
  // Arms are matched by name: the data's arms may come in another order, or differ (an error naming both lists).
  const data = alignTreatments(
    await loadCSV(a.data, schema, textEncoding !== undefined ? { encoding: textEncoding } : {}),
    treatmentNames,
    ['--data', 'column', schema.treatment],
  );
  const features =
    encoding !== undefined && data.encoding !== undefined
      ? reencodeFeatures(
          data.features,
          data.encoding,
          encoding,
          a.onUnknown !== undefined ? { onUnknown: a.onUnknown } : {},
        )
      : data.features;
  const d = encoding !== undefined ? encodedNames(encoding).length : featureNames.length;
  if (features.length !== data.n * d)
    throw new ValidationError({ path: ['--data'], message: `expected ${d} feature columns for this model` });
  const rows: string[][] = [];
  const results: unknown[] = [];
  const assigned = new Map<number, Int32Array>();
  for (const b of a.budgets) {
    progress.stage(`evaluating at budget ${b} per user`);
    const arms =
      model.kind === 'policy'
        ? (await model.policy.atBudget(b)).decideBatch(features, { perUser: b })
        : await model.allocator.assign(features, { perUser: b });
    assigned.set(b, arms);
    const e = evaluatePolicy(arms, data, { seed: a.seed });
    results.push({ budget: b, ...e });
    rows.push([
      fmt(b, 3),
      `${fmt(e.response.estimate)} [${fmt(e.response.lower)}, ${fmt(e.response.upper)}]`,
      `${fmt(e.cost.estimate)} [${fmt(e.cost.lower)}, ${fmt(e.cost.upper)}]`,
      `${fmt(e.incrementalResponse.estimate)} [${fmt(e.incrementalResponse.lower)}, ${fmt(e.incrementalResponse.upper)}]`,
      `${fmt(e.matched, 0)}`,
    ]);
  }
  const fingerprint = model.kind === 'policy' ? model.policy.metadata.dataFingerprint : undefined;
  const inSample = fingerprint !== undefined && fingerprint === datasetFingerprint(data);
  progress.stage('comparing with the best single arm and with nobody');
  const summary = await decisionSummary({
    data,
    budgets: a.budgets,
    assign: (b) => assigned.get(b) as Int32Array,
    method: model.kind === 'policy' ? (model.policy.metadata.method ?? 'hrc') : model.method,
    responseName: a.response ?? 'response',
    // The policy records its training data's fingerprint: the same data is in-sample; other data may still hold
    // training rows (e.g. the whole file of a --holdout fit), so only the policy's own word counts as held out.
    heldOut: inSample ? false : 'unknown',
    rowsName: inSample ? `rows of ${a.data}, the policy's own training data (in-sample)` : `rows of ${a.data}`,
    seed: a.seed,
    ...(a.netValue !== undefined ? { netValue: a.netValue } : {}),
  });
  for (const line of decisionSentences(summary)) print(line);
  print(sourceText(summary));
  print('');
  const t = decisionTable(summary);
  print(textTable(t.header, t.rows));
  print('');
  print(
    textTable(
      ['budget', 'response/user [95% CI]', 'cost/user [95% CI]', 'incremental response/user [95% CI]', 'matched rows'],
      rows,
    ),
  );
  if (a.out !== undefined) {
    await writeFileAtomic(a.out, JSON.stringify(results, null, 2), '--out');
    print(`wrote ${a.out}`);
  }
  if (a.summary !== undefined) {
    await writeFileAtomic(`${a.summary}.md`, decisionMarkdown(summary), '--summary');
    await writeFileAtomic(`${a.summary}.json`, decisionJSON(summary), '--summary');
    print(`wrote ${a.summary}.md and ${a.summary}.json`);
  }
}
