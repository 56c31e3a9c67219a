import { watHeader } from './signatures.js';

/**
 * Generates the WebAssembly text of the library's SIMD kernels (src/wasm/kernels.wat). The kernels unroll fixed
 * register blocks (two rows by sixteen centroids, two rows by eight outputs), which is why the text is generated
 * rather than written by hand. Every function header comes from the signature table (scripts/wasm/signatures.ts).
 * `npm run build:wasm` writes the text, the compiled bytes (src/wasm/bytes.ts) and the TypeScript signatures
 * (src/wasm/signatures.ts); test/wasm/kernels.test.ts checks that all three are current.
 *
 * Memory is the module's own (exported as `memory`); callers place inputs and outputs at byte offsets they choose.
 */

const lines: string[] = [];
let depth = 0;
function w(s: string): void {
  lines.push(`${'  '.repeat(Math.max(depth, 0))}${s}`);
  if (s.startsWith(';;')) return;
  depth += (s.match(/\(/g) ?? []).length - (s.match(/\)/g) ?? []).length;
}

/** A signature's header lines from the table (scripts/wasm/signatures.ts). */
function header(name: string): void {
  for (const line of watHeader(name)) w(line);
}

/**
 * The blocked scans: nearest2, and nearestAll (`all`), which also writes every distance or squared distance.
 */
function nearestScan(all: boolean): void {
  if (all) {
    w(';; nearestAll: nearest2 over `count` consecutive rows (rows must be -1) that also writes every distance:');
    w(';; dist[r * kp + j] = sqrt(max(xn[r] + cn[j] - 2 x.c_j, 0)) * (1 - 2^-20) (xn: count f32 squared row norms),');
    w(';; lower bounds for Elkan with a margin for float32 rounding; padding lanes get +inf. With `squared` != 0,');
    w(';; the squared distances instead: dist[r * kp + j] = max(xn[r] + cn[j] - 2 x.c_j, 0).');
  }
  w(';; nearest2: for each of `count` rows (row-major f32, `d` per row, at byte offset `x`; row r is row');
  w(';; rows[r] when `rows` >= 0, else row r), the nearest and second-nearest of `kp` centroids. Centroids come');
  w(';; transposed (`ct`: d x kp f32, kp a multiple of 4) with their squared norms (`cn`: kp f32; padding +inf).');
  w(';; Writes per r: label (i32 at lab), cn[j] - 2 x.c_j of the nearest (f32 at o1) and of the second (f32 at o2).');
  w(';; Strict comparisons in centroid order: the first centroid wins a tie, as in the TypeScript scan.');
  header(all ? 'nearestAll' : 'nearest2');
  if (all) w('(local $xna v128) (local $xnb v128) (local $lbp i32) (local $margin v128) (local $zero v128)');
  w('(local $r i32) (local $pa i32) (local $pb i32) (local $ta i32) (local $tb i32) (local $te i32)');
  w('(local $jb i32) (local $p i32) (local $stride i32) (local $rowBytes i32) (local $rb i32)');
  w('(local $a1 f32) (local $a2 f32) (local $ai i32) (local $b1 f32) (local $b2 f32) (local $bi i32) (local $v f32)');
  w('(local $a0 v128) (local $a1v v128) (local $a2v v128) (local $a3 v128)');
  w('(local $b0 v128) (local $b1v v128) (local $b2v v128) (local $b3 v128)');
  w('(local $xa v128) (local $xb v128) (local $c v128) (local $n v128)');
  w('(local.set $stride (i32.shl (local.get $kp) (i32.const 2)))');
  w('(local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))');
  if (all) w(`(local.set $margin (f32x4.splat (f32.const ${1 - 2 ** -20})))`);
  w('(block $done');
  w('(loop $rowLoop');
  w('(br_if $done (i32.ge_u (local.get $r) (local.get $count)))');
  // Second row of the pair: r + 1, or r again at the end.
  w('(local.set $rb (select (i32.add (local.get $r) (i32.const 1)) (local.get $r)');
  w('(i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $count))))');
  w('(if (i32.ge_s (local.get $rows) (i32.const 0))');
  w('(then');
  w('(local.set $pa (i32.add (local.get $x) (i32.mul (local.get $rowBytes)');
  w('(i32.load (i32.add (local.get $rows) (i32.shl (local.get $r) (i32.const 2)))))))');
  w('(local.set $pb (i32.add (local.get $x) (i32.mul (local.get $rowBytes)');
  w('(i32.load (i32.add (local.get $rows) (i32.shl (local.get $rb) (i32.const 2))))))))');
  w('(else');
  w('(local.set $pa (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (local.get $r))))');
  w('(local.set $pb (i32.add (local.get $x) (i32.mul (local.get $rowBytes) (local.get $rb))))))');
  w('(local.set $a1 (f32.const inf)) (local.set $a2 (f32.const inf)) (local.set $ai (i32.const 0))');
  w('(local.set $b1 (f32.const inf)) (local.set $b2 (f32.const inf)) (local.set $bi (i32.const 0))');
  w('(local.set $jb (i32.const 0))');
  centroidBlocks(all, 4);
  centroidBlocks(all, 1);
  w('(i32.store (i32.add (local.get $lab) (i32.shl (local.get $r) (i32.const 2))) (local.get $ai))');
  w('(f32.store (i32.add (local.get $o1) (i32.shl (local.get $r) (i32.const 2))) (local.get $a1))');
  w('(f32.store (i32.add (local.get $o2) (i32.shl (local.get $r) (i32.const 2))) (local.get $a2))');
  w('(i32.store (i32.add (local.get $lab) (i32.shl (local.get $rb) (i32.const 2))) (local.get $bi))');
  w('(f32.store (i32.add (local.get $o1) (i32.shl (local.get $rb) (i32.const 2))) (local.get $b1))');
  w('(f32.store (i32.add (local.get $o2) (i32.shl (local.get $rb) (i32.const 2))) (local.get $b2))');
  w('(local.set $r (i32.add (local.get $r) (i32.const 2)))');
  w('(br $rowLoop)))');
  w(')');
}

