import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure, Report } from './harness.js';

const DIR = join(tmpdir(), 'hrc-budget-bench-results');

/** Figures of one benchmark run, kept so docs/performance.md can show the latest run of each benchmark. */
export interface RecordedRun {
  bench: string;
  finishedAt: string;
  loadAverage: number[];
  figures: BenchFigure[];
}

/** A report that also keeps the figures in memory; `save()` writes them to the results folder. */
export function recording(bench: string, report: Report): { report: Report; figures: BenchFigure[]; save(): void } {
  const figures: BenchFigure[] = [];
  return {
    figures,
    report: (fig) => {
      const { lowerIsBetter = true, ...f } = fig;
      const out: BenchFigure = { ...f };
      if (f.peerValue !== undefined && f.ratio === undefined && f.value > 0 && f.peerValue > 0) {
        out.ratio = Number((lowerIsBetter ? f.peerValue / f.value : f.value / f.peerValue).toPrecision(4));
      }
      figures.push(out);
      report(fig);
    },
    save: () => {
      mkdirSync(DIR, { recursive: true });
      const run: RecordedRun = {
        bench,
        finishedAt: new Date().toISOString(),
        loadAverage: loadavg().map((v) => Number(v.toFixed(1))),
        figures,
      };
      writeFileSync(join(DIR, `${bench}.json`), JSON.stringify(run, null, 1));
    },
  };
}

/** The latest recorded run of a benchmark, if any. */
export function recorded(bench: string): RecordedRun | undefined {
  const file = join(DIR, `${bench}.json`);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RecordedRun;
}

/** Keeps a benchmark's full results (for re-rendering docs without re-running). */
export function saveResults(file: string, value: unknown): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, file), JSON.stringify(value, null, 1));
}

/** Results kept by {@link saveResults}, if any. */
export function loadResults<T>(file: string): T | undefined {
  const path = join(DIR, file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}
