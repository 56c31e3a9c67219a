/**
 * Benchmark harness. Each `bench/*.bench.ts` file exports `name` and `run(report)`; `npm run bench` runs them all,
 * `npm run bench -- NAME [NAME...]` runs the named ones. Every figure is printed as one JSON line:
 * `{"bench","metric","value","peer","peerValue","ratio"}` where ratio > 1 means hrc-budget is better.
 */
export interface BenchFigure {
  bench: string;
  metric: string;
  value: number;
  peer?: string;
  peerValue?: number;
  /** > 1 means we are better. Computed from value and peerValue with `lowerIsBetter`. */
  ratio?: number;
  [extra: string]: unknown;
}

export type Report = (figure: BenchFigure & { lowerIsBetter?: boolean }) => void;

export interface BenchModule {
  name: string;
  run(report: Report): Promise<void>;
}

/** Median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? (s[k] as number) : ((s[k - 1] as number) + (s[k] as number)) / 2;
}

/** Wall-clock seconds of an async or sync function. */
export async function time<T>(f: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const t0 = process.hrtime.bigint();
  const result = await f();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, result };
}

/** Runs `f` `runs` times and returns the median seconds and the last result. */
export async function medianTime<T>(runs: number, f: () => T | Promise<T>): Promise<{ seconds: number; result: T }> {
  const secs: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const r = await time(f);
    secs.push(r.seconds);
    result = r.result;
  }
  return { seconds: median(secs), result: result as T };
}
