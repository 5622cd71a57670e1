/** Human formatting shared by the subject, the email body and the logs. */

/** 372 -> "6m12s", 11040 -> "3h04m", 190000 -> "2d04h", 42 -> "42s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}

/** 2026-11-28T03:00:12.000Z -> "2026-11-28 03:00:12 UTC". */
export function formatTime(iso: string | Date): string {
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatPercent(value: number): string {
  return `${Math.abs(value) < 10 ? value.toFixed(2) : value.toFixed(1)}%`;
}