/**
 * The centroid loop of nearest2/nearestAll from the current $jb: blocks of `width` vectors (4 x width centroids)
 * while a whole block fits in kp, two rows per block.
 */
function centroidBlocks(all: boolean, width: 4 | 1): void {
  const acc = ['0', '1v', '2v', '3'].slice(0, width);
  const lanes = 4 * width;
  w(`(block $jDone${lanes}`);
  w(`(loop $jLoop${lanes}`);
  w(`(br_if $jDone${lanes} (i32.gt_u (i32.add (local.get $jb) (i32.const ${lanes})) (local.get $kp)))`);
  for (const sfx of acc) for (const row of ['a', 'b']) w(`(local.set $${row}${sfx} (v128.const i32x4 0 0 0 0))`);
  w('(local.set $p (i32.add (local.get $ct) (i32.shl (local.get $jb) (i32.const 2))))');
  w('(local.set $ta (local.get $pa)) (local.set $tb (local.get $pb))');
  w('(local.set $te (i32.add (local.get $pa) (local.get $rowBytes)))');
  w(`(block $tDone${lanes}`);
  w(`(loop $tLoop${lanes}`);
  w(`(br_if $tDone${lanes} (i32.ge_u (local.get $ta) (local.get $te)))`);
  w('(local.set $xa (v128.load32_splat (local.get $ta)))');
  w('(local.set $xb (v128.load32_splat (local.get $tb)))');
  acc.forEach((s, q) => {
    w(`(local.set $c (v128.load offset=${16 * q} (local.get $p)))`);
    w(`(local.set $a${s} (f32x4.add (local.get $a${s}) (f32x4.mul (local.get $xa) (local.get $c))))`);
    w(`(local.set $b${s} (f32x4.add (local.get $b${s}) (f32x4.mul (local.get $xb) (local.get $c))))`);
  });
  w('(local.set $p (i32.add (local.get $p) (local.get $stride)))');
  w('(local.set $ta (i32.add (local.get $ta) (i32.const 4)))');
  w('(local.set $tb (i32.add (local.get $tb) (i32.const 4)))');
  w(`(br $tLoop${lanes})))`);
  // Values cn - 2 x.c, then the scalar top-two update only when some lane beats the current second best.
  acc.forEach((s, q) => {
    w(`(local.set $n (v128.load offset=${16 * q} (i32.add (local.get $cn) (i32.shl (local.get $jb) (i32.const 2)))))`);
    w(`(local.set $a${s} (f32x4.sub (local.get $n) (f32x4.add (local.get $a${s}) (local.get $a${s}))))`);
    w(`(local.set $b${s} (f32x4.sub (local.get $n) (f32x4.add (local.get $b${s}) (local.get $b${s}))))`);
  });
  if (all) {
    for (const row of ['a', 'b'] as const) {
      const idx = row === 'a' ? '$r' : '$rb';
      w(
        `(local.set $xn${row} (v128.load32_splat (i32.add (local.get $xn) (i32.shl (local.get ${idx}) (i32.const 2)))))`,
      );
      w(
        `(local.set $lbp (i32.add (i32.add (local.get $dist) (i32.mul (local.get ${idx}) (local.get $stride))) (i32.shl (local.get $jb) (i32.const 2))))`,
      );
      acc.forEach((sfx, q) => {
        const value = `(f32x4.max (local.get $zero) (f32x4.add (local.get $xn${row}) (local.get $${row}${sfx})))`;
        w(`(v128.store offset=${16 * q} (local.get $lbp) (if (result v128) (local.get $squared) (then ${value})`);
        w(`(else (f32x4.mul (local.get $margin) (f32x4.sqrt ${value})))))`);
      });
    }
  }
  for (const row of ['a', 'b'] as const) {
    const least =
      width === 4
        ? `(f32x4.min (f32x4.min (local.get $${row}0) (local.get $${row}1v)) (f32x4.min (local.get $${row}2v) (local.get $${row}3)))`
        : `(local.get $${row}0)`;
    w(`(if (v128.any_true (f32x4.lt ${least} (f32x4.splat (local.get $${row}2))))`);
    w('(then');
    acc.forEach((s, q) => {
      for (let lane = 0; lane < 4; lane++) top2Named(row, `${row}${s}`, q, lane);
    });
    w('))');
  }
  w(`(local.set $jb (i32.add (local.get $jb) (i32.const ${lanes})))`);
  w(`(br $jLoop${lanes})))`);
}

