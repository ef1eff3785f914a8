import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { defineStrategy, type CycleContext, type PauseContext, type Strategy } from "../strategy.js";
import { atomicWriteFile, parseJson, readState } from "../../watchdog/core/fsx.js";
import { barsUpTo, sma, type Bar } from "./demo-market.js";

/**
 * The paper demo: a moving-average crossover on a synthetic market, executed on a
 * paper broker kept in memory/paper-broker.json. It trades a little so the files have
 * real content, and it can inject each failure the safety net exists for.
 */
export const FAULTS = ["none", "throw", "crash", "hang", "busy", "no-new-data", "runaway", "duplicate", "drawdown", "bad-price"] as const;
export type Fault = (typeof FAULTS)[number];

interface WorkingOrder {
  id: string;
  symbol: string;
  side: "buy" | "sell";
  qty: number;
  price: number;
  cycle: string;
  strategy: string;
}

interface Broker {
  cash: number;
  positions: Record<string, number>;
  lastPrice: Record<string, number>;
  /** Orders placed and not yet filled: what "cancel working orders" cancels. */
  working: WorkingOrder[];
  lastBarIndex: number | null;
  fills: number;
}

function faultFrom(options: Readonly<Record<string, unknown>>): Fault {
  const raw = process.env.WATCHKEEPER_DEMO_FAULT || (typeof options.fault === "string" ? options.fault : "none");
  if (!(FAULTS as readonly string[]).includes(raw))
    throw new Error(`unknown demo fault "${raw}" (strategy.options.fault or WATCHKEEPER_DEMO_FAULT): use one of ${FAULTS.join(", ")}`);
  return raw as Fault;
}

const brokerPath = (memoryDir: string) => join(memoryDir, "paper-broker.json");

function loadBroker(memoryDir: string): Broker {
  const r = readState(brokerPath(memoryDir));
  if (r.kind === "text") {
    const j = parseJson(r.text);
    if (j.ok && typeof j.value === "object" && j.value !== null) return { lastPrice: {}, working: [], ...(j.value as Partial<Broker>) } as Broker;
  }
  return { cash: 10_000, positions: {}, lastPrice: {}, working: [], lastBarIndex: null, fills: 0 };
}

function saveBroker(memoryDir: string, b: Broker): void {
  atomicWriteFile(brokerPath(memoryDir), JSON.stringify(b, null, 2) + "\n");
}

function equity(b: Broker): number {
  return Object.entries(b.positions).reduce((a, [s, q]) => a + q * (b.lastPrice[s] ?? 0), b.cash);
}

function num(v: unknown, def: number): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : def;
}

/** Dies in the middle of an append, as a power cut or an OOM kill would: half a line, no newline. */
function crashMidAppend(ctx: CycleContext): never {
  const fd = openSync(join(ctx.memoryDir, "decisions.jsonl"), "a");
  writeSync(fd, `{"at":${Math.floor(ctx.now() / 1000)},"kind":"decision","cycle":"${ctx.cycleId}","act`);
  closeSync(fd);
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable");
}

