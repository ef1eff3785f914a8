/**
 * A month in the life of the pipeline, on a fake clock: the real watchdog decision
 * (decideWatchdog) judges a simulated runner that follows a market-hours schedule in
 * a DST zone, through sleeps, resumes and injected faults. Nothing here touches a file.
 */
import { nextRuns, parseCron, prevRun } from "../watchdog/core/cron.js";
import { decideWatchdog, watchdogPeriodMs, type LockView, type WatchdogSettings } from "../watchdog/decide.js";
import type { CircuitState, HeartbeatState } from "../watchdog/core/state.js";
import type { Progress, WatchdogRecord } from "../watchdog/core/schemas.js";
import { dataProgress } from "../pipeline/productivity.js";

export type FaultKind = "crash" | "throw" | "hang" | "busy" | "no-new-data" | "clock-skew";

export interface FaultPlan {
  kind: FaultKind;
  /** Injected at this instant; it hits the first cycle that starts at or after it. */
  atMs: number;
}

export interface SleepPlan {
  fromMs: number;
  toMs: number;
}

export interface SimOptions {
  fromMs: number;
  toMs: number;
  timezone: string;
  cycleSchedule: string;
  watchdogSchedule: string;
  timeoutSec: number;
  graceSec: number;
  stallSec: number;
  maxUnproductive: number;
  faults: FaultPlan[];
  sleeps: SleepPlan[];
  /** How long after a trip the operator resumes (and fixes the fault). */
  resumeAfterMs: number;
  /** For control runs: judge with other settings than the runner follows. */
  judgeOverrides?: Partial<WatchdogSettings>;
}

export interface FaultRow {
  kind: FaultKind;
  injectedMs: number;
  /** The first cycle the fault hit. */
  hitMs: number | null;
  detectedMs: number | null;
  verdict: string | null;
  boundMs: number | null;
  withinBound: boolean;
}

export interface SimResult {
  rows: FaultRow[];
  falseTrips: { atMs: number; detail: string }[];
  cycles: number;
  watchdogRuns: number;
  sleepsNoticed: number;
  resumes: number;
}

const CYCLE_MS = 20_000; // a healthy cycle takes 20 s
type Ev = { t: number; order: number; kind: "cycle" | "cycle-end" | "watchdog" | "resume" | "wake"; run?: () => void };

