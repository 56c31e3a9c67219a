import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** What a strict TypeScript consumer writes: the root entry and the Node entry, typed arrays in and out. */
const CONSUMER = `import {
  AllocationPolicy,
  type Budget,
  type BudgetAllocator,
  HRCPipeline,
  type Matrix,
  matrix,
  type RCTDataset,
  RepresentationNet,
  simulateCouponTrial,
} from 'hrc-budget';
import { assignCSV, writeReport } from 'hrc-budget/node';

const { train }: { train: RCTDataset } = simulateCouponTrial({ nTrain: 200, nTest: 10, seed: 1 });
const budget: Budget = { perUser: 0.3 };
const hrc: BudgetAllocator = new HRCPipeline({ seed: 1 });
const net = new RepresentationNet({ epochs: 1 });
export async function run(): Promise<Int32Array> {
  const embedded: Matrix = (await net.fit(train)).embed(matrix(train.features, train.d));
  const json: unknown = (await hrc.fit(train)).toJSON();
  hrc.dispose();
  void [embedded, json, AllocationPolicy.fromJSON, assignCSV, writeReport];
  return hrc.assign(train.features, budget);
}
`;

/**
 * Builds a consumer project next to the built package (dist/ from the global setup) and type-checks it with
 * `strict` and `skipLibCheck: false`, so every declaration file the package pulls in is checked, as a consumer's
 * compiler would.
 */
function consumer(code: string): { status: number | null; log: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'hrc-consumer-'));
  try {
    mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'hrc-budget'), 'dir');
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          lib: ['ES2023'],
          types: ['node'],
          noEmit: true,
        },
        files: ['main.ts'],
      }),
    );
    writeFileSync(join(dir, 'main.ts'), code);
    const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir, '--listFiles'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 600_000,
    });
    const log = `${r.stdout}${r.stderr}`;
    return { status: r.status, log, files: log.split('\n').filter((l) => l.endsWith('.d.ts')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('declarations for a strict consumer (skipLibCheck: false)', () => {
  it('type-checks a file importing hrc-budget and hrc-budget/node, with no tfjs declaration in the program', () => {
    const { status, log, files } = consumer(CONSUMER);
    expect(log).not.toMatch(/error TS/);
    expect(status, log).toBe(0);
    expect(files.some((f) => f.endsWith('/dist/index.d.ts'))).toBe(true);
    expect(files.some((f) => f.endsWith('/dist/node.d.ts'))).toBe(true);
    expect(files.filter((f) => f.includes('@tensorflow'))).toEqual([]);
  }, 600_000);

  it("reports a consumer's type error against the package's types (the check is real)", () => {
    const { status, log } = consumer(
      `import { HRCPipeline } from 'hrc-budget';\nexport const k: string = new HRCPipeline().name.length;\n`,
    );
    expect(status).not.toBe(0);
    expect(log).toMatch(/main\.ts.*error TS2322/);
  }, 600_000);
});
