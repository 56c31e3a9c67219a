export type { DistillerOptions, DistillTeacher } from './distiller.js';
export { Distiller, defaultDistillerOptions } from './distiller.js';
export { softTargets } from './soft.js';
