/** A figure measured over several runs: its median and its spread. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values };
}

export const MiB = 1024 * 1024;

/** Rounds to about three significant digits: rates and times on a shared machine carry no more. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmt(value: number): string {
  return round(value).toLocaleString('en-US');
}

export function fmtSpread(s: Spread, unit = ''): string {
  return s.runs.length > 1 ? `${fmt(s.median)}${unit} (${fmt(s.min)}–${fmt(s.max)})` : `${fmt(s.median)}${unit}`;
}

/** Samples the process's resident set size while `work` runs; returns the peak seen (and the kernel's maxRSS). */
export async function peakRss<T>(work: () => Promise<T>, everyMs = 20): Promise<{ result: T; peakRssBytes: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peakRssBytes: peak };
  } finally {
    clearInterval(timer);
  }
}
