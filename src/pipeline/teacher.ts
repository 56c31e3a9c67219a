import type { Matrix } from '../core/types.js';
import type { RepresentationNet } from '../representation/representation.js';
import { ensemblePredict, upliftSpace } from './crossfit.js';

/** How the teacher places rows in the clustering space. */
export interface Teacher {
  readonly nets: readonly RepresentationNet[];
  readonly space: 'uplift' | 'hidden';
  readonly withCost: boolean;
}

/** The teacher's coordinates of some rows: h(x) of the single network, or the ensemble's predicted uplifts. */
export function teacherSpace(t: Teacher, features: Matrix): Matrix {
  if (t.space === 'hidden') return (t.nets[0] as RepresentationNet).embed(features);
  const m = (t.nets[0] as RepresentationNet).state.m;
  return upliftSpace(ensemblePredict(t.nets, features), m, t.withCost);
}
