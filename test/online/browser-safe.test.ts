import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every module reachable from `entry` by static imports, and the bare specifiers they import. */
function reach(entry: string): { files: Set<string>; bare: Set<string> } {
  const files = new Set<string>();
  const bare = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
      const spec = m[1] as string;
      if (/^import\s+type\s/.test(m[0]) || /^export\s+type\s/.test(m[0])) continue;
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else bare.add(spec);
    }
  }
  return { files, bare };
}

describe('src/online', () => {
  it('is browser-safe: no node: modules and no tfjs among its static imports', () => {
    const { files, bare } = reach(join(src, 'online/index.ts'));
    expect(files.size).toBeGreaterThan(5);
    const bad = [...bare].filter((s) => s.startsWith('node:') || s.startsWith('@tensorflow/'));
    expect(bad).toEqual([]);
  });
});