/** Scalar top-two update of row `row` (a or b) with lane `lane` of accumulator `accName`: centroid jb + 4q + lane. */
function top2Named(row: 'a' | 'b', accName: string, q: number, lane: number): void {
  w(`(local.set $v (f32x4.extract_lane ${lane} (local.get $${accName})))`);
  w(`(if (f32.lt (local.get $v) (local.get $${row}2))`);
  w('(then');
  w(`(if (f32.lt (local.get $v) (local.get $${row}1))`);
  w('(then');
  w(`(local.set $${row}2 (local.get $${row}1))`);
  w(`(local.set $${row}1 (local.get $v))`);
  w(`(local.set $${row}i (i32.add (local.get $jb) (i32.const ${4 * q + lane}))))`);
  w(`(else (local.set $${row}2 (local.get $v))))))`);
}

function hamerly(): void {
  w(';; hamerly: the E-step filter of Hamerly k-means over n resident rows (x f32, d per row; c: k x d f32).');
  w(';; For row i with label a: upper += shift[a]; lower -= (a == maxAt ? secondShift : maxShift); when upper');
  w(';; exceeds max(half[a], lower), upper becomes the exact distance to c_a (f64 sums); if it still exceeds it,');
  w(';; i is appended to `rescan` (i32). Returns the number of rows appended. upper, lower, shift, half: f64.');
  header('hamerly');
  w('(local $i i32) (local $a i32) (local $u f64) (local $l f64) (local $bound f64) (local $count i32)');
  w('(local $px i32) (local $pc i32) (local $t i32) (local $d4 i32) (local $rowBytes i32) (local $s f64)');
  w('(local $acc v128) (local $vx v128) (local $vc v128) (local $dv v128) (local $sx f64)');
  w('(local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))');
  w('(local.set $d4 (i32.and (local.get $d) (i32.const -4)))');
  w('(block $done');
  w('(loop $loop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $n)))');
  w('(local.set $a (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))');
  w('(local.set $u (f64.add (f64.load (i32.add (local.get $upper) (i32.shl (local.get $i) (i32.const 3))))');
  w('(f64.load (i32.add (local.get $shift) (i32.shl (local.get $a) (i32.const 3))))))');
  w('(local.set $l (f64.sub (f64.load (i32.add (local.get $lower) (i32.shl (local.get $i) (i32.const 3))))');
  w('(select (local.get $secondShift) (local.get $maxShift) (i32.eq (local.get $a) (local.get $maxAt)))))');
  w('(local.set $bound (f64.load (i32.add (local.get $half) (i32.shl (local.get $a) (i32.const 3)))))');
  w('(if (f64.gt (local.get $l) (local.get $bound)) (then (local.set $bound (local.get $l))))');
  w('(f64.store (i32.add (local.get $lower) (i32.shl (local.get $i) (i32.const 3))) (local.get $l))');
  w('(if (f64.gt (local.get $u) (local.get $bound))');
  w('(then');
  w('(local.set $px (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))');
  w('(local.set $pc (i32.add (local.get $c) (i32.mul (local.get $a) (local.get $rowBytes))))');
  w('(local.set $acc (v128.const i32x4 0 0 0 0))');
  w('(local.set $t (i32.const 0))');
  w('(block $vDone');
  w('(loop $vLoop');
  w('(br_if $vDone (i32.ge_u (local.get $t) (local.get $d4)))');
  w('(local.set $vx (v128.load (i32.add (local.get $px) (i32.shl (local.get $t) (i32.const 2)))))');
  w('(local.set $vc (v128.load (i32.add (local.get $pc) (i32.shl (local.get $t) (i32.const 2)))))');
  w('(local.set $dv (f64x2.sub (f64x2.promote_low_f32x4 (local.get $vx)) (f64x2.promote_low_f32x4 (local.get $vc))))');
  w('(local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $dv) (local.get $dv))))');
  const hi = '8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15';
  w(`(local.set $vx (i8x16.shuffle ${hi} (local.get $vx) (local.get $vx)))`);
  w(`(local.set $vc (i8x16.shuffle ${hi} (local.get $vc) (local.get $vc)))`);
  w('(local.set $dv (f64x2.sub (f64x2.promote_low_f32x4 (local.get $vx)) (f64x2.promote_low_f32x4 (local.get $vc))))');
  w('(local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $dv) (local.get $dv))))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 4)))');
  w('(br $vLoop)))');
  w('(local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))');
  w('(block $sDone');
  w('(loop $sLoop');
  w('(br_if $sDone (i32.ge_u (local.get $t) (local.get $d)))');
  w(
    '(local.set $sx (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $px) (i32.shl (local.get $t) (i32.const 2)))))',
  );
  w('(f64.promote_f32 (f32.load (i32.add (local.get $pc) (i32.shl (local.get $t) (i32.const 2)))))))');
  w('(local.set $s (f64.add (local.get $s) (f64.mul (local.get $sx) (local.get $sx))))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 1)))');
  w('(br $sLoop)))');
  w('(local.set $u (f64.sqrt (local.get $s)))');
  w('(if (f64.gt (local.get $u) (local.get $bound))');
  w('(then');
  w('(i32.store (i32.add (local.get $rescan) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))');
  w('(local.set $count (i32.add (local.get $count) (i32.const 1)))))))');
  w('(f64.store (i32.add (local.get $upper) (i32.shl (local.get $i) (i32.const 3))) (local.get $u))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $loop)))');
  w('(local.get $count)');
  w(')');
}

