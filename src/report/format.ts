/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A number with four significant digits (fixed notation for ordinary magnitudes), or an en dash for NaN. */
export function fmt(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-4) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}

/** `mean [lower, upper]`, or just the mean when the interval is unknown. */
export function fmtInterval(mean: number, lower: number | undefined, upper: number | undefined): string {
  if (lower === undefined || upper === undefined || !Number.isFinite(lower) || !Number.isFinite(upper))
    return fmt(mean);
  if (fmt(lower) === fmt(upper)) return fmt(mean); // no spread, e.g. a deterministic method over seeds
  return `${fmt(mean)} [${fmt(lower)}, ${fmt(upper)}]`;
}

/** Escapes a Markdown table cell. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
