import { RNG } from '../../src/core/rng.js';
import { StudentNet } from '../../src/policy/student.js';

/** A random linear student over `d` features and `k` groups (standardization left as identity), for policy tests. */
export function linearStudent(d: number, k: number, seed: number): StudentNet {
  const r = new RNG(seed);
  const kernel = Float32Array.from({ length: d * k }, () => r.normal());
  return new StudentNet(
    [{ inSize: d, outSize: k, kernel, bias: new Float32Array(k), activation: 'linear' }],
    new Float32Array(d),
    new Float32Array(d).fill(1),
  );
}

/** The student's group of every row of a row-major matrix. */
export function studentGroups(student: StudentNet, features: Float32Array, d: number): Int32Array {
  const n = features.length / d;
  const groups = new Int32Array(n);
  const scratch = new Float32Array(student.outputSize);
  for (let i = 0; i < n; i++) groups[i] = student.argmax(features, i * d, scratch);
  return groups;
}
