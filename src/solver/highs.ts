import { BackendUnavailableError, SolverError } from '../core/errors.js';
import {
  checkMIPProblem,
  defaultMIPSolveOptions,
  evaluateObjective,
  type MIPProblem,
  type MIPSolution,
  type MIPSolveOptions,
  type MIPSolver,
  type MIPStatus,
  relativeGap,
} from './mip.js';

/** The part of the `highs` package (>= 1.8, persistent model API) this backend uses. `any`-free but loose. */
interface HighsModule {
  readonly infinity: number;
  readonly constants?: { readonly objectiveSense?: { readonly minimize: unknown; readonly maximize: unknown } };
  createModel(data: Record<string, unknown>): HighsModel;
}
interface HighsModel {
  readonly options: { set(values: Record<string, unknown>): unknown };
  readonly info: { get(name: string): number | bigint };
  run(): { modelStatus: number };
  getSolution(): { colValue: Float64Array };
  dispose(): void;
}

let highsPromise: Promise<HighsModule> | undefined;

/** Loads the optional peer `highs` on first use; BackendUnavailableError if it is missing or fails. */
async function loadHighs(): Promise<HighsModule> {
  highsPromise ??= (async () => {
    try {
      const name = 'highs';
      const mod = (await import(/* @vite-ignore */ name)) as { default: () => Promise<HighsModule> };
      const h = await mod.default();
      if (typeof h.createModel !== 'function') throw new Error('highs >= 1.8 with createModel() is required');
      return h;
    } catch (e) {
      highsPromise = undefined;
      throw new BackendUnavailableError('highs', 'highs', `could not load the optional peer 'highs' (${String(e)})`, {
        cause: e,
      });
    }
  })();
  return highsPromise;
}

/**
 * Maps a HiGHS model status code to a {@link MIPStatus}. Limits (objective bound/target 11-12, time 13, iterations
 * 14, unknown 15, solution count 16, interrupt 17) give `feasible` when a primal solution exists, else
 * `noSolution`; load/model/presolve/solve/postsolve errors (1-5) and not-set (0) throw SolverError.
 */
export function mapHighsStatus(code: number, hasSolution: boolean): MIPStatus {
  switch (code) {
    case 7:
      return 'optimal';
    case 6:
      return 'optimal';
    case 8:
      return 'infeasible';
    case 9:
      return 'infeasibleOrUnbounded';
    case 10:
      return 'unbounded';
    case 11:
    case 12:
    case 13:
    case 14:
    case 15:
    case 16:
    case 17:
      return hasSolution ? 'feasible' : 'noSolution';
    default:
      throw new SolverError('highs', String(code), 'HiGHS failed (load, model, presolve, solve or postsolve error)');
  }
}

/**
 * MIP backend on the optional peer `highs` (HiGHS compiled to WebAssembly), loaded on demand. Install it with
 * `npm install highs`; without it `solve` throws BackendUnavailableError.
 */
export class HighsSolver implements MIPSolver {
  readonly name = 'highs';

  async solve(problem: MIPProblem, options: MIPSolveOptions = {}): Promise<MIPSolution> {
    checkMIPProblem(problem);
    const opts = { ...defaultMIPSolveOptions, ...options };
    const h = await loadHighs();
    const t0 = performance.now();
    const n = problem.objective.length;
    const inf = (v: number) =>
      v === Number.POSITIVE_INFINITY ? h.infinity : v === Number.NEGATIVE_INFINITY ? -h.infinity : v;
    const starts = new Int32Array(problem.rows.length + 1);
    let nnz = 0;
    problem.rows.forEach((r, i) => {
      starts[i] = nnz;
      nnz += r.index.length;
    });
    starts[problem.rows.length] = nnz;
    const indices = new Int32Array(nnz);
    const values = new Float64Array(nnz);
    problem.rows.forEach((r, i) => {
      indices.set(Array.from(r.index), starts[i] as number);
      values.set(Array.from(r.value), starts[i] as number);
    });
    const anyInteger = Array.from(problem.integer).some((v) => v === 1);
    let model: HighsModel | undefined;
    try {
      model = h.createModel({
        numCols: n,
        numRows: problem.rows.length,
        sense:
          problem.sense === 'maximize'
            ? (h.constants?.objectiveSense?.maximize ?? -1)
            : (h.constants?.objectiveSense?.minimize ?? 1),
        offset: problem.offset ?? 0,
        colCost: Float64Array.from(problem.objective),
        colLower: Float64Array.from(problem.lower, inf),
        colUpper: Float64Array.from(problem.upper, inf),
        rowLower: Float64Array.from(problem.rows, (r) => inf(r.lower)),
        rowUpper: Float64Array.from(problem.rows, (r) => inf(r.upper)),
        matrix: { format: 'csr', numRows: problem.rows.length, numCols: n, starts, indices, values },
        ...(anyInteger ? { integrality: Int32Array.from(problem.integer) } : {}),
      });
      model.options.set({
        output_flag: false,
        time_limit: opts.timeLimit,
        mip_rel_gap: opts.mipGap,
        ...(opts.mipGap === 0 ? { mip_abs_gap: 0 } : {}),
      });
      const { modelStatus } = model.run();
      const hasSolution = Number(model.info.get('primal_solution_status')) === 2;
      const status = mapHighsStatus(modelStatus, hasSolution);
      const hasX = status === 'optimal' || status === 'feasible';
      const x = hasX ? Float64Array.from(model.getSolution().colValue) : new Float64Array(n);
      const objective = hasX ? evaluateObjective(problem, x) : Number.NaN;
      let bound = status === 'optimal' ? objective : Number.NaN;
      if (anyInteger && hasX) {
        try {
          bound = Number(model.info.get('mip_dual_bound'));
        } catch {
          // not available for this model
        }
      }
      return {
        status,
        x,
        objective,
        bound,
        gap: relativeGap(objective, bound),
        solver: 'highs',
        rawStatus: String(modelStatus),
        seconds: (performance.now() - t0) / 1000,
      };
    } catch (e) {
      if (e instanceof SolverError) throw e;
      throw new SolverError('highs', 'error', `HiGHS failed: ${String(e)}`, { cause: e });
    } finally {
      model?.dispose();
    }
  }
}
