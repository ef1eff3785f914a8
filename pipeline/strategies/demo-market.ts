/**
 * A deterministic synthetic market: the price of a symbol at bar `i` is a pure
 * function of (symbol, i), so runs are reproducible and need no network.
 */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

function noise(seed: number, i: number): number {
  let x = (seed ^ Math.imul(i, 2654435761)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507) >>> 0;
  x ^= x >>> 13;
  return (x % 10_000) / 10_000 - 0.5;
}

export interface Bar {
  symbol: string;
  index: number;
  /** Bar close time, epoch seconds. */
  at: number;
  close: number;
}

export function priceAt(symbol: string, index: number): number {
  const seed = hash(symbol);
  const base = 50 + (seed % 150);
  const phase = (seed % 1000) / 159;
  const p = base * (1 + 0.06 * Math.sin(index / 9 + phase) + 0.025 * Math.sin(index / 2.7 + phase * 3) + 0.01 * noise(seed, index));
  return Math.round(p * 100) / 100;
}

export function barsUpTo(symbol: string, lastIndex: number, count: number, barSec: number): Bar[] {
  const out: Bar[] = [];
  for (let i = lastIndex - count + 1; i <= lastIndex; i++) out.push({ symbol, index: i, at: (i + 1) * barSec, close: priceAt(symbol, i) });
  return out;
}

export function sma(values: readonly number[], n: number): number {
  const tail = values.slice(-n);
  return tail.reduce((a, b) => a + b, 0) / tail.length;
}