/**
 * Sum of squares into local `$sx` (float32, four independent accumulators over blocks of sixteen, then blocks of
 * four, then the remaining columns) of the row at byte offset `$px`, or, with `diff`, of its difference to the
 * centroid at `$pc`. Uses locals $t, $d16, $d4, $e0..$e3, $ev, $ex ({@link DIST_LOCALS}).
 */
function emitSumSq(diff: boolean): void {
  const vec = (at: string, offset: number): string => {
    const o = offset === 0 ? '' : ` offset=${offset}`;
    return `(v128.load${o} (i32.add (local.get ${at}) (i32.shl (local.get $t) (i32.const 2))))`;
  };
  const scalar = (at: string): string =>
    `(f32.load (i32.add (local.get ${at}) (i32.shl (local.get $t) (i32.const 2))))`;
  const vTerm = (offset: number): string =>
    diff ? `(f32x4.sub ${vec('$px', offset)} ${vec('$pc', offset)})` : vec('$px', offset);
  const sTerm = diff ? `(f32.sub ${scalar('$px')} ${scalar('$pc')})` : scalar('$px');
  w('(local.set $e0 (v128.const i32x4 0 0 0 0)) (local.set $e1 (v128.const i32x4 0 0 0 0))');
  w('(local.set $e2 (v128.const i32x4 0 0 0 0)) (local.set $e3 (v128.const i32x4 0 0 0 0))');
  w('(local.set $t (i32.const 0))');
  w('(block $d16Done');
  w('(loop $d16Loop');
  w('(br_if $d16Done (i32.ge_u (local.get $t) (local.get $d16)))');
  for (let q = 0; q < 4; q++) {
    w(`(local.set $ev ${vTerm(16 * q)})`);
    w(`(local.set $e${q} (f32x4.add (local.get $e${q}) (f32x4.mul (local.get $ev) (local.get $ev))))`);
  }
  w('(local.set $t (i32.add (local.get $t) (i32.const 16)))');
  w('(br $d16Loop)))');
  w('(block $d4Done');
  w('(loop $d4Loop');
  w('(br_if $d4Done (i32.ge_u (local.get $t) (local.get $d4)))');
  w(`(local.set $ev ${vTerm(0)})`);
  w('(local.set $e0 (f32x4.add (local.get $e0) (f32x4.mul (local.get $ev) (local.get $ev))))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 4)))');
  w('(br $d4Loop)))');
  w(
    '(local.set $e0 (f32x4.add (f32x4.add (local.get $e0) (local.get $e1)) (f32x4.add (local.get $e2) (local.get $e3))))',
  );
  w('(local.set $sx (f32.add (f32.add (f32x4.extract_lane 0 (local.get $e0)) (f32x4.extract_lane 1 (local.get $e0)))');
  w('(f32.add (f32x4.extract_lane 2 (local.get $e0)) (f32x4.extract_lane 3 (local.get $e0)))))');
  w('(block $d1Done');
  w('(loop $d1Loop');
  w('(br_if $d1Done (i32.ge_u (local.get $t) (local.get $d)))');
  w(`(local.set $ex ${sTerm})`);
  w('(local.set $sx (f32.add (local.get $sx) (f32.mul (local.get $ex) (local.get $ex))))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 1)))');
  w('(br $d1Loop)))');
}

/** Distance from the row at `$px` to the centroid at `$pc` into f64 local `out` (squared unless `root`). */
function emitDist(out: string, root = true): void {
  emitSumSq(true);
  const sq = '(f64.promote_f32 (local.get $sx))';
  w(`(local.set ${out} ${root ? `(f64.sqrt ${sq})` : sq})`);
}

/** Locals that {@link emitSumSq} uses. */
const DIST_LOCALS =
  '(local $t i32) (local $d16 i32) (local $d4 i32) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $ev v128) (local $sx f32) (local $ex f32)';

