import type { CircuitState, HeartbeatState } from "./core/state.js";
import { humanDuration, isoSec } from "./core/time.js";

/** Seconds a heartbeat may be dated ahead of our clock before it counts as clock skew. */
export const FUTURE_TOLERANCE_SEC = 60;

export type UnhealthyReason = "missing" | "unreadable" | "stale" | "not-ok" | "clock-skew";

export type Verdict =
  | { healthy: true; note: string }
  | { healthy: false; reason: UnhealthyReason; detail: string };

export interface WatchdogPlan {
  verdict: Verdict;
  /** "trip" only when unhealthy and the circuit is still green. */
  action: "none" | "trip";
  note: string;
}

export interface WatchdogSettings {
  maxAgeSec: number;
  /** A heartbeat dated further ahead than this is a clock fault, not a fresh beat. */
  futureToleranceSec: number;
}

/** Pure: what the heartbeat says about the pipeline at `nowMs`. */
export function judgeHeartbeat(hb: HeartbeatState, circuit: CircuitState, s: WatchdogSettings, nowMs: number): Verdict {
  // A person just resumed: the old heartbeat is from before the resume, so give the
  // next cycle its chance instead of tripping again on stale news.
  const resumedAtMs = circuit.state === "green" && circuit.mtimeMs !== null ? circuit.mtimeMs : null;
  // Heartbeats carry whole seconds, so compare in whole seconds: a beat in the same second counts as after.
  const resumeGrace = (beatAtMs: number | null): Verdict | null =>
    resumedAtMs !== null &&
    (beatAtMs === null || Math.floor(resumedAtMs / 1000) * 1000 > beatAtMs) &&
    nowMs - resumedAtMs <= s.maxAgeSec * 1000
      ? { healthy: true, note: `resumed at ${isoSec(resumedAtMs)}; waiting for the first cycle after the resume` }
      : null;

  if (hb.kind === "missing")
    return resumeGrace(null) ?? { healthy: false, reason: "missing", detail: "no heartbeat file: no cycle has finished" };
  if (hb.kind === "unreadable")
    return resumeGrace(null) ?? { healthy: false, reason: "unreadable", detail: `heartbeat file is ${hb.why}` };
  const beat = hb.heartbeat;
  const atMs = beat.at * 1000;
  const ageSec = (nowMs - atMs) / 1000;
  if (ageSec < -s.futureToleranceSec)
    return {
      healthy: false,
      reason: "clock-skew",
      detail: `heartbeat is dated ${isoSec(atMs)}, ${humanDuration(-ageSec)} in the future: a clock is wrong`,
    };
  const grace = resumeGrace(atMs);
  if (grace) return grace;
  if (ageSec > s.maxAgeSec)
    return {
      healthy: false,
      reason: "stale",
      detail: `last heartbeat ${isoSec(atMs)}, ${humanDuration(ageSec)} ago (limit ${humanDuration(s.maxAgeSec)})`,
    };
  if (beat.status !== "ok")
    return {
      healthy: false,
      reason: "not-ok",
      detail: `last cycle${beat.cycle ? ` ${beat.cycle}` : ""} ended "${beat.status}"${beat.layer ? ` in layer ${beat.layer}` : ""}${beat.error ? `: ${beat.error}` : ""} at ${isoSec(atMs)}`,
    };
  return { healthy: true, note: `last cycle ok at ${isoSec(atMs)} (${humanDuration(Math.max(0, ageSec))} ago)` };
}

export function decideWatchdog(hb: HeartbeatState, circuit: CircuitState, s: WatchdogSettings, nowMs: number): WatchdogPlan {
  const verdict = judgeHeartbeat(hb, circuit, s, nowMs);
  if (verdict.healthy) return { verdict, action: "none", note: verdict.note };
  if (circuit.state === "paused")
    return { verdict, action: "none", note: "circuit already paused: first cause kept, no new alert (the reminder repeats it)" };
  return { verdict, action: "trip", note: "tripping the circuit" };
}

export const REASON_TITLE: Record<UnhealthyReason, string> = {
  missing: "no heartbeat: no cycle has finished",
  unreadable: "heartbeat file unreadable",
  stale: "heartbeat stale: cycles stopped finishing",
  "not-ok": "last cycle did not finish ok",
  "clock-skew": "heartbeat from the future: clock skew",
};
