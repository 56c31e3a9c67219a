import type { RepresentationNet } from '../representation/representation.js';
import { ensemblePredict, upliftSpace } from './crossfit.js';

/** How the teacher places rows in the clustering space. */
export interface Teacher {
  readonly nets: readonly RepresentationNet[];
  readonly space: 'uplift' | 'hidden';
  readonly withCost: boolean;
}

/** The teacher's coordinates of some rows: h(x) of the single network, or the ensemble's predicted uplifts. */
export function teacherSpace(t: Teacher, features: Float32Array): { x: Float32Array; dim: number } {
  if (t.space === 'hidden') {
    const net = t.nets[0] as RepresentationNet;
    return { x: net.embed(features), dim: net.embeddingDim };
  }
  const m = (t.nets[0] as RepresentationNet).state.m;
  return upliftSpace(ensemblePredict(t.nets, features), m, t.withCost);
}
