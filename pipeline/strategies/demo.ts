import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { defineStrategy, type CycleContext, type Strategy } from "../strategy.js";
import { atomicWriteFile, parseJson, readState } from "../../watchdog/core/fsx.js";
import { barsUpTo, sma, type Bar } from "./demo-market.js";

/**
 * The paper demo: a moving-average crossover on a synthetic market, executed on a
 * paper broker kept in memory/paper-broker.json. It trades a little so the files have
 * real content, and it can inject each failure the safety net exists for.
 */
export const FAULTS = ["none", "throw", "crash", "hang", "busy", "no-new-data"] as const;
export type Fault = (typeof FAULTS)[number];

interface Broker {
  cash: number;
  positions: Record<string, number>;
  lastBarIndex: number | null;
  fills: number;
}

function faultFrom(ctx: CycleContext): Fault {
  const raw = process.env.WATCHKEEPER_DEMO_FAULT || (typeof ctx.options.fault === "string" ? ctx.options.fault : "none");
  if (!(FAULTS as readonly string[]).includes(raw))
    throw new Error(`unknown demo fault "${raw}" (strategy.options.fault or WATCHKEEPER_DEMO_FAULT): use one of ${FAULTS.join(", ")}`);
  return raw as Fault;
}

function brokerPath(ctx: CycleContext): string {
  return join(ctx.memoryDir, "paper-broker.json");
}

function loadBroker(ctx: CycleContext): Broker {
  const r = readState(brokerPath(ctx));
  if (r.kind === "text") {
    const j = parseJson(r.text);
    if (j.ok && typeof j.value === "object" && j.value !== null) return j.value as Broker;
  }
  return { cash: 10_000, positions: {}, lastBarIndex: null, fills: 0 };
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

  return {
    name: "demo",
    layers: [
      {
        name: "market-data",
        async run(ctx) {
          const fault = faultFrom(ctx);
          const broker = loadBroker(ctx);
          let last = Math.floor(ctx.now() / 1000 / barSec) - 1;
          // The feed "connects" and answers, but never moves past the bar it already gave.
          if (fault === "no-new-data" && broker.lastBarIndex !== null) last = broker.lastBarIndex;
          const bars: Record<string, Bar[]> = {};
          for (const s of symbols) bars[s] = barsUpTo(s, last, 20, barSec);
          ctx.state.bars = bars;
          ctx.state.lastIndex = last;
          ctx.reportData((last + 1) * barSec);
          if (fault === "hang") await new Promise(() => {}); // an API call that never returns
        },
      },
      {
        name: "signals",
        run(ctx) {
          const fault = faultFrom(ctx);
          if (fault === "throw") throw new Error("demo fault: the signal model raised");
          if (fault === "busy") for (;;); // a synchronous loop that freezes the event loop
          const bars = ctx.state.bars as Record<string, Bar[]>;
          const signals: Record<string, "long" | "flat"> = {};
          for (const [s, b] of Object.entries(bars)) {
            const closes = b.map((x) => x.close);
            signals[s] = sma(closes, 5) > sma(closes, 20) ? "long" : "flat";
          }
          ctx.state.signals = signals;
        },
      },
      {
        name: "decide",
        async run(ctx) {
          const fault = faultFrom(ctx);
          const broker = loadBroker(ctx);
          const signals = ctx.state.signals as Record<string, "long" | "flat">;
          const bars = ctx.state.bars as Record<string, Bar[]>;
          const orders: { symbol: string; side: "buy" | "sell"; qty: number; price: number }[] = [];
          let first = true;
          for (const s of symbols) {
            const price = bars[s]!.at(-1)!.close;
            const held = broker.positions[s] ?? 0;
            const want = signals[s] === "long" ? qty : 0;
            const action = want > held ? "buy" : want < held ? "sell" : "hold";
            await ctx.decide({ action, symbol: s, qty: Math.abs(want - held), price, signal: signals[s], position: held });
            if (first && fault === "crash") crashMidAppend(ctx);
            first = false;
            if (action !== "hold") orders.push({ symbol: s, side: action, qty: Math.abs(want - held), price });
          }
          ctx.state.orders = orders;
        },
      },
      {
        name: "execute",
        run(ctx) {
          const broker = loadBroker(ctx);
          const orders = ctx.state.orders as { symbol: string; side: "buy" | "sell"; qty: number; price: number }[];
          for (const o of orders) {
            const signed = o.side === "buy" ? o.qty : -o.qty;
            broker.positions[o.symbol] = (broker.positions[o.symbol] ?? 0) + signed;
            broker.cash = Math.round((broker.cash - signed * o.price) * 100) / 100;
            broker.fills++;
          }
          broker.lastBarIndex = ctx.state.lastIndex as number;
          atomicWriteFile(brokerPath(ctx), JSON.stringify(broker, null, 2) + "\n");
        },
      },
    ],
  };
});
