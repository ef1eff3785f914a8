/**
 * Pre-trade limits: pure checks of what a cycle has decided so far, run by the runner
 * after every layer. A breach trips the circuit from inside the runner; the kill switch
 * (the circuit) stays the last resort behind these limits.
 */
import type { Decision } from "./strategy.js";

export interface RiskLimits {
  maxOrdersPerCycle?: number | undefined;
  maxPositionPerSymbol?: number | undefined;
  maxOrderNotional?: number | undefined;
  maxDailyLossPct?: number | undefined;
  maxSpendPerDay?: number | undefined;
}

export interface Order {
  symbol: string;
  side: "buy" | "sell";
  qty: number;
  price: number;
}

/** What the limits look at, after a layer. */
export interface RiskView {
  /** Orders this cycle has decided (and that were accepted). */
  orders: readonly Order[];
  /** Positions as the strategy last reported them, plus orders decided since. */
  positions: Readonly<Record<string, number>>;
  equity: number | null;
  /** The day's highest equity so far (the loss limit is measured from the peak, not the start). */
  dayPeakEquity: number | null;
  spendToday: number;
}

export interface Breach {
  invariant: string;
  value: number;
  limit: number;
  detail: string;
}

/** A decision that acts: buy or sell with a quantity and a price. */
export function orderOf(d: Decision): Order | null {
  if ((d.action !== "buy" && d.action !== "sell") || typeof d.symbol !== "string") return null;
  const qty = typeof d.qty === "number" ? d.qty : NaN;
  const price = typeof d.price === "number" ? d.price : NaN;
  if (!(qty > 0) || !Number.isFinite(qty) || !(price > 0) || !Number.isFinite(price)) return null;
  return { symbol: d.symbol, side: d.action, qty, price };
}

export const signed = (o: Order) => (o.side === "buy" ? o.qty : -o.qty);

/** True when the order makes the absolute position larger (or flips it past zero). */
export function increasesRisk(position: number, o: Order): boolean {
  return Math.abs(position + signed(o)) > Math.abs(position);
}

/** Pure: the first limit the view breaks, or null. Exactly at a limit passes. */
export function checkInvariants(v: RiskView, l: RiskLimits): Breach | null {
  if (l.maxOrdersPerCycle !== undefined && v.orders.length > l.maxOrdersPerCycle)
    return { invariant: "maxOrdersPerCycle", value: v.orders.length, limit: l.maxOrdersPerCycle, detail: `${v.orders.length} orders in one cycle (limit ${l.maxOrdersPerCycle})` };
  if (l.maxOrderNotional !== undefined)
    for (const o of v.orders) {
      const notional = o.qty * o.price;
      if (notional > l.maxOrderNotional)
        return { invariant: "maxOrderNotional", value: notional, limit: l.maxOrderNotional, detail: `${o.side} ${o.qty} ${o.symbol} @ ${o.price} is ${notional.toFixed(2)} notional (limit ${l.maxOrderNotional})` };
    }
  if (l.maxPositionPerSymbol !== undefined)
    for (const [sym, pos] of Object.entries(v.positions))
      if (Math.abs(pos) > l.maxPositionPerSymbol)
        return { invariant: "maxPositionPerSymbol", value: Math.abs(pos), limit: l.maxPositionPerSymbol, detail: `position in ${sym} would be ${pos} (limit ${l.maxPositionPerSymbol})` };
  if (l.maxDailyLossPct !== undefined && v.equity !== null && v.dayPeakEquity !== null && v.dayPeakEquity > 0) {
    const lossPct = ((v.dayPeakEquity - v.equity) / v.dayPeakEquity) * 100;
    if (lossPct > l.maxDailyLossPct)
      return {
        invariant: "maxDailyLossPct",
        value: Math.round(lossPct * 100) / 100,
        limit: l.maxDailyLossPct,
        detail: `equity ${v.equity.toFixed(2)} is ${lossPct.toFixed(2)}% below today's peak ${v.dayPeakEquity.toFixed(2)} (limit ${l.maxDailyLossPct}%)`,
      };
  }
  if (l.maxSpendPerDay !== undefined && v.spendToday > l.maxSpendPerDay)
    return { invariant: "maxSpendPerDay", value: v.spendToday, limit: l.maxSpendPerDay, detail: `spent ${v.spendToday} today (limit ${l.maxSpendPerDay})` };
  return null;
}

/** What makes two decisions "the same": the scheduled slot, the strategy, and what it acts on. */
export function decisionKey(slotMs: number, strategy: string, d: Decision): string {
  return `${slotMs}|${strategy}|${typeof d.symbol === "string" ? d.symbol : ""}|${d.action}`;
}
