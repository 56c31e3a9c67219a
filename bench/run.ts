import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchFigure, BenchModule, Report } from './harness.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const modules: BenchModule[] = [];
for (const f of files) modules.push((await import(`./${f}`)) as BenchModule);
const known = modules.map((m) => m.name);
for (const w of wanted) {
  if (!known.includes(w)) {
    process.stderr.write(`unknown benchmark '${w}'; available: ${known.join(', ')}\n`);
    process.exit(1);
  }
}
const report: Report = ({ lowerIsBetter = true, ...fig }) => {
  const out: BenchFigure = { ...fig };
  if (fig.peerValue !== undefined && fig.ratio === undefined && fig.value > 0 && fig.peerValue > 0) {
    out.ratio = Number((lowerIsBetter ? fig.peerValue / fig.value : fig.value / fig.peerValue).toPrecision(4));
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
};
for (const m of modules) {
  if (wanted.length > 0 && !wanted.includes(m.name)) continue;
  process.stderr.write(`# ${m.name}\n`);
  await m.run(report);
}