function rowKernels(): void {
  w(';; sqnorms: out[i] = squared norm of row i (f32) for n rows of x (f32, d per row).');
  header('sqnorms');
  w(`(local $i i32) (local $px i32) ${DIST_LOCALS}`);
  w('(local.set $d16 (i32.and (local.get $d) (i32.const -16)))');
  w('(local.set $d4 (i32.and (local.get $d) (i32.const -4)))');
  w('(block $done');
  w('(loop $loop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $n)))');
  w('(local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))');
  emitSumSq(false);
  w('(f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $sx))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $loop)))');
  w(')');
  w(';; accumulate: for n rows, sums[labels[i]] += x_i (f64, k x d) and counts[labels[i]] += 1 (f64).');
  header('accumulate');
  w('(local $i i32) (local $t i32) (local $a i32) (local $px i32) (local $ps i32) (local $pn i32)');
  w('(block $done');
  w('(loop $loop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $n)))');
  w('(local.set $a (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))');
  w('(local.set $pn (i32.add (local.get $counts) (i32.shl (local.get $a) (i32.const 3))))');
  w('(f64.store (local.get $pn) (f64.add (f64.load (local.get $pn)) (f64.const 1)))');
  w('(local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))');
  w('(local.set $ps (i32.add (local.get $sums) (i32.shl (i32.mul (local.get $a) (local.get $d)) (i32.const 3))))');
  w('(local.set $t (i32.const 0))');
  w('(block $tDone');
  w('(loop $tLoop');
  w('(br_if $tDone (i32.ge_u (local.get $t) (local.get $d)))');
  w('(f64.store (local.get $ps) (f64.add (f64.load (local.get $ps))');
  w('(f64.promote_f32 (f32.load (i32.add (local.get $px) (i32.shl (local.get $t) (i32.const 2)))))))');
  w('(local.set $ps (i32.add (local.get $ps) (i32.const 8)))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 1)))');
  w('(br $tLoop)))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $loop)))');
  w(')');
  w(';; inertia: the sum over n rows of the squared distance (float32 sums per row, float64 total) from row i of x');
  w(';; to centroid labels[i] of c (k x d f32).');
  header('inertia');
  w(`(local $i i32) (local $px i32) (local $pc i32) (local $q f64) (local $total f64) ${DIST_LOCALS}`);
  w('(local.set $d16 (i32.and (local.get $d) (i32.const -16)))');
  w('(local.set $d4 (i32.and (local.get $d) (i32.const -4)))');
  w('(block $done');
  w('(loop $loop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $n)))');
  w('(local.set $px (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $d)) (i32.const 2))))');
  w('(local.set $pc (i32.add (local.get $c) (i32.shl (i32.mul (local.get $d)');
  w('(i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))))) (i32.const 2))))');
  emitDist('$q', false);
  w('(local.set $total (f64.add (local.get $total) (local.get $q)))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $loop)))');
  w('(local.get $total)');
  w(')');
}

