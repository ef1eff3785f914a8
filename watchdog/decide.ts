import { prevRun, type CronExpr } from "./core/cron.js";
import type { CircuitState, HeartbeatState } from "./core/state.js";
import type { Progress, WatchdogRecord } from "./core/schemas.js";
import { epochSec, humanDuration, isoSec } from "./core/time.js";

/** Seconds a heartbeat may be dated ahead of our clock before it counts as clock skew. */
export const FUTURE_TOLERANCE_SEC = 60;
/** The watchdog's own gap, in periods, beyond which we assume the machine slept. */
export const SLEEP_FACTOR = 2.5;

export type UnhealthyReason = "missing" | "unreadable" | "stale" | "not-ok" | "clock-skew" | "stalled";

export type Verdict =
  | { healthy: true; note: string }
  | { healthy: false; reason: UnhealthyReason; detail: string };

/** What the cycle lock says, as the watchdog sees it. */
export type LockView =
  | { kind: "free" }
  | { kind: "live"; pid: number; startedAt: number; cycle: string | null; sameHost: boolean }
  | { kind: "stale"; why: string };

export interface WatchdogInput {
  heartbeat: HeartbeatState;
  circuit: CircuitState;
  progress: Progress | null;
  lock: LockView;
  /** The watchdog's own previous run (data/watchdog.json). */
  previous: WatchdogRecord | null;
  /**
   * false when status or the reminder judge (they only read): only the watchdog's own run
   * may conclude from its gap that the machine slept, and only its first run starts the
   * new-install clock.
   */
  ownRun?: boolean;
}

export interface WatchdogSettings {
  timezone: string;
  cycleSchedule: CronExpr;
  watchdogSchedule: CronExpr;
  timeoutSec: number;
  graceSec: number;
  stallSec: number;
  layerStallSec: Readonly<Record<string, number>>;
  maxAgeSec?: number | undefined;
  futureToleranceSec: number;
  tripAfter: number;
  killStalled: boolean;
}

export interface Judgement {
  verdict: Verdict;
  /** When the watchdog began watching (its first run); carried in data/watchdog.json. */
  watchingSinceMs: number | null;
  /** Set when the watchdog's own gap says the machine slept; staleness is judged from here. */
  wakeAtMs: number | null;
  slept: boolean;
  /** The latest scheduled cycle start that should have finished by now. */
  dueMs: number | null;
  stalledPid: number | null;
}

export interface WatchdogPlan extends Judgement {
  /** "trip" only when unhealthy often enough (tripAfter) and the circuit is still green. */
  action: "none" | "trip";
  kill: { pid: number; cycle: string | null } | null;
  record: WatchdogRecord;
  note: string;
}

/** The gap between the watchdog's last two scheduled runs: its period right now. */
export function watchdogPeriodMs(s: WatchdogSettings, nowMs: number): number {
  const p1 = prevRun(s.watchdogSchedule, nowMs, s.timezone);
  const p0 = p1 === null ? null : prevRun(s.watchdogSchedule, p1 - 1, s.timezone);
  return p1 !== null && p0 !== null ? p1 - p0 : 15 * 60_000;
}

function stallCheck(input: WatchdogInput, s: WatchdogSettings, nowMs: number): Verdict | null {
  const lock = input.lock;
  if (lock.kind !== "live" || !lock.sameHost) return null;
  const p = input.progress && lock.cycle !== null && input.progress.cycle === lock.cycle ? input.progress : null;
  const lastMs = Math.max(lock.startedAt * 1000, p ? p.at * 1000 : 0);
  const limitSec = (p?.layer !== undefined ? s.layerStallSec[p.layer] : undefined) ?? s.stallSec;
  const who = `cycle ${lock.cycle ?? "?"} (pid ${lock.pid})`;
  const where = p ? ` in layer ${p.layer ?? "?"}; last progress: "${p.note}" at ${isoSec(p.at * 1000)}` : " since it started";
  if (nowMs - lastMs > limitSec * 1000)
    return {
      healthy: false,
      reason: "stalled",
      detail: `${who} is alive but made no progress for ${humanDuration((nowMs - lastMs) / 1000)}${where} (limit ${humanDuration(limitSec)})`,
    };
  const runSec = (nowMs - lock.startedAt * 1000) / 1000;
  if (runSec > s.timeoutSec + s.graceSec)
    return {
      healthy: false,
      reason: "stalled",
      detail: `${who} has run for ${humanDuration(runSec)}, past cycle.timeoutSec + watchdog.graceSec (${humanDuration(s.timeoutSec + s.graceSec)})`,
    };
  return null;
}

