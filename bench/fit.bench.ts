import { useBackend } from '../src/backend/index.js';
import { HRCPaperPipeline, HRCPipeline } from '../src/pipeline/index.js';
import { simulateCouponTrial } from '../src/sim/index.js';
import { type Report, time } from './harness.js';

export const name = 'fit';

const ROWS = 100_000;

/**
 * Fit time of the whole HRC pipeline per 100,000 simulator rows (5 arms), default options, on the wasm backend:
 * the default design (four cross-fitted [256, 128] networks, one or two more to choose `upliftL2`, uplift-space
 * groups, shrinkage) against the paper's design (`HRCPaperPipeline`: one [256, 128] network on all rows, groups on
 * its hidden layer) in the same run. Two figures: the defaults (`fitWorkers: 'auto'`: the cross-fitted networks
 * train on worker threads, as many at once as the cores allow) and `fitWorkers: 1` (every network in one thread,
 * as in a browser or on a one-core machine). The paper's design trains one network, which one thread does.
 * Ratio > 1: the default fits faster than the paper's design.
 */
export async function run(report: Report): Promise<void> {
  await useBackend('wasm');
  const { train } = simulateCouponTrial({ nTrain: ROWS, nTest: 10, seed: 1 });
  const paper = await time(async () => (await new HRCPaperPipeline({ seed: 1 }).fit(train)).dispose());
  for (const fitWorkers of ['auto', 1] as const) {
    let folds = 0;
    let workers = 1;
    const ours = await time(async () => {
      const p = await new HRCPipeline({
        seed: 1,
        fitWorkers,
        onProgress: (e) => {
          const m = /(\d+) at a time on worker threads/.exec(e.message ?? '');
          if (m !== null) workers = Number(m[1]);
        },
      }).fit(train);
      folds = p.upliftL2Choice?.foldsCompared ?? 0;
      p.dispose();
    });
    report({
      bench: 'fit',
      metric:
        fitWorkers === 'auto'
          ? 'seconds per 100,000 rows (HRCPipeline defaults)'
          : 'seconds per 100,000 rows (HRCPipeline defaults, fitWorkers: 1)',
      value: Number(ours.seconds.toFixed(2)),
      peer: 'hrc-paper (HRCPaperPipeline defaults)',
      peerValue: Number(paper.seconds.toFixed(2)),
      rows: ROWS,
      // Networks trained at once (worker threads; 1: this thread only).
      fitWorkers: workers,
      // Folds that trained one network per upliftL2 candidate (each adds one network to the four).
      upliftL2FoldsCompared: folds,
    });
  }
}
