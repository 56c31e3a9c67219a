import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mckpPath } from '../src/solver/mckp.js';
import { referenceMCKPPath } from '../test/solver/reference-mckp.js';
import type { Report } from './harness.js';

export const name = 'mckp';

const M = 5;
const SIZES = [1_000_000, 10_000_000];
const CHILD = 'HRC_MCKP_BENCH_CHILD';

/**
 * Per-user values and costs (row-major n x 5) with the shape of uplift data: costs rise with the arm, values are
 * concave in the arm with noise, so hulls keep 2-4 upgrades per user. A seeded xorshift keeps generation fast.
 */
function generate(n: number): { values: Float64Array; costs: Float64Array } {
  let s = 0x9e3779b9 | 0;
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const values = new Float64Array(n * M);
  const costs = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    const a = u();
    const b = u();
    for (let j = 0; j < M; j++) {
      costs[i * M + j] = j * (0.5 + u());
      values[i * M + j] = a * Math.log1p(j * b * 3) + 0.05 * (u() + u() + u() - 1.5);
    }
  }
  return { values, costs };
}

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  peakExtraMB: number;
  upgrades: number;
}

/** In a child process: builds the data, then times one implementation; peak RSS above the inputs. */
function child(spec: string): void {
  const [impl, nText] = spec.split(':');
  const n = Number(nText);
  const { values, costs } = generate(n);
  const base = process.resourceUsage().maxRSS;
  const runs = n <= 1_000_000 ? 3 : 1;
  const secs: number[] = [];
  const cpus: number[] = [];
  let upgrades = 0;
  let peak = 0;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const p = impl === 'ours' ? mckpPath(values, costs, n, M) : referenceMCKPPath(values, costs, n, M);
    secs.push(Number(process.hrtime.bigint() - t0) / 1e9);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1e6);
    upgrades = p.user.length;
    if (r === 0) peak = process.resourceUsage().maxRSS - base;
  }
  secs.sort((a, b) => a - b);
  cpus.sort((a, b) => a - b);
  const out: ChildResult = {
    seconds: secs[secs.length >> 1] as number,
    cpuSeconds: cpus[cpus.length >> 1] as number,
    peakExtraMB: peak / 1024,
    upgrades,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function measure(impl: 'ours' | 'peer', n: number): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD]: `${impl}:${n}` },
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`mckp bench child ${impl}:${n} failed: ${r.stderr}`);
  return JSON.parse(line) as ChildResult;
}

/**
 * mckpPath at 1,000,000 and 10,000,000 users x 5 arms against the straightforward comparator-sort implementation
 * (the library's first mckpPath, kept in test/solver/reference-mckp.ts), each in its own child process:
 * wall and CPU seconds (median of 3 at 1M, one run at 10M) and peak resident memory above the inputs.
 */
export async function run(report: Report): Promise<void> {
  for (const n of SIZES) {
    const ours = measure('ours', n);
    const peer = measure('peer', n);
    const common = { users: n, arms: M, upgrades: ours.upgrades, peerUpgrades: peer.upgrades };
    const peerName = 'comparator-sort path (first mckpPath)';
    report({
      bench: 'mckp',
      metric: `seconds, ${n} users x ${M} arms`,
      value: ours.seconds,
      peer: peerName,
      peerValue: peer.seconds,
      cpuSeconds: ours.cpuSeconds,
      peerCpuSeconds: peer.cpuSeconds,
      ...common,
    });
    report({
      bench: 'mckp',
      metric: `peak MB above inputs, ${n} users x ${M} arms`,
      value: ours.peakExtraMB,
      peer: peerName,
      peerValue: peer.peakExtraMB,
      ...common,
    });
  }
}

const spec = process.env[CHILD];
if (spec !== undefined) child(spec);