function elkan(): void {
  w(";; elkan: one E-step of Elkan's k-means over n resident rows (x f32, d per row; c: k x d f32 row-major).");
  w(';; Per row: the upper bound (ub: n f64) rises by its centroid shift (shift: k f64); when ub > s[a]');
  w(';; (s: k f64, half the distance from c_a to its nearest other centroid), every centroid j whose bound');
  w(';; max(lb[j], hcc[a][j]) (hcc: k x kp f32, half the centroid distances) is below ub is examined: first the');
  w(';; exact distance to c_a, then to c_j, which takes the row when strictly closer. A row that changes centroid');
  w(';; moves its f64 sums (sums: k x d, counts: k). Returns the number of rows that changed centroid.');
  w(';; The k lower bounds of a row (lb: n x kp f32, padding +inf) are brought up to date only when the row is');
  w(";; examined: drift (steps x kp f32) holds each centroid's summed shifts up to each step, stamp (n i32) the");
  w(";; step of each row's bounds; they drop by drift[now] - drift[stamp] (the triangle inequality along the path).");
  header('elkan');
  w('(local $ts i32) (local $dNow i32) (local $dThen i32)');
  w(
    '(local $i i32) (local $a i32) (local $a0 i32) (local $u f64) (local $u32 v128) (local $tight i32) (local $jb i32)',
  );
  w('(local $j i32) (local $lbRow i32) (local $hRow i32) (local $m f64) (local $dj f64) (local $mask i32)');
  w('(local $px i32) (local $pc i32) (local $moved i32) (local $rowBytes i32) (local $lbBytes i32) (local $zero v128)');
  w(
    '(local $t i32) (local $d16 i32) (local $d4 i32) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128)',
  );
  w('(local $ev v128) (local $sx f32) (local $ex f32) (local $po i32) (local $pn i32) (local $v f64)');
  w('(local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))');
  w('(local.set $lbBytes (i32.shl (local.get $kp) (i32.const 2)))');
  w('(local.set $d16 (i32.and (local.get $d) (i32.const -16)))');
  w('(local.set $d4 (i32.and (local.get $d) (i32.const -4)))');
  w('(block $done');
  w('(loop $rowLoop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $n)))');
  w('(local.set $a (i32.load (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2)))))');
  w('(local.set $a0 (local.get $a))');
  w('(local.set $lbRow (i32.add (local.get $lb) (i32.mul (local.get $i) (local.get $lbBytes))))');
  w('(local.set $u (f64.add (f64.load (i32.add (local.get $ub) (i32.shl (local.get $i) (i32.const 3))))');
  w('(f64.load (i32.add (local.get $shift) (i32.shl (local.get $a) (i32.const 3))))))');
  w('(if (f64.gt (local.get $u) (f64.load (i32.add (local.get $s) (i32.shl (local.get $a) (i32.const 3)))))');
  w('(then');
  // Bring the row's lower bounds up to date: each drops by its centroid's path length since the row's stamp.
  w('(local.set $ts (i32.load (i32.add (local.get $stamp) (i32.shl (local.get $i) (i32.const 2)))))');
  w('(if (i32.ne (local.get $ts) (local.get $now))');
  w('(then');
  w('(local.set $dNow (i32.add (local.get $drift) (i32.mul (local.get $now) (local.get $lbBytes))))');
  w('(local.set $dThen (i32.add (local.get $drift) (i32.mul (local.get $ts) (local.get $lbBytes))))');
  w('(local.set $jb (i32.const 0))');
  w('(block $mvDone');
  w('(loop $mvLoop');
  w('(br_if $mvDone (i32.ge_u (local.get $jb) (local.get $kp)))');
  w('(v128.store (i32.add (local.get $lbRow) (i32.shl (local.get $jb) (i32.const 2)))');
  w('(f32x4.max (f32x4.sub (v128.load (i32.add (local.get $lbRow) (i32.shl (local.get $jb) (i32.const 2))))');
  w('(f32x4.sub (v128.load (i32.add (local.get $dNow) (i32.shl (local.get $jb) (i32.const 2))))');
  w('(v128.load (i32.add (local.get $dThen) (i32.shl (local.get $jb) (i32.const 2)))))) (local.get $zero)))');
  w('(local.set $jb (i32.add (local.get $jb) (i32.const 4)))');
  w('(br $mvLoop)))');
  w('(i32.store (i32.add (local.get $stamp) (i32.shl (local.get $i) (i32.const 2))) (local.get $now))))');
  w('(local.set $tight (i32.const 0))');
  w('(local.set $px (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))');
  w('(local.set $hRow (i32.add (local.get $hcc) (i32.mul (local.get $a) (local.get $lbBytes))))');
  w('(local.set $jb (i32.const 0))');
  w('(block $jDone');
  w('(loop $jLoop');
  w('(br_if $jDone (i32.ge_u (local.get $jb) (local.get $k)))');
  // Lanes whose bound is at most u rounded to float32 (a superset of those below u): examined one by one.
  w('(local.set $mask (i32x4.bitmask (f32x4.le (f32x4.max');
  w('(v128.load (i32.add (local.get $lbRow) (i32.shl (local.get $jb) (i32.const 2))))');
  w('(v128.load (i32.add (local.get $hRow) (i32.shl (local.get $jb) (i32.const 2)))))');
  w('(f32x4.splat (f32.demote_f64 (local.get $u))))))');
  w('(if (local.get $mask)');
  w('(then');
  for (let lane = 0; lane < 4; lane++) {
    w(`(local.set $j (i32.add (local.get $jb) (i32.const ${lane})))`);
    w(`(if (i32.and (i32.and (i32.shr_u (local.get $mask) (i32.const ${lane})) (i32.const 1))`);
    w('(i32.and (i32.lt_u (local.get $j) (local.get $k)) (i32.ne (local.get $j) (local.get $a))))');
    w('(then');
    w('(block $skip');
    w(
      '(local.set $m (f64.promote_f32 (f32.max (f32.load (i32.add (local.get $lbRow) (i32.shl (local.get $j) (i32.const 2))))',
    );
    w('(f32.load (i32.add (local.get $hRow) (i32.shl (local.get $j) (i32.const 2)))))))');
    w('(br_if $skip (f64.le (local.get $u) (local.get $m)))');
    w('(if (i32.eqz (local.get $tight))');
    w('(then');
    w('(local.set $pc (i32.add (local.get $c) (i32.mul (local.get $a) (local.get $rowBytes))))');
    emitDist('$u');
    w(
      '(f32.store (i32.add (local.get $lbRow) (i32.shl (local.get $a) (i32.const 2))) (f32.demote_f64 (local.get $u)))',
    );
    w('(local.set $tight (i32.const 1))');
    w('(br_if $skip (f64.le (local.get $u) (local.get $m)))))');
    w('(local.set $pc (i32.add (local.get $c) (i32.mul (local.get $j) (local.get $rowBytes))))');
    emitDist('$dj');
    w(
      '(f32.store (i32.add (local.get $lbRow) (i32.shl (local.get $j) (i32.const 2))) (f32.demote_f64 (local.get $dj)))',
    );
    w('(if (f64.lt (local.get $dj) (local.get $u))');
    w('(then');
    w('(local.set $a (local.get $j))');
    w('(local.set $u (local.get $dj))');
    w('(local.set $hRow (i32.add (local.get $hcc) (i32.mul (local.get $a) (local.get $lbBytes)))))))))');
  }
  w('))');
  w('(local.set $jb (i32.add (local.get $jb) (i32.const 4)))');
  w('(br $jLoop)))))');
  w('(f64.store (i32.add (local.get $ub) (i32.shl (local.get $i) (i32.const 3))) (local.get $u))');
  w('(if (i32.ne (local.get $a) (local.get $a0))');
  w('(then');
  w('(i32.store (i32.add (local.get $labels) (i32.shl (local.get $i) (i32.const 2))) (local.get $a))');
  w('(local.set $moved (i32.add (local.get $moved) (i32.const 1)))');
  w('(local.set $po (i32.add (local.get $counts) (i32.shl (local.get $a0) (i32.const 3))))');
  w('(f64.store (local.get $po) (f64.sub (f64.load (local.get $po)) (f64.const 1)))');
  w('(local.set $pn (i32.add (local.get $counts) (i32.shl (local.get $a) (i32.const 3))))');
  w('(f64.store (local.get $pn) (f64.add (f64.load (local.get $pn)) (f64.const 1)))');
  w('(local.set $px (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))');
  w('(local.set $po (i32.add (local.get $sums) (i32.shl (i32.mul (local.get $a0) (local.get $d)) (i32.const 3))))');
  w('(local.set $pn (i32.add (local.get $sums) (i32.shl (i32.mul (local.get $a) (local.get $d)) (i32.const 3))))');
  w('(local.set $t (i32.const 0))');
  w('(block $sDone');
  w('(loop $sLoop');
  w('(br_if $sDone (i32.ge_u (local.get $t) (local.get $d)))');
  w('(local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $px) (i32.shl (local.get $t) (i32.const 2))))))');
  w('(f64.store (local.get $po) (f64.sub (f64.load (local.get $po)) (local.get $v)))');
  w('(f64.store (local.get $pn) (f64.add (f64.load (local.get $pn)) (local.get $v)))');
  w('(local.set $po (i32.add (local.get $po) (i32.const 8)))');
  w('(local.set $pn (i32.add (local.get $pn) (i32.const 8)))');
  w('(local.set $t (i32.add (local.get $t) (i32.const 1)))');
  w('(br $sLoop)))))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $rowLoop)))');
  w('(local.get $moved)');
  w(')');
}

