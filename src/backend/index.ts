import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, ValidationError } from '../core/errors.js';
import { isNode } from '../core/runtime.js';

/** The tfjs backends the library can run on. `'tensorflow'` is the native @tensorflow/tfjs-node backend. */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'tensorflow';

const PACKAGES: Record<BackendName, string | undefined> = {
  cpu: undefined,
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  tensorflow: '@tensorflow/tfjs-node',
};

/** Options of {@link useBackend}. */
export interface UseBackendOptions {
  /**
   * Let `webgl` run on a software renderer (SwiftShader, llvmpipe: a browser without a usable GPU, such as headless
   * CI). tfjs refuses such contexts by default (`failIfMajorPerformanceCaveat`) because they are usually slower
   * than `wasm`; see docs/backends.md. @default false
   */
  allowSoftwareWebgl?: boolean;
}

/**
 * Switches tfjs to a backend, loading its optional package on first use. `cpu` ships with the library; `wasm`
 * needs `@tensorflow/tfjs-backend-wasm`, `webgl` a browser (its kernels ship with `@tensorflow/tfjs`), and
 * `tensorflow` needs `@tensorflow/tfjs-node`. Throws {@link BackendUnavailableError} naming the package to install
 * when it is missing or the backend cannot start here.
 *
 * It is not named `setBackend` because it does more than tfjs's `tf.setBackend`: it loads the backend's optional
 * package, enables software WebGL on request, switches, and awaits `tf.ready()`, so the backend is usable (or has
 * failed with a typed error) once the promise settles.
 *
 * In a bundled browser app, import `@tensorflow/tfjs-backend-wasm` yourself (and point `setWasmPaths` at its
 * `.wasm` files) so that the bundler includes it; `webgl` needs nothing extra.
 *
 * @example
 * ```ts
 * await useBackend('wasm');
 * ```
 */
export async function useBackend(name: BackendName, options: UseBackendOptions = {}): Promise<void> {
  if (!Object.hasOwn(PACKAGES, name)) {
    throw new ValidationError({
      path: ['backend'],
      message: `expected one of 'cpu', 'wasm', 'webgl', 'tensorflow', got ${JSON.stringify(name)}`,
    });
  }
  const pkg = PACKAGES[name];
  if (pkg !== undefined && tf.findBackendFactory(name) == null) {
    try {
      await import(/* @vite-ignore */ pkg);
    } catch (e) {
      const hint = isNode() ? '' : `; in a bundled app add \`import '${pkg}'\` so that the bundler includes it`;
      throw new BackendUnavailableError(name, pkg, `could not load ${pkg} (${(e as Error).message})${hint}`, {
        cause: e,
      });
    }
  }
  if (tf.findBackendFactory(name) == null) {
    const reason =
      name === 'webgl' && typeof document === 'undefined'
        ? 'WebGL exists only in a browser'
        : 'the backend did not register itself';
    throw new BackendUnavailableError(name, pkg ?? '@tensorflow/tfjs', reason);
  }
  if (name === 'webgl' && options.allowSoftwareWebgl === true) tf.env().set('SOFTWARE_WEBGL_ENABLED', true);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (e) {
    throw new BackendUnavailableError(
      name,
      pkg ?? '@tensorflow/tfjs',
      `it failed to initialise (${(e as Error).message})`,
      { cause: e },
    );
  }
  if (!ok || tf.getBackend() !== name) {
    const hint =
      name === 'webgl' && options.allowSoftwareWebgl !== true
        ? ' (without a GPU, pass { allowSoftwareWebgl: true } to accept a software renderer, or use wasm)'
        : '';
    throw new BackendUnavailableError(
      name,
      pkg ?? '@tensorflow/tfjs',
      `it failed to initialise on this machine${hint}`,
    );
  }
}

/** The name of the tfjs backend in use. */
export function currentBackend(): string {
  return tf.getBackend();
}

/**
 * The name of the tfjs backend that computations will run on, once tfjs has picked one: before the first tensor
 * op and without {@link useBackend}, tfjs has not chosen its backend yet and {@link currentBackend} has no name.
 */
export async function readyBackend(): Promise<string> {
  await tf.ready();
  return tf.getBackend();
}
