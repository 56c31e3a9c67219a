import type { GLPK, LP, Options, Result } from 'glpk.js/node';
import { BackendUnavailableError, SolverError } from '../core/errors.js';
import { isNode } from '../core/runtime.js';
import {
  checkMIPProblem,
  defaultMIPSolveOptions,
  evaluateObjective,
  type MIPProblem,
  type MIPSolution,
  type MIPSolveOptions,
  type MIPSolver,
  type MIPStatus,
} from './mip.js';

/** glpk.js's Node build solves synchronously, its browser build in a web worker (a Promise): one shape for both. */
type AnyGLPK = Omit<GLPK, 'solve'> & { solve(lp: LP, options?: Options): Result | Promise<Result> };

let glpkPromise: Promise<AnyGLPK> | undefined;

/**
 * Loads glpk.js once: the synchronous Node build under Node, elsewhere the browser build, which runs GLPK in a web
 * worker made from an inline blob (nothing to serve). The Node build's specifier is a variable so that bundlers
 * leave it out of browser builds (it imports Node's `module`).
 */
async function loadGLPK(): Promise<AnyGLPK> {
  glpkPromise ??= (async () => {
    try {
      const nodeBuild = 'glpk.js/node';
      const mod = (isNode() ? await import(/* @vite-ignore */ nodeBuild) : await import('glpk.js')) as {
        default: () => Promise<AnyGLPK>;
      };
      return await mod.default();
    } catch (e) {
      glpkPromise = undefined;
      throw new BackendUnavailableError('glpk', 'glpk.js', `could not load glpk.js (${String(e)})`, { cause: e });
    }
  })();
  return glpkPromise;
}

/** Bound type code of glpk for [lower, upper]. */
function bnds(
  g: Pick<GLPK, 'GLP_FX' | 'GLP_DB' | 'GLP_LO' | 'GLP_UP' | 'GLP_FR'>,
  lower: number,
  upper: number,
): { type: number; lb: number; ub: number } {
  const lo = Number.isFinite(lower);
  const up = Number.isFinite(upper);
  if (lo && up) return { type: lower === upper ? g.GLP_FX : g.GLP_DB, lb: lower, ub: upper };
  if (lo) return { type: g.GLP_LO, lb: lower, ub: 0 };
  if (up) return { type: g.GLP_UP, lb: 0, ub: upper };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

/** Converts a {@link MIPProblem} to glpk.js's LP object (variables named x0, x1, ...). */
export function toGLPKLP(g: Omit<GLPK, 'solve'>, problem: MIPProblem): LP {
  const n = problem.objective.length;
  const name = (j: number) => `x${j}`;
  const vars = Array.from({ length: n }, (_, j) => ({ name: name(j), coef: problem.objective[j] as number }));
  const binaries: string[] = [];
  const generals: string[] = [];
  const bounds: NonNullable<LP['bounds']> = [];
  for (let j = 0; j < n; j++) {
    const lo = problem.lower[j] as number;
    const up = problem.upper[j] as number;
    if (problem.integer[j] === 1 && lo === 0 && up === 1) binaries.push(name(j));
    else {
      if (problem.integer[j] === 1) generals.push(name(j));
      bounds.push({ name: name(j), ...bnds(g, lo, up) });
    }
  }
  return {
    name: 'hrc',
    objective: { direction: problem.sense === 'maximize' ? g.GLP_MAX : g.GLP_MIN, name: 'obj', vars },
    subjectTo: problem.rows.map((row, r) => ({
      name: `r${r}`,
      vars: Array.from(row.index, (j, k) => ({ name: name(j), coef: row.value[k] as number })),
      bnds: bnds(g, row.lower, row.upper),
    })),
    bounds,
    binaries,
    generals,
  };
}

/**
 * MIP backend on glpk.js 5 (GLPK compiled to WebAssembly; a dependency). The default for the `chance` and `cvar`
 * formulations. Status mapping: GLP_OPT -> optimal, GLP_FEAS -> feasible (a limit stopped it with an incumbent),
 * GLP_NOFEAS / GLP_INFEAS -> infeasible, GLP_UNBND -> unbounded, GLP_UNDEF -> noSolution.
 */
export class GLPKSolver implements MIPSolver {
  readonly name = 'glpk';

  async solve(problem: MIPProblem, options: MIPSolveOptions = {}): Promise<MIPSolution> {
    checkMIPProblem(problem);
    const opts = { ...defaultMIPSolveOptions, ...options };
    const g = await loadGLPK();
    const t0 = performance.now();
    let res: Result;
    try {
      res = await g.solve(toGLPKLP(g, problem), {
        msglev: g.GLP_MSG_OFF,
        presol: true,
        mipgap: opts.mipGap,
        tmlim: Math.max(0.001, opts.timeLimit),
      });
    } catch (e) {
      throw new SolverError('glpk', 'error', `glpk.js failed: ${String(e)}`, { cause: e });
    }
    const seconds = (performance.now() - t0) / 1000;
    const code = res.result.status;
    const status = mapGLPKStatus(g, code);
    const n = problem.objective.length;
    const x = new Float64Array(n);
    const hasX = status === 'optimal' || status === 'feasible';
    if (hasX) for (let j = 0; j < n; j++) x[j] = res.result.vars[`x${j}`] ?? 0;
    const objective = hasX ? evaluateObjective(problem, x) : Number.NaN;
    return {
      status,
      x,
      objective,
      bound: status === 'optimal' ? objective : Number.NaN,
      gap: status === 'optimal' ? 0 : Number.NaN,
      solver: 'glpk',
      rawStatus: String(code),
      seconds,
    };
  }
}

/** Maps a glpk status code to a {@link MIPStatus}; unknown codes throw SolverError. */
export function mapGLPKStatus(
  g: Pick<GLPK, 'GLP_OPT' | 'GLP_FEAS' | 'GLP_NOFEAS' | 'GLP_INFEAS' | 'GLP_UNBND' | 'GLP_UNDEF'>,
  code: number,
): MIPStatus {
  switch (code) {
    case g.GLP_OPT:
      return 'optimal';
    case g.GLP_FEAS:
      return 'feasible';
    case g.GLP_NOFEAS:
    case g.GLP_INFEAS:
      return 'infeasible';
    case g.GLP_UNBND:
      return 'unbounded';
    case g.GLP_UNDEF:
      return 'noSolution';
    default:
      throw new SolverError('glpk', String(code), 'unknown glpk status');
  }
}