function standardize(): void {
  w(';; standardize: out[r * d + j] = (f64(x[r * d + j]) - mean[j]) * inv[j] for n rows (x f32, the rest f64).');
  header('standardize');
  w('(local $i i32) (local $end i32) (local $j i32)');
  w('(local.set $end (i32.mul (local.get $n) (local.get $d)))');
  w('(block $done');
  w('(loop $loop');
  w('(br_if $done (i32.ge_u (local.get $i) (local.get $end)))');
  w('(f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))');
  w('(f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))');
  w('(f64.load (i32.add (local.get $mean) (i32.shl (local.get $j) (i32.const 3)))))');
  w('(f64.load (i32.add (local.get $inv) (i32.shl (local.get $j) (i32.const 3))))))');
  w('(local.set $j (i32.add (local.get $j) (i32.const 1)))');
  w('(if (i32.eq (local.get $j) (local.get $d)) (then (local.set $j (i32.const 0))))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $loop)))');
  w(')');
}

function dense(): void {
  w(';; dense: for n rows of f64 inputs (`inSize` used of `inStride` per row at `in`), out = act(bias + sum_i');
  w(';; in_i * kernel[i]) in f64, the sum in input order per output (the order of StudentNet and its SQL).');
  w(';; kernel: inSize x outP f64 row-major, bias: outP f64, outP a multiple of 8 (zero padding); out: n x outP.');
  w(';; relu != 0 clamps at zero. Two rows by eight outputs per step.');
  header('dense');
  w('(local $r i32) (local $rb i32) (local $ia i32) (local $ib i32) (local $oa i32) (local $ob i32)');
  w('(local $kb i32) (local $i i32) (local $wp i32) (local $wStride i32)');
  w('(local $za v128) (local $zb v128) (local $c v128) (local $zero v128)');
  const names = ['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3'];
  w('(local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)');
  w('(local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)');
  w('(local.set $wStride (i32.shl (local.get $outP) (i32.const 3)))');
  w('(block $done');
  w('(loop $rowLoop');
  w('(br_if $done (i32.ge_u (local.get $r) (local.get $n)))');
  w('(local.set $rb (select (i32.add (local.get $r) (i32.const 1)) (local.get $r)');
  w('(i32.lt_u (i32.add (local.get $r) (i32.const 1)) (local.get $n))))');
  w(
    '(local.set $ia (i32.add (local.get $input) (i32.shl (i32.mul (local.get $r) (local.get $inStride)) (i32.const 3))))',
  );
  w(
    '(local.set $ib (i32.add (local.get $input) (i32.shl (i32.mul (local.get $rb) (local.get $inStride)) (i32.const 3))))',
  );
  w('(local.set $oa (i32.add (local.get $out) (i32.mul (local.get $r) (local.get $wStride))))');
  w('(local.set $ob (i32.add (local.get $out) (i32.mul (local.get $rb) (local.get $wStride))))');
  w('(local.set $kb (i32.const 0))');
  w('(block $kDone');
  w('(loop $kLoop');
  w('(br_if $kDone (i32.ge_u (local.get $kb) (local.get $outP)))');
  for (let q = 0; q < 4; q++) {
    w(
      `(local.set $a${q} (v128.load offset=${16 * q} (i32.add (local.get $bias) (i32.shl (local.get $kb) (i32.const 3)))))`,
    );
    w(`(local.set $b${q} (local.get $a${q}))`);
  }
  w('(local.set $wp (i32.add (local.get $kernel) (i32.shl (local.get $kb) (i32.const 3))))');
  w('(local.set $i (i32.const 0))');
  w('(block $iDone');
  w('(loop $iLoop');
  w('(br_if $iDone (i32.ge_u (local.get $i) (local.get $inSize)))');
  w('(local.set $za (v128.load64_splat (i32.add (local.get $ia) (i32.shl (local.get $i) (i32.const 3)))))');
  w('(local.set $zb (v128.load64_splat (i32.add (local.get $ib) (i32.shl (local.get $i) (i32.const 3)))))');
  for (let q = 0; q < 4; q++) {
    w(`(local.set $c (v128.load offset=${16 * q} (local.get $wp)))`);
    w(`(local.set $a${q} (f64x2.add (local.get $a${q}) (f64x2.mul (local.get $za) (local.get $c))))`);
    w(`(local.set $b${q} (f64x2.add (local.get $b${q}) (f64x2.mul (local.get $zb) (local.get $c))))`);
  }
  w('(local.set $wp (i32.add (local.get $wp) (local.get $wStride)))');
  w('(local.set $i (i32.add (local.get $i) (i32.const 1)))');
  w('(br $iLoop)))');
  w('(if (local.get $relu)');
  w('(then');
  for (const v of names) w(`(local.set $${v} (f64x2.pmax (local.get $${v}) (local.get $zero)))`);
  w('))');
  for (let q = 0; q < 4; q++) {
    w(
      `(v128.store offset=${16 * q} (i32.add (local.get $oa) (i32.shl (local.get $kb) (i32.const 3))) (local.get $a${q}))`,
    );
    w(
      `(v128.store offset=${16 * q} (i32.add (local.get $ob) (i32.shl (local.get $kb) (i32.const 3))) (local.get $b${q}))`,
    );
  }
  w('(local.set $kb (i32.add (local.get $kb) (i32.const 8)))');
  w('(br $kLoop)))');
  w('(local.set $r (i32.add (local.get $r) (i32.const 2)))');
  w('(br $rowLoop)))');
  w(')');
}