/**
 * Pure: the state of the pipeline at `nowMs`. Staleness is judged against the cycle's
 * schedule: the heartbeat is stale only if it is older than the latest scheduled start
 * that should have finished by now (start + cycle.timeoutSec + watchdog.graceSec).
 * A resume or a wake from sleep restarts that clock.
 */
export function judge(input: WatchdogInput, s: WatchdogSettings, nowMs: number): Judgement {
  const { heartbeat: hb, circuit, previous } = input;
  const period = watchdogPeriodMs(s, nowMs);
  const slept = input.ownRun !== false && previous !== null && nowMs - previous.at * 1000 > SLEEP_FACTOR * period + s.graceSec * 1000;
  const wakeAtMs = slept ? nowMs : previous?.wakeAt !== undefined ? previous.wakeAt * 1000 : null;
  const resumedAtMs = circuit.state === "green" && circuit.mtimeMs !== null ? circuit.mtimeMs : null;
  const refMs = Math.max(resumedAtMs ?? -Infinity, wakeAtMs ?? -Infinity);
  const ref = Number.isFinite(refMs) ? refMs : null;
  const refWhat = ref === null ? "" : ref === wakeAtMs ? "the wake from sleep" : "the resume";
  const dueMs = prevRun(s.cycleSchedule, nowMs - (s.timeoutSec + s.graceSec) * 1000, s.timezone);
  // Like a new check on healthchecks.io: no heartbeat before the first cycle that was due
  // after the watchdog began watching is a new install, not an outage (an install whose
  // timers fire together, or `npm start`, whose first cycle is still running).
  const watchingSinceMs =
    previous?.watchingSince !== undefined ? previous.watchingSince * 1000 : input.ownRun !== false && previous === null ? nowMs : null;
  const base = { wakeAtMs, slept, dueMs, stalledPid: null, watchingSinceMs };

  const stalled = stallCheck(input, s, nowMs);
  if (stalled) return { ...base, verdict: stalled, stalledPid: input.lock.kind === "live" ? input.lock.pid : null };

  const pending = (): Judgement => ({
    ...base,
    verdict: { healthy: true, note: `waiting for the first cycle after ${refWhat} at ${isoSec(ref!)}` },
  });
  const dueAfterRef = dueMs !== null && (ref === null || dueMs >= ref);
  const dueText = dueMs === null ? "" : `the cycle due at ${isoSec(dueMs)} should have finished by ${isoSec(dueMs + (s.timeoutSec + s.graceSec) * 1000)}`;

  if (hb.kind === "missing" && watchingSinceMs !== null && (dueMs === null || dueMs < watchingSinceMs) && dueAfterRef)
    return {
      ...base,
      verdict: { healthy: true, note: `waiting for the first heartbeat: the watchdog began watching at ${isoSec(watchingSinceMs)}, and no cycle due since then had to be finished yet` },
    };
  if (hb.kind === "missing" || hb.kind === "unreadable") {
    if (!dueAfterRef) return ref !== null ? pending() : { ...base, verdict: { healthy: true, note: "no cycle was due yet" } };
    return {
      ...base,
      verdict:
        hb.kind === "missing"
          ? { healthy: false, reason: "missing", detail: `no heartbeat file: no cycle has finished; ${dueText}` }
          : { healthy: false, reason: "unreadable", detail: `heartbeat file is ${hb.why}` },
    };
  }
  const beat = hb.heartbeat;
  const atMs = beat.at * 1000;
  const ageSec = (nowMs - atMs) / 1000;
  if (ageSec < -s.futureToleranceSec)
    return {
      ...base,
      verdict: { healthy: false, reason: "clock-skew", detail: `heartbeat is dated ${isoSec(atMs)}, ${humanDuration(-ageSec)} in the future: a clock is wrong` },
    };
  // Heartbeats carry whole seconds: a beat in the same second as the reference counts as after it.
  const beforeRef = ref !== null && atMs < Math.floor(ref / 1000) * 1000;
  if (beforeRef) {
    // The old beat's status was seen by the person who resumed; only its age still matters.
    if (dueAfterRef && atMs < dueMs!)
      return { ...base, verdict: { healthy: false, reason: "stale", detail: `no cycle finished since ${refWhat} at ${isoSec(ref!)}: ${dueText}` } };
    return pending();
  }
  if (dueMs !== null && atMs < dueMs)
    return { ...base, verdict: { healthy: false, reason: "stale", detail: `last heartbeat ${isoSec(atMs)} (${humanDuration(ageSec)} ago), but ${dueText}` } };
  if (s.maxAgeSec !== undefined && ageSec > s.maxAgeSec)
    return {
      ...base,
      verdict: { healthy: false, reason: "stale", detail: `last heartbeat ${isoSec(atMs)}, ${humanDuration(ageSec)} ago (watchdog.maxAgeSec ${humanDuration(s.maxAgeSec)})` },
    };
  if (beat.status !== "ok")
    return {
      ...base,
      verdict: {
        healthy: false,
        reason: "not-ok",
        detail:
          `last cycle${beat.cycle ? ` ${beat.cycle}` : ""} ended "${beat.status}"${beat.layer ? ` in layer ${beat.layer}` : ""}${beat.error ? `: ${beat.error}` : ""} at ${isoSec(atMs)}` +
          (typeof beat.report === "string" ? `; diagnostic report: ${beat.report}` : ""),
      },
    };
  return { ...base, verdict: { healthy: true, note: `last cycle ok at ${isoSec(atMs)} (${humanDuration(Math.max(0, ageSec))} ago)` } };
}