export function simulate(o: SimOptions): SimResult {
  const settings: WatchdogSettings = {
    timezone: o.timezone,
    cycleSchedule: parseCron(o.cycleSchedule),
    watchdogSchedule: parseCron(o.watchdogSchedule),
    timeoutSec: o.timeoutSec,
    graceSec: o.graceSec,
    stallSec: o.stallSec,
    layerStallSec: {},
    futureToleranceSec: 60,
    tripAfter: 1,
    killStalled: true,
    ...o.judgeOverrides,
  };
  const asleep = (t: number) => o.sleeps.some((s) => t >= s.fromMs && t < s.toMs);

  // World state, as the files would hold it.
  // The last cycle before the simulation started beat normally.
  const lastBefore = (prevRun(settings.cycleSchedule, o.fromMs, o.timezone) ?? o.fromMs) + CYCLE_MS;
  let heartbeat: HeartbeatState = { kind: "present", heartbeat: { at: Math.floor(lastBefore / 1000), status: "ok" }, mtimeMs: lastBefore };
  let circuit: CircuitState = { state: "green", why: "no circuit file", mtimeMs: null, circuit: null };
  let progress: Progress | null = null;
  let lock: LockView = { kind: "free" };
  let record: WatchdogRecord | null = null;
  let runningUntil = 0;

  const faults = [...o.faults].sort((a, b) => a.atMs - b.atMs);
  const rows: FaultRow[] = faults.map((f) => ({ kind: f.kind, injectedMs: f.atMs, hitMs: null, detectedMs: null, verdict: null, boundMs: null, withinBound: false }));
  let active: number | null = null; // index into rows of the fault in force
  let unproductiveBase: number | null = null;
  const falseTrips: SimResult["falseTrips"] = [];
  let cycles = 0;
  let watchdogRuns = 0;
  let sleepsNoticed = 0;
  let resumes = 0;
  let seq = 0;

  // Kept sorted by (t, order); handlers add events as they go.
  const events: Ev[] = [];
  const push = (e: Omit<Ev, "order">) => {
    const ev = { ...e, order: seq++ };
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = events[mid]!;
      if (m.t < ev.t || (m.t === ev.t && m.order < ev.order)) lo = mid + 1;
      else hi = mid;
    }
    events.splice(lo, 0, ev);
  };
  for (const t of nextRuns(settings.cycleSchedule, o.fromMs - 1, o.timezone, 100_000).filter((t) => t < o.toMs)) push({ t, kind: "cycle" });
  for (const t of nextRuns(settings.watchdogSchedule, o.fromMs - 1, o.timezone, 100_000).filter((t) => t < o.toMs)) push({ t: t + 2000, kind: "watchdog" });
  // launchd and systemd (Persistent=true) run a job missed during sleep once at wake.
  for (const s of o.sleeps) push({ t: s.toMs, kind: "wake" });

  const beat = (atMs: number, status: string, extra: Record<string, unknown> = {}) => {
    heartbeat = { kind: "present", heartbeat: { at: Math.floor(atMs / 1000), status, ...extra }, mtimeMs: atMs };
  };
  const periodMs = watchdogPeriodMs(settings, o.fromMs + 86400_000);

  const runCycle = (t: number) => {
    if (circuit.state === "paused") return; // exits 2, writes nothing
    if (lock.kind === "live" && t < runningUntil) return; // exits 75
    cycles++;
    const nextFault = rows.findIndex((r, i) => r.hitMs === null && faults[i]!.atMs <= t && active === null);
    if (nextFault >= 0) {
      active = nextFault;
      rows[nextFault]!.hitMs = t;
      const f = faults[nextFault]!;
      const extra = f.kind === "no-new-data" ? (o.maxUnproductive - 1) * cycleGapMs(t) : 0;
      rows[nextFault]!.boundMs = t + extra + (o.timeoutSec + o.graceSec) * 1000 + periodMs + 5000;
    }
    const kind = active !== null ? faults[active]!.kind : null;
    const cycleName = `c${cycles}`;
    progress = { step: cycles * 10, note: "layer market-data started", at: Math.floor(t / 1000) + 1, cycle: cycleName, pid: 1000 + cycles, layer: "market-data" };
    lock = { kind: "live", pid: 1000 + cycles, startedAt: Math.floor(t / 1000), cycle: cycleName, sameHost: true };
    switch (kind) {
      case "crash":
        lock = { kind: "stale", why: "pid not running" };
        return;
      case "hang":
      case "busy": {
        // The runner's own sentinel ends it at the deadline unless the watchdog is first.
        runningUntil = t + o.timeoutSec * 1000;
        const pid = lock.pid;
        push({
          t: runningUntil,
          kind: "cycle-end",
          run: () => {
            if (lock.kind === "live" && lock.pid === pid) {
              beat(runningUntil, "aborted", { cycle: cycleName });
              lock = kind === "busy" ? { kind: "stale", why: "killed" } : { kind: "free" };
            }
          },
        });
        return;
      }
      default: {
        runningUntil = t + CYCLE_MS;
        const end = t + CYCLE_MS;
        let status = "ok";
        let atMs = end;
        const prev = heartbeat.kind === "present" ? heartbeat.heartbeat : null;
        let dataAt = Math.floor(t / 1000);
        if (kind === "throw") status = "error";
        if (kind === "clock-skew") atMs = end + 2 * 3600_000;
        if (kind === "no-new-data") {
          unproductiveBase ??= prev?.dataAt ?? dataAt;
          dataAt = unproductiveBase;
        }
        const p = dataProgress(prev, dataAt, o.maxUnproductive);
        if (p.stale) status = "stale-data";
        push({
          t: end,
          kind: "cycle-end",
          run: () => {
            beat(atMs, status, { cycle: cycleName, ...p.fields });
            progress = { step: cycles * 10 + 5, note: "cycle finished", at: Math.floor(end / 1000), cycle: cycleName, pid: 1000 + cycles };
            lock = { kind: "free" };
          },
        });
      }
    }
  };

  /** The gap from a cycle start to the next one (market-hours schedules have gaps). */
  function cycleGapMs(t: number): number {
    const [a, b] = nextRuns(settings.cycleSchedule, t - 1, o.timezone, 2);
    return a !== undefined && b !== undefined ? b - a : 300_000;
  }

  const runWatchdog = (t: number) => {
    watchdogRuns++;
    const plan = decideWatchdog({ heartbeat, circuit, progress, lock, previous: record }, settings, t);
    record = plan.record;
    if (plan.slept) sleepsNoticed++;
    if (plan.kill && lock.kind === "live") {
      const wasBusy = active !== null && faults[active]!.kind === "busy";
      beat(t, "aborted");
      lock = wasBusy ? { kind: "stale", why: "killed" } : { kind: "free" };
      runningUntil = t;
    }
    if (plan.action !== "trip") return;
    circuit = { state: "paused", valid: true, mtimeMs: t, circuit: { paused: true, reason: plan.verdict.healthy ? "" : plan.verdict.detail, by: "watchdog", since: Math.floor(t / 1000) } };
    const detail = plan.verdict.healthy ? "" : `${plan.verdict.reason}: ${plan.verdict.detail}`;
    if (active !== null && rows[active]!.detectedMs === null) {
      const row = rows[active]!;
      row.detectedMs = t;
      row.verdict = plan.verdict.healthy ? null : plan.verdict.reason;
      row.withinBound = row.boundMs !== null && t <= row.boundMs;
    } else falseTrips.push({ atMs: t, detail });
    // The operator looks, fixes the fault and resumes; the watchdog then runs at once.
    let r = t + o.resumeAfterMs;
    const sleeping = o.sleeps.find((s) => r >= s.fromMs && r < s.toMs);
    if (sleeping) r = sleeping.toMs + 60_000;
    push({ t: r, kind: "resume" });
    push({ t: r + 1000, kind: "watchdog" });
  };

  const resume = (t: number) => {
    resumes++;
    circuit = { state: "green", why: "paused: false", mtimeMs: t, circuit: { paused: false } };
    active = null;
    unproductiveBase = null;
    if (lock.kind === "stale") lock = { kind: "free" }; // the next run recovers it
  };

  // Process events in time order, taking those the handlers add along the way.
  for (;;) {
    const next = events.shift();
    if (!next || next.t >= o.toMs) break;
    const t = next.t;
    if (next.kind === "resume") resume(t);
    else if (next.kind === "cycle-end") next.run?.();
    else if (asleep(t)) continue; // nothing runs while the machine sleeps
    else if (next.kind === "cycle") runCycle(t);
    else if (next.kind === "watchdog") runWatchdog(t);
    else if (next.kind === "wake") {
      const s = o.sleeps.find((x) => x.toMs === t)!;
      const missedCycle = nextRuns(settings.cycleSchedule, s.fromMs - 1, o.timezone, 1)[0];
      if (missedCycle !== undefined && missedCycle < s.toMs) runCycle(t);
      const missedWd = nextRuns(settings.watchdogSchedule, s.fromMs - 1, o.timezone, 1)[0];
      if (missedWd !== undefined && missedWd < s.toMs) runWatchdog(t + 1000);
    }
  }
  return { rows, falseTrips, cycles, watchdogRuns, sleepsNoticed, resumes };
}