function argmax(): void {
  w(';; argmax: for n rows of f64 values (stride `stride` values, the first `k` used), the index of the largest');
  w(';; (the first on a tie), as i32 at `out`.');
  header('argmax');
  w('(local $r i32) (local $p i32) (local $j i32) (local $best i32) (local $top f64) (local $v f64)');
  w('(block $done');
  w('(loop $rowLoop');
  w('(br_if $done (i32.ge_u (local.get $r) (local.get $n)))');
  w('(local.set $p (i32.add (local.get $input) (i32.shl (i32.mul (local.get $r) (local.get $stride)) (i32.const 3))))');
  w('(local.set $top (f64.load (local.get $p)))');
  w('(local.set $best (i32.const 0))');
  w('(local.set $j (i32.const 1))');
  w('(block $jDone');
  w('(loop $jLoop');
  w('(br_if $jDone (i32.ge_u (local.get $j) (local.get $k)))');
  w('(local.set $v (f64.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 3)))))');
  w('(if (f64.gt (local.get $v) (local.get $top))');
  w('(then (local.set $top (local.get $v)) (local.set $best (local.get $j))))');
  w('(local.set $j (i32.add (local.get $j) (i32.const 1)))');
  w('(br $jLoop)))');
  w('(i32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $best))');
  w('(local.set $r (i32.add (local.get $r) (i32.const 1)))');
  w('(br $rowLoop)))');
  w(')');
}

/** The whole module's text. */
export function kernelsWat(): string {
  lines.length = 0;
  depth = 0;
  w(';; Generated by scripts/wasm/kernels-wat.ts (npm run build:wasm). Do not edit by hand.');
  w('(module');
  w('(memory (export "memory") 1)');
  nearestScan(false);
  nearestScan(true);
  hamerly();
  elkan();
  rowKernels();
  standardize();
  dense();
  argmax();
  w(')');
  return `${lines.join('\n')}\n`;
}
