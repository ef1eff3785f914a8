/** "2026-11-23T23:12:18Z": whole seconds, UTC, the shape the file contract promises. */
export function isoSec(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export function epochSec(ms: number): number {
  return Math.floor(ms / 1000);
}

/** "3h 12m", "45s": for people, not machines. */
export function humanDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();
