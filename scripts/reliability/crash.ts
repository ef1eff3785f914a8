/**
 * Crash consistency: real cycles and watchdog runs SIGKILLed at random moments, many
 * times, with the promises checked after every kill and at the end.
 */
import { distFile, SCHEDULED } from "../../watchdog/core/where.js";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpretCircuit, interpretHeartbeat, readProgress } from "../../watchdog/core/state.js";
import { readState } from "../../watchdog/core/fsx.js";
import { verifyFile } from "../audit/verify.js";


/** A strategy that acknowledges, durably and outside our files, every decision it was told is written. */
const ACKER = `
import { openSync, writeSync, fsyncSync, closeSync } from "node:fs";
import { join } from "node:path";
export default {
  name: "acker",
  layers: [
    { name: "data", async run(ctx) { ctx.progress("fetching"); await new Promise((r) => setTimeout(r, Math.random() * 20)); ctx.report({ positions: {}, equity: 1000, spend: 1 }); } },
    { name: "decide", async run(ctx) {
      for (let i = 0; i < 3; i++) {
        const symbol = ctx.cycleId + "-" + i;
        const r = await ctx.decide({ action: "buy", symbol, qty: 1, price: 1 });
        if (r.accepted) { const fd = openSync(join(ctx.memoryDir, "acked.txt"), "a"); writeSync(fd, symbol + "\\n"); fsyncSync(fd); closeSync(fd); }
        ctx.progress("decided " + i);
      }
    } },
    { name: "execute", async run(ctx) { await new Promise((r) => setTimeout(r, Math.random() * 20)); } },
  ],
};
`;

export interface CrashStats {
  kills: number;
  cycleKills: number;
  watchdogKills: number;
  completedAnyway: number;
  failures: string[];
  acked: number;
  lost: number;
  duplicated: number;
  tornSealed: number;
  locksRecovered: number;
  verified: boolean;
}

function runAndKill(args: string[], env: NodeJS.ProcessEnv, killAfterMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: "ignore" });
    let killed = false;
    const t = setTimeout(() => {
      killed = child.kill("SIGKILL");
    }, killAfterMs);
    child.on("exit", (code, signal) => {
      clearTimeout(t);
      resolve(killed && signal === "SIGKILL");
    });
  });
}

function checkStateFiles(dir: string, failures: string[], when: string): void {
  const data = join(dir, "data");
  const hb = readState(join(data, "heartbeat.json"));
  if (hb.kind === "text" && interpretHeartbeat(hb).kind !== "present") failures.push(`${when}: heartbeat.json is partial or invalid`);
  const c = readState(join(data, "circuit.json"));
  if (c.kind === "text") {
    const ci = interpretCircuit(c);
    if (ci.state === "paused" && !ci.valid) failures.push(`${when}: circuit.json is partial or invalid (${ci.why})`);
  }
  const p = readState(join(data, "progress.json"));
  if (p.kind === "text" && readProgress(join(data, "progress.json")) === null) failures.push(`${when}: progress.json is partial or invalid`);
  for (const f of ["watchdog.json", "risk-state.json", "circuit-seen.json"]) {
    const r = readState(join(data, f));
    if (r.kind === "text") {
      try {
        JSON.parse(r.text);
      } catch {
        failures.push(`${when}: ${f} is partial`);
      }
    }
  }
}

