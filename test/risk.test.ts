import { afterEach, describe, expect, it } from "vitest";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkInvariants, decisionKey, increasesRisk, orderOf, type RiskView } from "../pipeline/risk.js";
import { ENTRY, ROOT, logLines, run, sandbox, type Sandbox } from "./helpers/run.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";

const view = (over: Partial<RiskView> = {}): RiskView => ({ orders: [], positions: {}, equity: null, dayPeakEquity: null, spendToday: 0, ...over });
const order = (qty = 1, price = 10, symbol = "X", side: "buy" | "sell" = "buy") => ({ symbol, side, qty, price });

describe("risk invariants (pure, boundary values)", () => {
  it("maxOrdersPerCycle: at the limit passes, one over trips", () => {
    expect(checkInvariants(view({ orders: [order(), order()] }), { maxOrdersPerCycle: 2 })).toBeNull();
    expect(checkInvariants(view({ orders: [order(), order(), order()] }), { maxOrdersPerCycle: 2 })).toMatchObject({ invariant: "maxOrdersPerCycle", value: 3, limit: 2 });
  });
  it("maxOrderNotional", () => {
    expect(checkInvariants(view({ orders: [order(10, 10)] }), { maxOrderNotional: 100 })).toBeNull();
    expect(checkInvariants(view({ orders: [order(10, 10.01)] }), { maxOrderNotional: 100 })).toMatchObject({ invariant: "maxOrderNotional", limit: 100 });
  });
  it("maxPositionPerSymbol, long and short", () => {
    expect(checkInvariants(view({ positions: { X: 50, Y: -50 } }), { maxPositionPerSymbol: 50 })).toBeNull();
    expect(checkInvariants(view({ positions: { X: 50, Y: -51 } }), { maxPositionPerSymbol: 50 })).toMatchObject({ invariant: "maxPositionPerSymbol", value: 51 });
  });
  it("maxDailyLossPct is measured from the day's peak, not the start", () => {
    // Started at 10 000, peaked at 12 000, now 11 400: 5% below the peak (but 14% above the start).
    expect(checkInvariants(view({ equity: 11_400, dayPeakEquity: 12_000 }), { maxDailyLossPct: 5 })).toBeNull();
    expect(checkInvariants(view({ equity: 11_399, dayPeakEquity: 12_000 }), { maxDailyLossPct: 5 })).toMatchObject({ invariant: "maxDailyLossPct", limit: 5 });
  });
  it("maxSpendPerDay", () => {
    expect(checkInvariants(view({ spendToday: 100 }), { maxSpendPerDay: 100 })).toBeNull();
    expect(checkInvariants(view({ spendToday: 100.5 }), { maxSpendPerDay: 100 })).toMatchObject({ invariant: "maxSpendPerDay", value: 100.5 });
  });
  it("unset limits are not checked", () => {
    expect(checkInvariants(view({ orders: Array(1000).fill(order(1e6, 1e6)), positions: { X: 1e9 }, equity: 1, dayPeakEquity: 1e9, spendToday: 1e9 }), {})).toBeNull();
  });
  it("what counts as an order, what increases risk, and what makes a decision the same", () => {
    expect(orderOf({ action: "buy", symbol: "X", qty: 2, price: 3 })).toEqual(order(2, 3));
    expect(orderOf({ action: "hold", symbol: "X", qty: 0, price: 3 })).toBeNull();
    expect(orderOf({ action: "buy", symbol: "X", qty: -1, price: 3 })).toBeNull();
    expect(increasesRisk(10, order(5, 1, "X", "sell"))).toBe(false);
    expect(increasesRisk(10, order(1))).toBe(true);
    expect(increasesRisk(0, order(1, 1, "X", "sell"))).toBe(true);
    expect(increasesRisk(5, order(10, 1, "X", "sell"))).toBe(false); // 5 → -5: not larger
    expect(increasesRisk(5, order(11, 1, "X", "sell"))).toBe(true); // 5 → -6
    expect(decisionKey(1, "s", { action: "buy", symbol: "X", qty: 1 })).toBe(decisionKey(1, "s", { action: "buy", symbol: "X", qty: 2 }));
    expect(decisionKey(1, "s", { action: "buy", symbol: "X" })).not.toBe(decisionKey(2, "s", { action: "buy", symbol: "X" }));
  });
});

