import { describe, expect, it } from "vitest";
import { decideWatchdog, judge, watchdogLiveness, type LockView, type WatchdogInput, type WatchdogSettings } from "../watchdog/decide.js";
import { parseCron } from "../watchdog/core/cron.js";
import type { CircuitState, HeartbeatState } from "../watchdog/core/state.js";
import type { Progress, WatchdogRecord } from "../watchdog/core/schemas.js";

const T = (iso: string) => Date.parse(iso);
const green: CircuitState = { state: "green", why: "no circuit file", mtimeMs: null, circuit: null };
const pausedValid: CircuitState = { state: "paused", valid: true, mtimeMs: 0, circuit: { paused: true, reason: "first cause", by: "watchdog", since: 1 } };
const pausedInvalid: CircuitState = { state: "paused", valid: false, why: "empty file", mtimeMs: 0 };
const free: LockView = { kind: "free" };

function settings(over: Partial<WatchdogSettings> = {}): WatchdogSettings {
  return {
    timezone: "UTC",
    cycleSchedule: parseCron("*/5 * * * *"),
    watchdogSchedule: parseCron("*/15 * * * *"),
    timeoutSec: 240,
    graceSec: 60,
    stallSec: 120,
    layerStallSec: {},
    futureToleranceSec: 60,
    tripAfter: 1,
    killStalled: true,
    ...over,
  };
}
const beatAt = (ms: number, status = "ok"): HeartbeatState => ({ kind: "present", heartbeat: { at: Math.floor(ms / 1000), status, cycle: "c" }, mtimeMs: ms });
/** A watchdog that has been watching since well before any test's `now`. */
const watched: WatchdogRecord = { at: T("2026-11-23T12:06:00Z") / 1000, verdict: "healthy", streak: 0, watchingSince: T("2026-11-01T00:00:00Z") / 1000 };
const input = (over: Partial<WatchdogInput>): WatchdogInput => ({ heartbeat: { kind: "missing" }, circuit: green, progress: null, lock: free, previous: null, ...over });

describe("schedule-aware staleness (every 5 min, timeout 240 s, grace 60 s)", () => {
  const S = settings();
  const now = T("2026-11-23T12:07:00Z");
  // At 12:07 the latest start that should have finished is 12:00 (12:00 + 5 min = 12:05 <= 12:07); 12:05's has not.

  it("a beat from the 12:00 cycle is fresh at 12:07", () => {
    expect(judge(input({ heartbeat: beatAt(T("2026-11-23T12:00:20Z")) }), S, now).verdict.healthy).toBe(true);
  });

  it("a beat from before the 12:00 start is stale at 12:05:00.001, not at 12:04:59", () => {
    const hb = beatAt(T("2026-11-23T11:55:30Z"));
    expect(judge(input({ heartbeat: hb }), S, T("2026-11-23T12:04:59Z")).verdict.healthy).toBe(true);
    expect(judge(input({ heartbeat: hb }), S, T("2026-11-23T12:05:00Z")).verdict).toMatchObject({ healthy: false, reason: "stale" });
  });

  it("a beat exactly at the due start counts (whole seconds)", () => {
    expect(judge(input({ heartbeat: beatAt(T("2026-11-23T12:00:00Z")) }), S, now).verdict.healthy).toBe(true);
  });

  it.each(["error", "aborted", "stale-data", "OK", ""])("a fresh beat with status %j is not ok", (status) => {
    const p = decideWatchdog(input({ heartbeat: beatAt(T("2026-11-23T12:00:20Z"), status) }), S, now);
    expect(p.verdict).toMatchObject({ healthy: false, reason: "not-ok" });
    expect(p.action).toBe("trip");
  });

  it("missing and unreadable heartbeats trip once a cycle was due", () => {
    expect(decideWatchdog(input({ previous: watched }), S, now)).toMatchObject({ action: "trip", verdict: { reason: "missing" } });
    expect(decideWatchdog(input({ heartbeat: { kind: "unreadable", why: "empty file" } }), S, now)).toMatchObject({ action: "trip", verdict: { reason: "unreadable" } });
  });

  it("a heartbeat from the future beyond the tolerance is clock skew, within it is fine", () => {
    expect(judge(input({ heartbeat: beatAt(now + 61_000) }), S, now).verdict).toMatchObject({ healthy: false, reason: "clock-skew" });
    expect(judge(input({ heartbeat: beatAt(now + 60_000) }), S, now).verdict.healthy).toBe(true);
  });

  it("maxAgeSec, when set, is an extra plain bound", () => {
    const hb = beatAt(T("2026-11-23T12:00:20Z"));
    expect(judge(input({ heartbeat: hb }), settings({ maxAgeSec: 420 }), now).verdict.healthy).toBe(true);
    expect(judge(input({ heartbeat: hb }), settings({ maxAgeSec: 360 }), T("2026-11-23T12:06:21Z")).verdict.healthy).toBe(false);
  });
});

