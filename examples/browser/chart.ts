// A small hand-drawn SVG line chart (no dependency): value vs budget for a few series.

export interface Series {
  name: string;
  color: string;
  points: readonly { x: number; y: number }[];
  dashed?: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Draws the series into an SVG element with axes, grid lines, a legend and optional marked x positions. */
export function lineChart(
  series: readonly Series[],
  opts: { xLabel: string; yLabel: string; marks?: readonly number[]; width?: number; height?: number },
): SVGSVGElement {
  const W = opts.width ?? 540;
  const H = opts.height ?? 320;
  const m = { left: 52, right: 16, top: 28, bottom: 42 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p.x));
  const yMax = Math.max(...all.map((p) => p.y)) * 1.05;
  const yMin = Math.min(0, ...all.map((p) => p.y));
  const sx = (x: number) => m.left + (x / (xMax || 1)) * (W - m.left - m.right);
  const sy = (y: number) => H - m.bottom - ((y - yMin) / (yMax - yMin || 1)) * (H - m.top - m.bottom);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
  for (const t of ticks(yMin, yMax, 5)) {
    svg.append(el('line', { x1: m.left, x2: W - m.right, y1: sy(t), y2: sy(t), stroke: '#e6e9f0' }));
    svg.append(el('text', { x: m.left - 6, y: sy(t) + 4, 'text-anchor': 'end' }, t.toFixed(2)));
  }
  for (const t of ticks(0, xMax, 6)) {
    svg.append(el('line', { x1: sx(t), x2: sx(t), y1: H - m.bottom, y2: H - m.bottom + 4, stroke: '#9aa3b5' }));
    svg.append(el('text', { x: sx(t), y: H - m.bottom + 16, 'text-anchor': 'middle' }, String(t)));
  }
  svg.append(el('line', { x1: m.left, x2: W - m.right, y1: H - m.bottom, y2: H - m.bottom, stroke: '#9aa3b5' }));
  svg.append(el('line', { x1: m.left, x2: m.left, y1: m.top - 6, y2: H - m.bottom, stroke: '#9aa3b5' }));
  svg.append(el('text', { x: (m.left + W - m.right) / 2, y: H - 6, 'text-anchor': 'middle' }, opts.xLabel));
  svg.append(
    el(
      'text',
      {
        x: 12,
        y: (m.top + H - m.bottom) / 2,
        transform: `rotate(-90 12 ${(m.top + H - m.bottom) / 2})`,
        'text-anchor': 'middle',
      },
      opts.yLabel,
    ),
  );
  for (const x of opts.marks ?? []) {
    svg.append(
      el('line', { x1: sx(x), x2: sx(x), y1: m.top, y2: H - m.bottom, stroke: '#c5cbd8', 'stroke-dasharray': '2 3' }),
    );
  }
  series.forEach((s, i) => {
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join('');
    svg.append(
      el('path', {
        d,
        fill: 'none',
        stroke: s.color,
        'stroke-width': 2,
        ...(s.dashed ? { 'stroke-dasharray': '6 4' } : {}),
      }),
    );
    for (const p of s.dashed ? [] : s.points)
      svg.append(el('circle', { cx: sx(p.x), cy: sy(p.y), r: 2.5, fill: s.color }));
    const lx = m.left + 10 + i * 150;
    svg.append(
      el('line', {
        x1: lx,
        x2: lx + 22,
        y1: 12,
        y2: 12,
        stroke: s.color,
        'stroke-width': 2,
        ...(s.dashed ? { 'stroke-dasharray': '6 4' } : {}),
      }),
    );
    svg.append(el('text', { x: lx + 28, y: 16, style: 'fill:#1d2433' }, s.name));
  });
  return svg;
}