let servers: FakeTelegram[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
const TOKEN = "5555:risk-token";

async function riskBox(risk: Record<string, unknown>, options: Record<string, unknown> = {}): Promise<{ sb: Sandbox; tg: FakeTelegram }> {
  const tg = await new FakeTelegram().listen();
  servers.push(tg);
  const sb = sandbox({ strategy: { options: { barSec: 1, ...options } }, risk, telegram: { chatId: "9", apiRoot: tg.apiRoot, maxRetries: 0, timeoutSec: 2 } });
  return { sb, tg };
}

describe("a breach trips the circuit from inside the runner", () => {
  it.each([
    ["runaway", { maxOrdersPerCycle: 10 }, "maxOrdersPerCycle", "decide"],
    ["duplicate", {}, "noDuplicateDecision", "decide"],
    ["bad-price", {}, "demo.priceBand", "decide"],
  ])("fault %s: trips on %s after layer %s; execute never runs; one alert", async (fault, risk, invariant, layer) => {
    const { sb, tg } = await riskBox(risk);
    const r = await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: fault, TELEGRAM_BOT_TOKEN: TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    const c = sb.readJson("data/circuit.json");
    expect(c).toMatchObject({ paused: true, by: "risk", invariant });
    expect(typeof c.value).toBe("number");
    expect(typeof c.limit).toBe("number");
    expect(sb.readJson("data/heartbeat.json")).toMatchObject({ status: "risk-breach", layer });
    const broker = sb.readJson("memory/paper-broker.json");
    expect(broker.fills).toBe(0); // the execute layer never ran
    expect(sb.decisions().filter((d) => d.kind === "trip")).toMatchObject([{ by: "risk", invariant }]);
    expect(logLines(r.stderr).some((l) => l.level === 50 && String(l.msg).startsWith("CIRCUIT TRIPPED by risk"))).toBe(true);
    expect(tg.delivered).toHaveLength(1);
    expect(tg.delivered[0]!.params.text).toContain(invariant);
    // The watchdog sees a paused circuit: nothing new is sent.
    await run([ENTRY.watchdog, "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: TOKEN } });
    expect(tg.delivered).toHaveLength(1);
  });

  it("drawdown: loss from the day's peak trips maxDailyLossPct with the values", async () => {
    const { sb, tg } = await riskBox({ maxDailyLossPct: 5 });
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    const r = await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "drawdown", TELEGRAM_BOT_TOKEN: TOKEN } });
    expect(r.code).toBe(1);
    const c = sb.readJson("data/circuit.json");
    expect(c).toMatchObject({ by: "risk", invariant: "maxDailyLossPct", limit: 5 });
    expect(c.value as number).toBeGreaterThan(5);
    expect(tg.delivered).toHaveLength(1);
  });

  it.each([
    [{ maxPositionPerSymbol: 5 }, "maxPositionPerSymbol", "decide", 10],
    [{ maxOrderNotional: 100 }, "maxOrderNotional", "decide", null],
    [{ maxSpendPerDay: 0.5 }, "maxSpendPerDay", "market-data", 1],
  ])("limit %j fires on the demo as %s after layer %s", async (risk, invariant, layer, value) => {
    const { sb } = await riskBox(risk, { forceSignal: "long" });
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code).toBe(1);
    const c = sb.readJson("data/circuit.json");
    expect(c).toMatchObject({ by: "risk", invariant });
    if (value !== null) expect(c.value).toBe(value);
    expect(sb.readJson("data/heartbeat.json")).toMatchObject({ status: "risk-breach", layer });
  });

  it("within every limit, the same forced trade goes through", async () => {
    const { sb } = await riskBox({ maxPositionPerSymbol: 10, maxOrderNotional: 10_000, maxSpendPerDay: 1, maxOrdersPerCycle: 2, maxDailyLossPct: 5 }, { forceSignal: "long" });
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code, r.stderr).toBe(0);
    expect(sb.readJson("memory/paper-broker.json").fills).toBe(2);
  });
});

