import { describe, expect, it } from "vitest";
import { decideWatchdog, judgeHeartbeat } from "../watchdog/decide.js";
import type { CircuitState, HeartbeatState } from "../watchdog/core/state.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");
const S = { maxAgeSec: 900, futureToleranceSec: 60 };
const green: CircuitState = { state: "green", why: "no circuit file", mtimeMs: null, circuit: null };
const pausedValid: CircuitState = { state: "paused", valid: true, mtimeMs: NOW - 5000, circuit: { paused: true, reason: "first cause", by: "watchdog", since: 1 } };
const pausedInvalid: CircuitState = { state: "paused", valid: false, why: "empty file", mtimeMs: NOW - 5000 };
const beat = (ageSec: number, status = "ok"): HeartbeatState => ({
  kind: "present",
  heartbeat: { at: (NOW - ageSec * 1000) / 1000, status },
  mtimeMs: NOW - ageSec * 1000,
});

describe("watchdog decision (pure, injected clock)", () => {
  it("healthy when the beat is ok and exactly at the age limit", () => {
    expect(judgeHeartbeat(beat(900), green, S, NOW).healthy).toBe(true);
  });

  it("stale one second past the limit, and trips a green circuit", () => {
    const p = decideWatchdog(beat(901), green, S, NOW);
    expect(p.verdict).toMatchObject({ healthy: false, reason: "stale" });
    expect(p.action).toBe("trip");
  });

  it.each(["error", "aborted", "stale-data", "OK", ""])("status %j is not ok", (status) => {
    const p = decideWatchdog(beat(10, status), green, S, NOW);
    expect(p.verdict).toMatchObject({ healthy: false, reason: "not-ok" });
    expect(p.action).toBe("trip");
  });

  it("missing and unreadable heartbeats trip", () => {
    expect(decideWatchdog({ kind: "missing" }, green, S, NOW)).toMatchObject({ action: "trip", verdict: { reason: "missing" } });
    expect(decideWatchdog({ kind: "unreadable", why: "empty file" }, green, S, NOW)).toMatchObject({
      action: "trip",
      verdict: { reason: "unreadable" },
    });
  });

  it("a heartbeat from the future beyond the tolerance is clock skew, within it is fine", () => {
    expect(decideWatchdog(beat(-61), green, S, NOW)).toMatchObject({ action: "trip", verdict: { reason: "clock-skew" } });
    expect(judgeHeartbeat(beat(-60), green, S, NOW).healthy).toBe(true);
  });

  it("an already paused circuit (valid or not) is never tripped again: no new alert", () => {
    expect(decideWatchdog(beat(5000), pausedValid, S, NOW).action).toBe("none");
    expect(decideWatchdog(beat(5000), pausedInvalid, S, NOW).action).toBe("none");
    expect(decideWatchdog({ kind: "missing" }, pausedValid, S, NOW).action).toBe("none");
  });

  it("after a manual resume the old heartbeat does not re-trip until the next cycle had its chance", () => {
    const resumed: CircuitState = { state: "green", why: "paused: false", mtimeMs: NOW - 60_000, circuit: { paused: false } };
    expect(decideWatchdog(beat(3600, "error"), resumed, S, NOW).action).toBe("none");
    expect(decideWatchdog({ kind: "missing" }, resumed, S, NOW).action).toBe("none");
    // ...but a beat after the resume is judged normally,
    expect(decideWatchdog(beat(30, "error"), resumed, S, NOW).action).toBe("trip");
    // and the grace ends after maxAgeSec.
    const longAgo: CircuitState = { ...resumed, mtimeMs: NOW - 901_000 };
    expect(decideWatchdog(beat(3600, "error"), longAgo, S, NOW).action).toBe("trip");
  });
});