/** A month of market hours in New York across the March DST change, with sleeps and every fault. */
export function defaultScenario(days = 31): SimOptions {
  const from = Date.parse("2026-03-01T05:00:00Z"); // Sunday 00:00 EST
  const at = (iso: string) => Date.parse(iso);
  const to = from + days * 86400_000;
  const faults = ([
    { kind: "throw", atMs: at("2026-03-02T15:12:00Z") }, // Mon 10:12 EST
    { kind: "crash", atMs: at("2026-03-04T19:58:00Z") }, // Wed 14:58 EST
    { kind: "hang", atMs: at("2026-03-06T20:41:00Z") }, // Fri 15:41 EST, near the close
    { kind: "busy", atMs: at("2026-03-09T05:00:00Z") }, // Mon 00:00 EDT: hits Monday's first cycle after the DST change
    { kind: "no-new-data", atMs: at("2026-03-11T14:00:00Z") }, // Wed 10:00 EDT
    { kind: "clock-skew", atMs: at("2026-03-13T17:30:00Z") }, // Fri 13:30 EDT
    { kind: "crash", atMs: at("2026-03-17T13:31:00Z") }, // Tue 09:31 EDT, right after a sleep
    { kind: "hang", atMs: at("2026-03-20T19:00:00Z") },
    { kind: "throw", atMs: at("2026-03-25T14:30:00Z") },
    { kind: "busy", atMs: at("2026-03-27T16:02:00Z") },
  ] satisfies FaultPlan[]).filter((f) => f.atMs < to - 86400_000);
  const sleeps: SleepPlan[] = [
    { fromMs: at("2026-03-03T03:00:00Z"), toMs: at("2026-03-03T13:00:00Z") }, // overnight, wakes 08:00 EST
    { fromMs: at("2026-03-07T01:00:00Z"), toMs: at("2026-03-09T12:50:00Z") }, // the weekend, across the DST change
    { fromMs: at("2026-03-12T15:00:00Z"), toMs: at("2026-03-12T16:30:00Z") }, // lid closed during market hours
    { fromMs: at("2026-03-17T02:00:00Z"), toMs: at("2026-03-17T13:30:00Z") }, // wakes 09:30 EDT
    { fromMs: at("2026-03-24T20:30:00Z"), toMs: at("2026-03-25T13:10:00Z") },
  ].filter((s) => s.toMs < to);
  return {
    fromMs: from,
    toMs: to,
    timezone: "America/New_York",
    cycleSchedule: "*/5 9-15 * * 1-5",
    watchdogSchedule: "*/15 * * * *",
    timeoutSec: 240,
    graceSec: 60,
    stallSec: 120,
    maxUnproductive: 3,
    faults,
    sleeps,
    resumeAfterMs: 2 * 3600_000,
  };
}
