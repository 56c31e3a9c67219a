// The neural baselines' network options as plain data (no tfjs types in their declarations).

/** Network and training options shared by the neural baselines. All optional. */
export interface NetOptions {
  /** Units of the shared trunk's dense layers. @default [64, 32] */
  hidden?: number[];
  /** Maximum training epochs (early stopping on a validation split ends sooner). @default 40 */
  epochs?: number;
  /** Rows per gradient step. @default 256 */
  batchSize?: number;
  /** Adam step size. @default 0.003 */
  learningRate?: number;
  /** L2 penalty on weight matrices. @default 1e-5 */
  l2?: number;
  /** Share of the fitting rows used for early stopping. @default 0.15 */
  validationFraction?: number;
  /** Epochs without validation improvement before stopping. @default 4 */
  patience?: number;
}

export const defaultNetOptions = {
  hidden: [64, 32],
  epochs: 40,
  batchSize: 256,
  learningRate: 0.003,
  l2: 1e-5,
  validationFraction: 0.15,
  patience: 4,
} satisfies Required<NetOptions>;
