import * as tf from '@tensorflow/tfjs';
import { BackendUnavailableError, ValidationError } from '../core/errors.js';

/** The tfjs backends the library can run on. `'tensorflow'` is the native @tensorflow/tfjs-node backend. */
export type BackendName = 'cpu' | 'wasm' | 'webgl' | 'tensorflow';

const PACKAGES: Record<BackendName, string | undefined> = {
  cpu: undefined,
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  tensorflow: '@tensorflow/tfjs-node',
};

/**
 * Switches tfjs to a backend, loading its optional package on first use. `cpu` ships with the library; `wasm`
 * needs `@tensorflow/tfjs-backend-wasm`, `webgl` a browser (its kernels ship with `@tensorflow/tfjs`), and
 * `tensorflow` needs `@tensorflow/tfjs-node`. Throws {@link BackendUnavailableError} naming the package to install
 * when it is missing or the backend cannot start here.
 *
 * @example
 * ```ts
 * await useBackend('wasm');
 * ```
 */
export async function useBackend(name: BackendName): Promise<void> {
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
      throw new BackendUnavailableError(name, pkg, `could not load ${pkg} (${(e as Error).message})`, { cause: e });
    }
  }
  if (tf.findBackendFactory(name) == null) {
    const reason =
      name === 'webgl' && typeof document === 'undefined'
        ? 'WebGL exists only in a browser'
        : 'the backend did not register itself';
    throw new BackendUnavailableError(name, pkg ?? '@tensorflow/tfjs', reason);
  }
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
    throw new BackendUnavailableError(name, pkg ?? '@tensorflow/tfjs', 'it failed to initialise on this machine');
  }
}

/** The name of the tfjs backend in use. */
export function currentBackend(): string {
  return tf.getBackend();
}
