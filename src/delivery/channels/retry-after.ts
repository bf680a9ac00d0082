/** Milliseconds to wait from an HTTP Retry-After value (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now: Date): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw === 'number') return raw >= 0 ? raw * 1000 : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