describe("market hours in New York: no false alarms at night, at weekends or across DST", () => {
  const S = settings({ timezone: "America/New_York", cycleSchedule: parseCron("*/5 9-15 * * 1-5") });
  // Friday 2026-03-06 15:55 EST (20:55Z) is the last cycle of the week; the clocks change on Sunday 03-08.
  const lastFriday = beatAt(T("2026-03-06T20:55:30Z"));

  it.each([
    ["Friday evening", "2026-03-07T01:00:00Z"],
    ["Saturday", "2026-03-07T17:00:00Z"],
    ["Sunday night after the DST change", "2026-03-09T05:00:00Z"],
    ["Monday 09:04 EDT, before the first cycle could finish", "2026-03-09T13:04:00Z"],
  ])("healthy on %s", (_n, at) => {
    expect(judge(input({ heartbeat: lastFriday }), S, T(at)).verdict.healthy).toBe(true);
  });

  it("alarms promptly on Monday when the 09:00 cycle did not beat", () => {
    // 09:00 EDT = 13:00Z; + 240 s + 60 s = 13:05Z.
    expect(judge(input({ heartbeat: lastFriday }), S, T("2026-03-09T13:05:00Z")).verdict).toMatchObject({ healthy: false, reason: "stale" });
  });
});

describe("resume, sleep and streaks", () => {
  const S = settings();

  it("after a manual resume the old heartbeat does not re-trip before the next cycle could have run", () => {
    const resumeAt = T("2026-11-23T12:06:00Z");
    const resumed: CircuitState = { state: "green", why: "paused: false", mtimeMs: resumeAt, circuit: { paused: false } };
    const old = beatAt(T("2026-11-23T09:00:00Z"), "error");
    expect(decideWatchdog(input({ heartbeat: old, circuit: resumed }), S, T("2026-11-23T12:06:01Z")).action).toBe("none");
    expect(decideWatchdog(input({ heartbeat: old, circuit: resumed }), S, T("2026-11-23T12:14:59Z")).action).toBe("none");
    // The 12:10 cycle should have finished by 12:15: now the old beat is stale.
    expect(decideWatchdog(input({ heartbeat: old, circuit: resumed }), S, T("2026-11-23T12:15:00Z"))).toMatchObject({ action: "trip", verdict: { reason: "stale" } });
    // A beat after the resume is judged normally, status included.
    expect(decideWatchdog(input({ heartbeat: beatAt(T("2026-11-23T12:10:30Z"), "error"), circuit: resumed }), S, T("2026-11-23T12:11:00Z")).action).toBe("trip");
  });

  it("after the machine slept, the cycle gets one scheduled slot to catch up, and the log is told", () => {
    const previous: WatchdogRecord = { at: T("2026-11-23T02:00:00Z") / 1000, verdict: "healthy", streak: 0 };
    const old = beatAt(T("2026-11-23T01:55:30Z"));
    const wake = T("2026-11-23T09:00:10Z");
    const first = decideWatchdog(input({ heartbeat: old, previous }), S, wake);
    expect(first.slept).toBe(true);
    expect(first.action).toBe("none");
    expect(first.record.wakeAt).toBe(Math.floor(wake / 1000));
    // The next run, 15 minutes later: the 09:10 cycle should have beaten by now.
    const second = decideWatchdog(input({ heartbeat: old, previous: first.record }), S, T("2026-11-23T09:15:00Z"));
    expect(second.slept).toBe(false);
    expect(second).toMatchObject({ action: "trip", verdict: { reason: "stale" } });
    // ...and is healthy if it did.
    expect(decideWatchdog(input({ heartbeat: beatAt(T("2026-11-23T09:10:20Z")), previous: first.record }), S, T("2026-11-23T09:15:00Z")).action).toBe("none");
  });

  it("tripAfter: trips only on the Nth consecutive unhealthy reading; a healthy one resets the streak", () => {
    const S3 = settings({ tripAfter: 3 });
    const now = T("2026-11-23T12:07:00Z");
    let previous: WatchdogRecord | null = watched;
    const actions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = decideWatchdog(input({ previous }), S3, now + i * 1000);
      actions.push(p.action);
      previous = p.record;
    }
    expect(actions).toEqual(["none", "none", "trip"]);
    const healthy = decideWatchdog(input({ heartbeat: beatAt(now), previous }), S3, now + 5000);
    expect(healthy.record.streak).toBe(0);
  });

  it("a new install: no heartbeat is not an outage until a cycle due after the watchdog's first run should have finished", () => {
    // First run at 12:07:10, with no record: it starts the clock; the cycle due at 12:00 predates it.
    const first = decideWatchdog(input({}), S, T("2026-11-23T12:07:10Z"));
    expect(first).toMatchObject({ action: "none", verdict: { healthy: true } });
    expect(first.record.watchingSince).toBe(T("2026-11-23T12:07:10Z") / 1000);
    // 12:15:00: the first due start after 12:07:10 is 12:10, which should have finished by 12:15.
    const before = decideWatchdog(input({ previous: first.record }), S, T("2026-11-23T12:14:59Z"));
    expect(before.action).toBe("none");
    expect(before.record.watchingSince).toBe(first.record.watchingSince);
    expect(decideWatchdog(input({ previous: before.record }), S, T("2026-11-23T12:15:00Z"))).toMatchObject({ action: "trip", verdict: { reason: "missing" } });
    // An unreadable heartbeat is a broken file, not a new install: it trips on the first run.
    expect(decideWatchdog(input({ heartbeat: { kind: "unreadable", why: "empty file" } }), S, T("2026-11-23T12:07:10Z")).action).toBe("trip");
    // status and the reminder only read the clock; they never start it.
    expect(judge(input({ ownRun: false }), S, T("2026-11-23T12:07:10Z")).verdict).toMatchObject({ healthy: false, reason: "missing" });
  });

  it("an already paused circuit (valid or not) is never tripped again", () => {
    const now = T("2026-11-23T12:07:00Z");
    expect(decideWatchdog(input({ circuit: pausedValid }), S, now).action).toBe("none");
    expect(decideWatchdog(input({ circuit: pausedInvalid }), S, now).action).toBe("none");
  });
});