describe("re-runs and pauses", () => {
  it("a re-run of the same scheduled slot records and sends nothing twice", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 3600 } }, cycle: { schedule: "0 0 1 1 *" } });
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(0);
    const first = sb.decisions().filter((d) => d.kind === "decision");
    expect(first.length).toBe(2);
    const fills = sb.readJson("memory/paper-broker.json").fills;
    const again = await run([ENTRY.cycle, "--config", sb.config]);
    expect(again.code).toBe(0);
    expect(sb.decisions().filter((d) => d.kind === "decision")).toEqual(first);
    expect(sb.readJson("memory/paper-broker.json").fills).toBe(fills);
    expect(logLines(again.stderr).filter((l) => String(l.msg).startsWith("dropped:"))).toHaveLength(2);
  });

  it.each(["cancel", "flatten"] as const)("onPause %s runs once per trip, with what it did recorded", async (mode) => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, risk: { onPause: mode } });
    mkdirSync(sb.memory, { recursive: true });
    writeFileSync(
      sb.file("memory/paper-broker.json"),
      JSON.stringify({ cash: 1000, positions: { "DEMO-A": 10 }, lastPrice: { "DEMO-A": 50 }, working: [{ id: "w1", symbol: "DEMO-B", side: "buy", qty: 5, price: 100, cycle: "c0", strategy: "demo" }], lastBarIndex: null, fills: 0 }),
    );
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/circuit.json"), JSON.stringify({ paused: true, reason: "test", since: 1, by: "manual:me" }));
    for (let i = 0; i < 3; i++) expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(2);
    const onPause = sb.decisions().filter((d) => d.kind === "on-pause");
    expect(onPause).toHaveLength(1);
    expect(onPause[0]).toMatchObject({ mode, result: { cancelled: ["w1"] } });
    const b = sb.readJson("memory/paper-broker.json");
    expect(b.working).toEqual([]);
    expect(b.positions["DEMO-A"]).toBe(mode === "flatten" ? 0 : 10);
    // A new trip (after a resume) runs it again.
    writeFileSync(sb.file("data/circuit.json"), JSON.stringify({ paused: true, reason: "again", since: 2, by: "manual:me" }));
    await run([ENTRY.cycle, "--config", sb.config]);
    expect(sb.decisions().filter((d) => d.kind === "on-pause")).toHaveLength(2);
  });

  it("reduce-only runs the cycle while paused and drops exactly the risk-increasing decisions", async () => {
    const sb = sandbox({ strategy: { module: "./reducer.mjs" }, risk: { onPause: "reduce-only" } });
    copyFileSync(join(ROOT, "test/fixtures/reducer.mjs"), sb.file("reducer.mjs"));
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/circuit.json"), JSON.stringify({ paused: true, reason: "test", since: 1, by: "manual:me" }));
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code, r.stderr).toBe(0);
    const res = sb.readJson("memory/results.json") as { mode: string; results: { action: string; symbol: string; accepted: boolean }[] };
    expect(res.mode).toBe("reduce-only");
    expect(res.results.map((x) => [x.action, x.symbol, x.accepted])).toEqual([
      ["sell", "X", true],
      ["buy", "Y", false],
      ["buy", "X", false],
    ]);
    expect(sb.decisions().filter((d) => d.kind === "decision").map((d) => `${d.action} ${d.symbol}`)).toEqual(["sell X"]);
    expect(sb.decisions().filter((d) => d.kind === "decision-dropped")).toHaveLength(2);
    expect(sb.decisions().filter((d) => d.kind === "on-pause")).toHaveLength(1);
    expect(sb.readJson("data/heartbeat.json")).toMatchObject({ status: "ok", mode: "reduce-only" });
    expect(sb.readJson("data/circuit.json").paused).toBe(true); // never resumed by software
  });
});
