import { hostname } from "node:os";
import { parseCron } from "./core/cron.js";
import type { Config } from "./core/config.js";
import { inspectLock } from "./core/lock.js";
import { FUTURE_TOLERANCE_SEC, type LockView, type WatchdogSettings } from "./decide.js";

export function watchdogSettings(config: Config): WatchdogSettings {
  const layerStallSec: Record<string, number> = {};
  for (const [name, l] of Object.entries(config.cycle.layers)) if (l.stallSec !== undefined) layerStallSec[name] = l.stallSec;
  return {
    timezone: config.timezone,
    cycleSchedule: parseCron(config.cycle.schedule),
    watchdogSchedule: parseCron(config.watchdog.schedule),
    timeoutSec: config.cycle.timeoutSec,
    graceSec: config.watchdog.graceSec,
    stallSec: config.cycle.stallSec,
    layerStallSec,
    maxAgeSec: config.watchdog.maxAgeSec,
    futureToleranceSec: FUTURE_TOLERANCE_SEC,
    tripAfter: config.watchdog.tripAfter,
    killStalled: config.watchdog.killStalled,
  };
}

export function lockView(path: string, nowMs: number): LockView {
  let h;
  try {
    h = inspectLock(path, nowMs);
  } catch (err) {
    return { kind: "stale", why: String(err) };
  }
  if (h.kind === "free") return { kind: "free" };
  if (h.kind === "stale") return { kind: "stale", why: h.why };
  return { kind: "live", pid: h.info.pid, startedAt: h.info.startedAt, cycle: h.info.cycle ?? null, sameHost: h.info.host === hostname() };
}
