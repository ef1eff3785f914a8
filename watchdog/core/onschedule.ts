import { calendarFires, launchdSchedule } from "./calendar.js";
import { parseCron, prevRun } from "./cron.js";

const WINDOW_MS = 90_000;

export function localTimezone(): string {
  return process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/**
 * For a launchd job installed in "local-with-skip" mode (its zone's offset to the Mac's
 * changes with DST): launchd fires at every local time the schedule can fall on; a start
 * that launchd made at such a time but that is not due in the config's zone is skipped.
 * Any other start (on schedule, by hand, or coalesced after sleep) runs.
 */
export function offScheduleStart(expr: string, configTz: string, localTz: string, nowMs: number): { skip: boolean; why: string } {
  const due = prevRun(parseCron(expr), nowMs, configTz);
  if (due !== null && nowMs - due <= WINDOW_MS) return { skip: false, why: "due now" };
  const sched = launchdSchedule(expr, configTz, localTz, nowMs - 86400_000);
  if (sched.mode !== "local-with-skip") return { skip: false, why: sched.mode };
  for (let m = Math.floor((nowMs - WINDOW_MS) / 60_000) * 60_000; m <= nowMs; m += 60_000)
    if (calendarFires(sched.dicts, m, localTz))
      return { skip: true, why: `launchd fired at a local time that is not on "${expr}" in ${configTz}` };
  return { skip: false, why: "not a scheduled start (by hand, or caught up after sleep)" };
}
