export type { CouponTrialOptions, SimulatedTrial, TrialTruth } from './simulator.js';
export { defaultCouponTrialOptions, simulateCouponTrial } from './simulator.js';
export type { TrueValue } from './truth.js';
export { oracleAssign, trueValue } from './truth.js';