export function decideWatchdog(input: WatchdogInput, s: WatchdogSettings, nowMs: number): WatchdogPlan {
  const j = judge(input, s, nowMs);
  const streak = j.verdict.healthy ? 0 : (input.previous?.streak ?? 0) + 1;
  const record: WatchdogRecord = {
    at: epochSec(nowMs),
    iso: isoSec(nowMs),
    verdict: j.verdict.healthy ? "healthy" : j.verdict.reason,
    detail: j.verdict.healthy ? j.verdict.note : j.verdict.detail,
    streak,
    ...(j.wakeAtMs !== null ? { wakeAt: epochSec(j.wakeAtMs) } : {}),
    watchingSince: epochSec(j.watchingSinceMs ?? nowMs),
  };
  if (j.verdict.healthy) return { ...j, action: "none", kill: null, record, note: j.verdict.note };
  const due = streak >= s.tripAfter;
  const kill = due && s.killStalled && j.stalledPid !== null && input.lock.kind === "live" ? { pid: j.stalledPid, cycle: input.lock.cycle } : null;
  if (!due)
    return { ...j, action: "none", kill: null, record, note: `unhealthy reading ${streak} of ${s.tripAfter} (watchdog.tripAfter): not tripping yet` };
  if (input.circuit.state === "paused")
    return { ...j, action: "none", kill, record, note: "circuit already paused: first cause kept, no new trip alert (the reminder repeats it)" };
  return { ...j, action: "trip", kill, record, note: "tripping the circuit" };
}

export const REASON_TITLE: Record<UnhealthyReason, string> = {
  missing: "no heartbeat: no cycle has finished",
  unreadable: "heartbeat file unreadable",
  stale: "heartbeat stale: cycles stopped finishing",
  "not-ok": "last cycle did not finish ok",
  "clock-skew": "heartbeat from the future: clock skew",
  stalled: "cycle stalled: alive but making no progress",
};

/**
 * Pure: is the watchdog itself still running on schedule? `installedSinceMs`, when known,
 * is the earliest sign of this install (the log's first record, the reminder's first run):
 * a watchdog that has never run is only missing once it has had time to run.
 */
export function watchdogLiveness(record: WatchdogRecord | null, s: WatchdogSettings, nowMs: number, installedSinceMs: number | null = null): { ok: boolean; detail: string } {
  const limitMs = SLEEP_FACTOR * watchdogPeriodMs(s, nowMs) + s.graceSec * 1000;
  if (!record) {
    if (installedSinceMs !== null && nowMs - installedSinceMs <= limitMs)
      return { ok: true, detail: `the watchdog has not run yet; this install is ${humanDuration(Math.max(0, nowMs - installedSinceMs) / 1000)} old (it must run within ${humanDuration(limitMs / 1000)})` };
    return { ok: false, detail: "the watchdog has never run here (no data/watchdog.json): is its timer installed?" };
  }
  const ageMs = nowMs - record.at * 1000;
  if (ageMs > limitMs)
    return { ok: false, detail: `the watchdog has not run since ${isoSec(record.at * 1000)} (${humanDuration(ageMs / 1000)} ago): nobody is watching the pipeline` };
  return { ok: true, detail: `watchdog last ran ${humanDuration(Math.max(0, ageMs) / 1000)} ago (${record.verdict})` };
}
