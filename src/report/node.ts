export type { WrittenReport } from './write.js';
export { writeReport } from './write.js';