describe("stalls: alive but not progressing", () => {
  const S = settings({ layerStallSec: { "market-data": 600 } });
  const now = T("2026-11-23T12:03:00Z");
  const fresh = beatAt(T("2026-11-23T12:00:20Z"));
  const lock = (startedIso: string): LockView => ({ kind: "live", pid: 4242, startedAt: T(startedIso) / 1000, cycle: "c1", sameHost: true });
  const progress = (atIso: string, layer = "signals"): Progress => ({ step: 7, note: `layer ${layer} started`, at: T(atIso) / 1000, cycle: "c1", pid: 4242, layer });

  it("no progress for more than stallSec while holding the lock: stalled, trip and kill", () => {
    const p = decideWatchdog(input({ heartbeat: fresh, lock: lock("2026-11-23T12:00:00Z"), progress: progress("2026-11-23T12:00:59Z") }), S, now);
    expect(p.verdict).toMatchObject({ healthy: false, reason: "stalled" });
    expect(p.action).toBe("trip");
    expect(p.kill).toEqual({ pid: 4242, cycle: "c1" });
  });

  it("progress within stallSec is fine; a slow layer gets its own limit", () => {
    expect(judge(input({ heartbeat: fresh, lock: lock("2026-11-23T12:00:00Z"), progress: progress("2026-11-23T12:01:01Z") }), S, now).verdict.healthy).toBe(true);
    expect(judge(input({ heartbeat: fresh, lock: lock("2026-11-23T12:00:00Z"), progress: progress("2026-11-23T12:00:00Z", "market-data") }), S, now).verdict.healthy).toBe(true);
  });

  it("progress from an older cycle does not count; the lock's start does", () => {
    const old: Progress = { ...progress("2026-11-23T12:02:59Z"), cycle: "c0" };
    expect(judge(input({ heartbeat: fresh, lock: lock("2026-11-23T12:00:00Z"), progress: old }), S, now).verdict).toMatchObject({ reason: "stalled" });
  });

  it("a cycle running past timeoutSec + graceSec is stalled even while it reports progress", () => {
    const j = judge(input({ heartbeat: fresh, lock: lock("2026-11-23T11:57:59Z"), progress: progress("2026-11-23T12:02:50Z") }), S, now);
    expect(j.verdict).toMatchObject({ healthy: false, reason: "stalled" });
  });

  it("a lock held on another machine is not judged; killStalled false never kills; a paused circuit still gets its wedged runner killed", () => {
    const remote: LockView = { kind: "live", pid: 1, startedAt: T("2026-11-23T11:00:00Z") / 1000, cycle: "c1", sameHost: false };
    expect(judge(input({ heartbeat: fresh, lock: remote }), S, now).verdict.healthy).toBe(true);
    const noKill = decideWatchdog(input({ heartbeat: fresh, lock: lock("2026-11-23T12:00:00Z") }), settings({ killStalled: false }), now);
    expect(noKill.kill).toBeNull();
    const paused = decideWatchdog(input({ heartbeat: fresh, circuit: pausedValid, lock: lock("2026-11-23T12:00:00Z") }), S, now);
    expect(paused.action).toBe("none");
    expect(paused.kill?.pid).toBe(4242);
  });
});

describe("who watches the watchdog", () => {
  const S = settings();
  const now = T("2026-11-23T12:07:00Z");
  it("reports a watchdog that never ran or stopped running", () => {
    expect(watchdogLiveness(null, S, now).ok).toBe(false);
    // Never ran, on an install younger than 2.5 watchdog periods + grace (38.5 min): not yet missing.
    expect(watchdogLiveness(null, S, now, now - 38 * 60_000).ok).toBe(true);
    expect(watchdogLiveness(null, S, now, now - 39 * 60_000).ok).toBe(false);
    expect(watchdogLiveness({ at: (now - 20 * 60_000) / 1000, verdict: "healthy", streak: 0 }, S, now).ok).toBe(true);
    expect(watchdogLiveness({ at: (now - 45 * 60_000) / 1000, verdict: "healthy", streak: 0 }, S, now)).toMatchObject({ ok: false });
  });
});
