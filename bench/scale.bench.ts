import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AllocationPolicy } from '../src/policy/index.js';
import { buildDist } from '../test/helpers/build.js';
import type { Report } from './harness.js';
import { midBudget } from './policy-fixture.js';
import { writeUsersCSV } from './scale-csv.js';
import { type ScaleResults, writePerformanceDoc } from './scale-doc.js';
import { recording, saveResults } from './scale-record.js';

export const name = 'scale';

const FIT_ROWS = Number(process.env.HRC_SCALE_FIT_ROWS ?? 1_000_000);
const ASSIGN_ROWS = Number(process.env.HRC_SCALE_ASSIGN_ROWS ?? 10_000_000);
const root = fileURLToPath(new URL('../', import.meta.url));

/** Runs `node ARGS` as a child under /usr/bin/time: its stdout, wall seconds and peak RSS (MiB, threads included). */
function measured(args: string[]): { stdout: string; seconds: number; peakRssMiB: number } {
  const timeFile = join(tmpdir(), `hrc-scale-time-${process.pid}.txt`);
  const t0 = performance.now();
  const stdout = execFileSync('/usr/bin/time', ['-f', '%M', '-o', timeFile, process.execPath, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
  rmSync(timeFile, { force: true });
  return { stdout, seconds, peakRssMiB: Math.round(kb / 1024) };
}

/**
 * The scale suite (issue 9), each part in its own child process so peak RSS is that part's alone:
 * 1. HRCPipeline fit on 1,000,000 simulated rows on the wasm backend (wall time per stage, peak RSS), and GroupStats
 *    of those rows in one pass against 4 shards merged;
 * 2. `hrc-budget assign` (the CLI, 2 worker threads) on a 10,000,000-row CSV (users/s, peak RSS), next to the same
 *    policy's SQL run by DuckDB over the same CSV (read_csv -> COPY), in the same run.
 * The CSV and outputs live in a temporary folder that is deleted at the end. Writes docs/performance.md with these
 * figures and the latest recorded run of the policy benchmark.
 */
export async function run(outer: Report): Promise<void> {
  if (!existsSync('/usr/bin/time')) throw new Error('the scale benchmark measures peak RSS with /usr/bin/time');
  buildDist();
  const rec = recording(name, outer);
  const report = rec.report;
  const loadBefore = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'hrc-scale-'));
  try {
    const policyPath = join(dir, 'policy.json');
    const fitRun = measured(['--import', 'tsx', 'bench/scale-fit.ts', String(FIT_ROWS), 'wasm', policyPath]);
    const fit = JSON.parse(fitRun.stdout.trim().split('\n').pop() as string) as ScaleResults['fit'];
    report({
      bench: 'scale',
      metric: `HRCPipeline fit seconds, ${FIT_ROWS} simulated rows (wasm; settings in docs/performance.md)`,
      value: fit.fitSeconds,
      stages: fit.stages,
      peakRssMiB: fitRun.peakRssMiB,
      k: fit.k,
      distillAgreement: fit.distillAgreement,
    });
    report({
      bench: 'scale',
      metric: `GroupStats seconds, ${FIT_ROWS} rows as 4 shards merged (200 bootstrap replicates)`,
      value: fit.groupStatsShardedSeconds,
      peer: 'GroupStats.from in one pass',
      peerValue: fit.groupStatsOnePassSeconds,
      maxRelativeDifferenceOfSums: fit.groupStatsMaxRelDiff,
    });

    const policy = AllocationPolicy.fromJSON(readFileSync(policyPath, 'utf8'));
    const budget = midBudget(policy).perUser;
    const csv = join(dir, 'users.csv');
    const gen = await writeUsersCSV(csv, ASSIGN_ROWS);
    const csvMiB = Math.round(statSync(csv).size / 2 ** 20);
    const out = join(dir, 'decisions.csv');
    const cli = measured([
      'dist/cli/main.js',
      'assign',
      '--policy',
      policyPath,
      '--data',
      csv,
      '--budget-per-user',
      String(budget),
      '--id',
      'id',
      '--workers',
      '2',
      '--out',
      out,
    ]);
    const outLines = Number(execFileSync('wc', ['-l', out], { encoding: 'utf8' }).trim().split(/\s+/)[0]) - 1;
    rmSync(out, { force: true });
    const duckOut = join(dir, 'duckdb.csv');
    const duck = measured(['--import', 'tsx', 'bench/scale-duckdb.ts', policyPath, csv, duckOut, String(budget)]);
    const duckRes = JSON.parse(duck.stdout.trim().split('\n').pop() as string) as { seconds: number; rows: number };
    rmSync(duckOut, { force: true });
    const assign = {
      rows: ASSIGN_ROWS,
      csvMiB,
      generateSeconds: gen.seconds,
      seconds: cli.seconds,
      peakRssMiB: cli.peakRssMiB,
      outputRows: outLines,
      duckdbSeconds: duck.seconds,
      duckdbQuerySeconds: duckRes.seconds,
      duckdbRows: duckRes.rows,
      duckdbPeakRssMiB: duck.peakRssMiB,
      budget,
    };
    report({
      bench: 'scale',
      metric: `hrc-budget assign users/s, ${ASSIGN_ROWS}-row CSV (${csvMiB} MiB), 2 worker threads, process wall time`,
      value: Math.round(ASSIGN_ROWS / cli.seconds),
      peer: 'policy.toSQL on embedded DuckDB 2 threads (read_csv -> COPY), process wall time',
      peerValue: Math.round(ASSIGN_ROWS / duck.seconds),
      lowerIsBetter: false,
      peakRssMiB: cli.peakRssMiB,
      peerPeakRssMiB: duck.peakRssMiB,
      outputRows: outLines,
      peerOutputRows: duckRes.rows,
    });
    rec.save();
    const results: ScaleResults = {
      fit: { ...fit, peakRssMiB: fitRun.peakRssMiB },
      assign,
      loadBefore,
      loadAfter: loadavg(),
    };
    saveResults('scale-results.json', results);
    writePerformanceDoc(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