export default defineStrategy((options): Strategy => {
  const symbols = Array.isArray(options.symbols) ? (options.symbols as string[]) : ["DEMO-A", "DEMO-B"];
  const barSec = num(options.barSec, 60);
  const qty = num(options.qty, 10);
  const priceBandPct = num(options.priceBandPct, 10);
  // For demos and tests that need a trade now, whatever the synthetic market does.
  const forceSignal = options.forceSignal === "long" || options.forceSignal === "flat" ? options.forceSignal : null;

  return {
    name: "demo",
    layers: [
      {
        name: "market-data",
        async run(ctx) {
          const fault = faultFrom(ctx.options);
          const broker = loadBroker(ctx.memoryDir);
          let last = Math.floor(ctx.now() / 1000 / barSec) - 1;
          // The feed "connects" and answers, but never moves past the bar it already gave.
          if (fault === "no-new-data" && broker.lastBarIndex !== null) last = broker.lastBarIndex;
          const bars: Record<string, Bar[]> = {};
          for (const s of symbols) bars[s] = barsUpTo(s, last, 20, barSec);
          ctx.state.bars = bars;
          ctx.state.lastIndex = last;
          ctx.reportData((last + 1) * barSec);
          ctx.report({ spend: 1 }); // one metered market-data call
          if (fault === "hang") await new Promise(() => {}); // an API call that never returns
        },
      },
      {
        name: "signals",
        run(ctx) {
          const fault = faultFrom(ctx.options);
          if (fault === "throw") throw new Error("demo fault: the signal model raised");
          if (fault === "busy") for (;;); // a synchronous loop that freezes the event loop
          const bars = ctx.state.bars as Record<string, Bar[]>;
          const signals: Record<string, "long" | "flat"> = {};
          for (const [s, b] of Object.entries(bars)) {
            const closes = b.map((x) => x.close);
            signals[s] = forceSignal ?? (sma(closes, 5) > sma(closes, 20) ? "long" : "flat");
          }
          ctx.state.signals = signals;
        },
      },
      {
        name: "decide",
        async run(ctx) {
          const fault = faultFrom(ctx.options);
          const broker = loadBroker(ctx.memoryDir);
          const signals = ctx.state.signals as Record<string, "long" | "flat">;
          const bars = ctx.state.bars as Record<string, Bar[]>;
          let first = true;
          for (const s of symbols) {
            const price = bars[s]!.at(-1)!.close;
            const held = broker.positions[s] ?? 0;
            const want = signals[s] === "long" ? qty : 0;
            const action = fault === "duplicate" || fault === "bad-price" ? "buy" : want > held ? "buy" : want < held ? "sell" : "hold";
            const orderQty = action === "hold" ? 0 : Math.max(1, Math.abs(want - held));
            const orderPrice = fault === "bad-price" ? price * 3 : price;
            const d = { action, symbol: s, qty: orderQty, price: orderPrice, signal: signals[s], position: held };
            const r = await ctx.decide(d);
            if (fault === "duplicate" && first) await ctx.decide(d); // the same order twice
            if (first && fault === "crash") crashMidAppend(ctx);
            first = false;
            // Only an accepted decision becomes an order.
            if (r.accepted && action !== "hold")
              broker.working.push({ id: `${ctx.cycleId}-${s}`, symbol: s, side: action as "buy" | "sell", qty: orderQty, price: orderPrice, cycle: ctx.cycleId, strategy: ctx.strategy });
          }
          // A loop gone wrong: fifty small orders across fifty instruments in one cycle.
          if (fault === "runaway")
            for (let i = 0; i < 50; i++) {
              const r = await ctx.decide({ action: "buy", symbol: `RUN-${i}`, qty: 1, price: 10, note: `runaway ${i}` });
              if (r.accepted) broker.working.push({ id: `${ctx.cycleId}-RUN-${i}`, symbol: `RUN-${i}`, side: "buy", qty: 1, price: 10, cycle: ctx.cycleId, strategy: ctx.strategy });
            }
          saveBroker(ctx.memoryDir, broker);
        },
      },
      {
        name: "execute",
        run(ctx) {
          const fault = faultFrom(ctx.options);
          const broker = loadBroker(ctx.memoryDir);
          const bars = ctx.state.bars as Record<string, Bar[]>;
          for (const s of symbols) broker.lastPrice[s] = bars[s]!.at(-1)!.close;
          for (const o of broker.working) {
            const signedQty = o.side === "buy" ? o.qty : -o.qty;
            broker.positions[o.symbol] = (broker.positions[o.symbol] ?? 0) + signedQty;
            broker.cash = Math.round((broker.cash - signedQty * o.price) * 100) / 100;
            broker.fills++;
          }
          broker.working = [];
          // A fat-finger fill: money gone in one cycle.
          if (fault === "drawdown") broker.cash = Math.round(broker.cash - 0.2 * equity(broker));
          broker.lastBarIndex = ctx.state.lastIndex as number;
          saveBroker(ctx.memoryDir, broker);
          ctx.report({ positions: { ...broker.positions }, equity: equity(broker) });
        },
      },
    ],
    invariants: [
      {
        // The demo's own invariant: never send an order far from the last price (a stale or garbled quote).
        name: "demo.priceBand",
        check(ctx) {
          const bars = ctx.state.bars as Record<string, Bar[]> | undefined;
          if (!bars) return null;
          const broker = loadBroker(ctx.memoryDir);
          for (const o of broker.working) {
            const last = bars[o.symbol]?.at(-1)?.close;
            if (last === undefined) continue;
            const off = (Math.abs(o.price - last) / last) * 100;
            if (off > priceBandPct) return { value: Math.round(off * 10) / 10, limit: priceBandPct, detail: `${o.side} ${o.symbol} @ ${o.price} is ${off.toFixed(1)}% from the last price ${last} (limit ${priceBandPct}%)` };
          }
          return null;
        },
      },
    ],
    onPause(ctx: PauseContext, mode) {
      const broker = loadBroker(ctx.memoryDir);
      const cancelled = broker.working.map((o) => o.id);
      broker.working = [];
      const closed: Record<string, number> = {};
      if (mode === "flatten")
        for (const [s, q] of Object.entries(broker.positions)) {
          if (q === 0) continue;
          const price = broker.lastPrice[s] ?? 0;
          broker.cash = Math.round((broker.cash + q * price) * 100) / 100;
          broker.positions[s] = 0;
          broker.fills++;
          closed[s] = q;
        }
      saveBroker(ctx.memoryDir, broker);
      return { cancelled, closed, positions: broker.positions };
    },
  };
});
