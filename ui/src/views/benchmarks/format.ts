// Number formatting shared by the Benchmarks page: the CLI's precision (three decimals under
// 10, one above), in the UI's language.

export function ms(v: number | null | undefined, lang: string): string {
  if (v === null || v === undefined) return "—";
  const digits = Math.abs(v) < 10 ? 3 : 1;
  return new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
}

// Every f64 crosses IPC as `number | null` (a non-finite value serializes as null).
export function share(v: number | null, lang: string): string {
  if (v === null) return "—";
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(v);
}

export function when(unixMs: number | null, lang: string): string {
  if (unixMs === null) return "—";
  return new Date(unixMs).toLocaleString(lang, { dateStyle: "short", timeStyle: "medium" });
}

/** An SVG of our own as an image source: the CSP allows `img-src data:`, and an <img> runs no script. */
export function svgSource(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

/**
 * A load as `triplane-bench` labels it (`sequential`, `concurrency 4`, `constant 5 req/s`,
 * `poisson 5 req/s`), in the UI's language; an unknown shape is shown as it came.
 */
export function loadLabel(label: string, t: (key: string, args?: Record<string, unknown>) => string, lang: string): string {
  const m = /^(sequential|concurrency|constant|poisson)(?: ([\d.]+))?/.exec(label);
  if (!m) return label;
  const value = m[2] === undefined ? "" : new Intl.NumberFormat(lang).format(Number(m[2]));
  return t(`bench.loadLabel.${m[1]}`, { value });
}
