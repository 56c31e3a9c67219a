import type { View } from 'vega';
import { BackendUnavailableError } from '../core/errors.js';
import type { VegaLiteSpec } from './specs.js';

/** vega's logger interface (shared by vega-lite's compiler). */
type VegaLogger = ReturnType<View['logger']>;

/** An SVG chart and the warnings Vega-Lite and Vega raised while building it. */
export interface RenderedChart {
  readonly svg: string;
  readonly warnings: readonly string[];
}

/** A vega logger that collects messages instead of printing them (library code never prints). */
function collectingLogger(sink: string[]): VegaLogger {
  let lvl = 2;
  const logger: VegaLogger = {
    level(value?: number) {
      if (value === undefined) return lvl;
      lvl = value;
      return logger;
    },
    error(...args: readonly unknown[]) {
      sink.push(`error: ${args.map(String).join(' ')}`);
      return logger;
    },
    warn(...args: readonly unknown[]) {
      sink.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * Renders a Vega-Lite specification to an SVG string without a browser: compiled by vega-lite, run by a headless
 * vega View (`renderer: 'none'`). vega and vega-lite are loaded on first use.
 *
 * @example
 * ```ts
 * const { svg } = await renderSVG({ data: { values }, mark: 'line', encoding: { x: ..., y: ... } });
 * ```
 */
export async function renderSVG(spec: VegaLiteSpec): Promise<RenderedChart> {
  const { vega, compiled, warnings, logger } = await compileWith(spec);
  const view = new vega.View(vega.parse(compiled), {
    renderer: 'none',
    logger,
  });
  try {
    const svg = await view.toSVG();
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}

/** Compiles a Vega-Lite specification to a Vega one (for a live view in the page), collecting warnings. */
export async function compileSpec(spec: VegaLiteSpec): Promise<{ spec: unknown; warnings: string[] }> {
  const { compiled, warnings } = await compileWith(spec);
  return { spec: compiled, warnings };
}

async function compileWith(spec: VegaLiteSpec) {
  const [vega, vl] = await loadVega();
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  // Boundary: our specs are plain JSON; vega-lite validates them as it compiles.
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0], {
    logger,
  }).spec;
  return { vega, compiled, warnings, logger };
}

/**
 * vega and vega-lite, optional peer dependencies of the report. Throws BackendUnavailableError naming both packages
 * when either is not installed.
 */
async function loadVega(): Promise<[typeof import('vega'), typeof import('vega-lite')]> {
  try {
    return await Promise.all([import('vega'), import('vega-lite')]);
  } catch (e) {
    throw new BackendUnavailableError(
      'report',
      'vega vega-lite',
      `the report's charts are drawn by vega and vega-lite, optional peer dependencies that could not be loaded (${(e as Error).message})`,
      { cause: e },
    );
  }
}
