import { atomicWriteFile, parseJson, readState } from "../watchdog/core/fsx.js";
import { wallClock } from "../watchdog/core/cron.js";
import { signed, type Order, type RiskView } from "./risk.js";
import type { Metrics } from "./strategy.js";

interface Persisted {
  day: string;
  peakEquity: number | null;
  spend: number;
  slot: number;
  keys: string[];
  positions: Record<string, number>;
}

/**
 * The runner's risk ledger across cycles (data/risk-state.json): the day's peak equity
 * and spend (days in the config's zone), the last reported positions, and the
 * decisions already made for the current scheduled slot.
 */
export class RiskBook {
  private s: Persisted;
  readonly orders: Order[] = [];
  private sinceReport: Order[] = [];
  private equity: number | null = null;
  private readonly cycleKeys = new Set<string>();

  constructor(
    private readonly path: string,
    tz: string,
    slotMs: number,
    nowMs: number,
  ) {
    const w = wallClock(nowMs, tz);
    const day = `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
    const r = readState(path);
    const j = r.kind === "text" ? parseJson(r.text) : null;
    const prev = j?.ok ? (j.value as Partial<Persisted>) : {};
    this.s = {
      day,
      peakEquity: prev.day === day && typeof prev.peakEquity === "number" ? prev.peakEquity : null,
      spend: prev.day === day && typeof prev.spend === "number" ? prev.spend : 0,
      slot: slotMs,
      keys: prev.slot === slotMs && Array.isArray(prev.keys) ? prev.keys.filter((k): k is string => typeof k === "string") : [],
      positions: typeof prev.positions === "object" && prev.positions !== null ? (prev.positions as Record<string, number>) : {},
    };
  }

  /** "earlier": already decided by an earlier run of this slot; "this-cycle": a repeat within this cycle. */
  seen(key: string): "earlier" | "this-cycle" | null {
    if (this.cycleKeys.has(key)) return "this-cycle";
    return this.s.keys.includes(key) ? "earlier" : null;
  }

  position(symbol: string): number {
    return (this.s.positions[symbol] ?? 0) + this.sinceReport.filter((o) => o.symbol === symbol).reduce((a, o) => a + signed(o), 0);
  }

  accept(key: string, order: Order | null): void {
    this.cycleKeys.add(key);
    this.s.keys.push(key);
    if (order) {
      this.orders.push(order);
      this.sinceReport.push(order);
    }
    this.save();
  }

  report(m: Metrics): void {
    if (m.positions) {
      this.s.positions = { ...m.positions };
      this.sinceReport = [];
    }
    if (typeof m.equity === "number" && Number.isFinite(m.equity)) {
      this.equity = m.equity;
      this.s.peakEquity = Math.max(this.s.peakEquity ?? m.equity, m.equity);
    }
    if (typeof m.spend === "number" && Number.isFinite(m.spend) && m.spend > 0) this.s.spend += m.spend;
    this.save();
  }

  view(): RiskView {
    const positions: Record<string, number> = {};
    for (const sym of new Set([...Object.keys(this.s.positions), ...this.sinceReport.map((o) => o.symbol)])) positions[sym] = this.position(sym);
    return { orders: this.orders, positions, equity: this.equity, dayPeakEquity: this.s.peakEquity, spendToday: this.s.spend };
  }

  private save(): void {
    atomicWriteFile(this.path, JSON.stringify(this.s) + "\n");
  }
}