export async function crashHarness(kills: number, seed = 1): Promise<CrashStats> {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const dir = mkdtempSync(join(tmpdir(), "wk-crash-"));
  writeFileSync(join(dir, "acker.mjs"), ACKER);
  const config = join(dir, "watchkeeper.config.json");
  writeFileSync(config, JSON.stringify({ cycle: { schedule: "* * * * * *", timeoutSec: 30 }, strategy: { module: "./acker.mjs" } }));
  mkdirSync(join(dir, "data"), { recursive: true });
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, WATCHKEEPER_LOG: "json", WATCHKEEPER_LOG_LEVEL: "silent" };
  const st: CrashStats = { kills: 0, cycleKills: 0, watchdogKills: 0, completedAnyway: 0, failures: [], acked: 0, lost: 0, duplicated: 0, tornSealed: 0, locksRecovered: 0, verified: false };
  try {
    // Calibrate: how long one whole cycle and one watchdog run take on this machine, now.
    // Kill moments are spread over that span, so a slow (loaded) machine still gets kills
    // in every phase: start-up, holding the lock, mid-append, writing the heartbeat.
    const timeRun = async (script: string) => {
      const t0 = Date.now();
      await new Promise((r) => spawn(process.execPath, [distFile(script), "--config", config], { env, stdio: "ignore" }).on("exit", r));
      return Date.now() - t0;
    };
    await timeRun(SCHEDULED.cycle); // warm the page cache first
    await new Promise((r) => setTimeout(r, 1000));
    const cycleSpan = await timeRun(SCHEDULED.cycle);
    const wdSpan = await timeRun(SCHEDULED.watchdog);
    if (existsSync(join(dir, "data", "circuit.json"))) writeFileSync(join(dir, "data", "circuit.json"), '{"paused": false}\n');
    for (let i = 0; i < kills; i++) {
      const watchdog = i % 5 === 4;
      if (watchdog) {
        // A stale heartbeat so the watchdog trips: kill it somewhere in its trip, record and alert.
        writeFileSync(join(dir, "data", "heartbeat.json"), JSON.stringify({ at: Math.floor(Date.now() / 1000) - 86400, status: "ok" }));
      }
      // Make each cycle a new slot sometimes, a re-run of the same slot other times.
      const killed = await runAndKill([distFile(watchdog ? SCHEDULED.watchdog : SCHEDULED.cycle), "--config", config], env, Math.floor((watchdog ? wdSpan : cycleSpan) * (rnd() < 0.5 ? rnd() * 0.9 : 0.55 + rnd() * 0.4)) /* half in the working phase, after start-up */);
      if (killed) {
        st.kills++;
        if (watchdog) st.watchdogKills++;
        else st.cycleKills++;
      } else st.completedAnyway++;
      checkStateFiles(dir, st.failures, `after run ${i + 1}${killed ? " (killed)" : ""}`);
      // The person resumes what the watchdog tripped, so cycles keep running.
      if (existsSync(join(dir, "data", "circuit.json"))) {
        if (!interpretCircuit(readState(join(dir, "data", "circuit.json"))).state) st.failures.push("circuit unreadable");
        writeFileSync(join(dir, "data", "circuit.json"), '{"paused": false}\n');
      }
    }
    // One clean cycle: the lock left by the last kill is recovered, the torn tail sealed.
    await new Promise((r) => setTimeout(r, 1100));
    const ok = await new Promise<number | null>((resolve) => spawn(process.execPath, [distFile(SCHEDULED.cycle), "--config", config], { env, stdio: "ignore" }).on("exit", (c) => resolve(c)));
    if (ok !== 0) st.failures.push(`the cycle after the last kill exited ${ok}, not 0`);
    const log = join(dir, "memory", "decisions.jsonl");
    const v = await verifyFile(log, null);
    st.verified = v.ok;
    if (!v.ok) st.failures.push(`audit verify: ${v.issues[0]?.detail ?? "failed"}`);
    st.tornSealed = v.tornSealed;
    if (v.tornSealed + (v.tornAtEnd ? 1 : 0) > st.kills) st.failures.push(`${v.tornSealed} torn lines for ${st.kills} kills`);
    const counts = new Map<string, number>();
    for (const line of readFileSync(log, "utf8").split("\n")) {
      try {
        const r = JSON.parse(line) as { kind?: string; symbol?: string };
        if (r.kind === "decision" && r.symbol) counts.set(r.symbol, (counts.get(r.symbol) ?? 0) + 1);
        if (r.kind === "lock-recovered") st.locksRecovered++;
      } catch {
        // the sealed torn lines
      }
    }
    const acked = existsSync(join(dir, "memory", "acked.txt")) ? readFileSync(join(dir, "memory", "acked.txt"), "utf8").split("\n").filter(Boolean) : [];
    st.acked = acked.length;
    for (const a of acked) {
      const n = counts.get(a) ?? 0;
      if (n === 0) st.lost++;
      if (n > 1) st.duplicated++;
    }
    for (const [sym, n] of counts) if (n > 1 && !acked.includes(sym)) st.duplicated++;
    if (st.lost) st.failures.push(`${st.lost} acknowledged decision(s) missing from the log`);
    if (st.duplicated) st.failures.push(`${st.duplicated} decision(s) in the log more than once`);
    void readdirSync;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return st;
}
