export type { WrittenReport } from './write.js';
export { writeFileAtomic, writeReport } from './write.js';
