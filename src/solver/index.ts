export type { MckpPath } from './mckp.js';
export { assignAtBudget, mckpPath } from './mckp.js';
