/**
 * One cron expression, three readers: systemd's OnCalendar=, launchd's
 * StartCalendarInterval, and the watchdog's own cron code. These conversions are
 * pure and exact; the tests hold them against systemd-analyze and against cron.
 */
import { nextRun, parseCron, wallClock, type CronExpr } from "./cron.js";

const DOW = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const pad2 = (n: number) => String(n).padStart(2, "0");

/** "0/5" for an arithmetic run that covers the field, "09..15" for consecutive values, else a list. */
function field(values: ReadonlySet<number>, min: number, max: number, fmt: (n: number) => string): string {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === max - min + 1) return "*";
  if (v.length >= 2) {
    const step = v[1]! - v[0]!;
    const arithmetic = v.every((x, i) => x === v[0]! + i * step);
    if (arithmetic && step > 1 && v.at(-1)! + step > max) return `${fmt(v[0]!)}/${step}`;
  }
  const parts: string[] = [];
  for (let i = 0; i < v.length; ) {
    let j = i;
    while (j + 1 < v.length && v[j + 1] === v[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${fmt(v[i]!)}..${fmt(v[j]!)}` : v.slice(i, j + 1).map(fmt).join(","));
    i = j + 1;
  }
  return parts.join(",");
}

function weekdays(values: ReadonlySet<number>): string {
  const v = [...values].sort((a, b) => a - b);
  return v.map((d) => DOW[d]!).join(",");
}

/**
 * OnCalendar= lines for a cron expression in a time zone. Cron ORs day-of-month and
 * weekday when both are restricted; systemd ANDs them, so that case needs two lines
 * (a timer fires on any of its OnCalendar= lines).
 */
export function toOnCalendar(expr: string, timezone: string): string[] {
  const c = parseCron(expr);
  const time = `${field(c.hours, 0, 23, pad2)}:${field(c.minutes, 0, 59, pad2)}:${field(c.seconds, 0, 59, pad2)}`;
  const month = field(c.months, 1, 12, pad2);
  const tz = timezone === "UTC" ? " UTC" : ` ${timezone}`;
  const line = (dow: string | null, dom: string) => `${dow ? `${dow} ` : ""}*-${month}-${dom} ${time}${tz}`;
  const dom = field(c.days, 1, 31, pad2);
  if (c.dayRestricted && c.weekdayRestricted) return [line(null, dom), line(weekdays(c.weekdays), "*")];
  if (c.weekdayRestricted) return [line(weekdays(c.weekdays), "*")];
  return [line(null, c.dayRestricted ? dom : "*")];
}

/** One StartCalendarInterval entry; a missing key is a wildcard. Weekday 0 is Sunday. */
export interface CalendarDict {
  Minute?: number;
  Hour?: number;
  Day?: number;
  Weekday?: number;
  Month?: number;
}

function product(c: CronExpr, useDay: boolean, useWeekday: boolean): CalendarDict[] {
  const full = (s: ReadonlySet<number>, n: number) => s.size === n;
  const axes: [keyof CalendarDict, number[] | null][] = [
    ["Month", full(c.months, 12) ? null : [...c.months]],
    ["Day", useDay ? [...c.days] : null],
    ["Weekday", useWeekday ? [...c.weekdays] : null],
    ["Hour", full(c.hours, 24) ? null : [...c.hours]],
    ["Minute", full(c.minutes, 60) ? null : [...c.minutes]],
  ];
  let out: CalendarDict[] = [{}];
  for (const [key, values] of axes) {
    if (!values) continue;
    const sorted = values.sort((a, b) => a - b);
    out = out.flatMap((d) => sorted.map((v) => ({ ...d, [key]: v })));
  }
  return out;
}

/** StartCalendarInterval entries for a cron expression read in the Mac's own zone. */
export function toCalendarDicts(expr: string): CalendarDict[] {
  const c = parseCron(expr);
  if ([...c.seconds].some((s) => s !== 0) || c.seconds.size !== 1)
    throw new Error(`"${expr}" has a seconds field: launchd schedules whole minutes only`);
  if (c.dayRestricted && c.weekdayRestricted) return [...product(c, true, false), ...product(c, false, true)];
  return product(c, c.dayRestricted, c.weekdayRestricted);
}

function dictMatches(d: CalendarDict, w: ReturnType<typeof wallClock>): boolean {
  return (
    (d.Minute === undefined || d.Minute === w.minute) &&
    (d.Hour === undefined || d.Hour === w.hour) &&
    (d.Day === undefined || d.Day === w.day) &&
    (d.Month === undefined || d.Month === w.month) &&
    (d.Weekday === undefined || d.Weekday % 7 === w.weekday)
  );
}

/** Does any entry fire at this instant (whole minute) in `tz`? */
export function calendarFires(dicts: readonly CalendarDict[], ms: number, tz: string): boolean {
  const w = wallClock(ms, tz);
  return dicts.some((d) => dictMatches(d, w));
}

const YEAR_MS = 366 * 86400_000;

function sameOffsetsAllYear(a: string, b: string, fromMs: number): boolean {
  if (a === b) return true;
  for (let t = fromMs; t < fromMs + YEAR_MS; t += 3600_000) {
    const wa = wallClock(t, a);
    const wb = wallClock(t, b);
    if (wa.hour !== wb.hour || wa.minute !== wb.minute || wa.day !== wb.day) return false;
  }
  return true;
}

export type LaunchdMode = "same-zone" | "converted" | "local-with-skip";

export interface LaunchdSchedule {
  dicts: CalendarDict[];
  mode: LaunchdMode;
  note: string;
}

/**
 * launchd reads StartCalendarInterval in the Mac's local zone. When the config's zone
 * differs, shift the schedule if that is exact all year; otherwise fire at every local
 * time the schedule can fall on and let the entrypoint skip starts that are off schedule.
 */
export function launchdSchedule(expr: string, configTz: string, localTz: string, fromMs: number): LaunchdSchedule {
  const direct = toCalendarDicts(expr);
  if (sameOffsetsAllYear(configTz, localTz, fromMs))
    return { dicts: direct, mode: "same-zone", note: `the Mac's zone (${localTz}) keeps the same clock as ${configTz}: used as is` };
  const c = parseCron(expr);
  const runs: number[] = [];
  for (let t = nextRun(c, fromMs - 1, configTz); t !== null && t < fromMs + YEAR_MS; t = nextRun(c, t, configTz)) runs.push(t);
  const keys = new Set<string>();
  const dicts: CalendarDict[] = [];
  const both = c.dayRestricted && c.weekdayRestricted;
  for (const t of runs) {
    const w = wallClock(t, localTz);
    const d: CalendarDict = {};
    if (c.months.size !== 12 && !both) d.Month = w.month;
    if (c.dayRestricted && !both) d.Day = w.day;
    if (c.weekdayRestricted && !both) d.Weekday = w.weekday;
    if (c.hours.size !== 24) d.Hour = w.hour;
    if (c.minutes.size !== 60) d.Minute = w.minute;
    const k = JSON.stringify(d);
    if (!keys.has(k)) {
      keys.add(k);
      dicts.push(d);
    }
  }
  dicts.sort((a, b) => (a.Month ?? 0) - (b.Month ?? 0) || (a.Day ?? 0) - (b.Day ?? 0) || (a.Weekday ?? 0) - (b.Weekday ?? 0) || (a.Hour ?? 0) - (b.Hour ?? 0) || (a.Minute ?? 0) - (b.Minute ?? 0));
  // Exact only if the local entries fire at exactly the schedule's instants, all year.
  const want = new Set(runs);
  let exact = !both;
  for (let t = fromMs - (fromMs % 60_000) + 60_000; exact && t < fromMs + YEAR_MS; t += 60_000) {
    if (calendarFires(dicts, t, localTz) !== want.has(t)) exact = false;
  }
  return exact
    ? { dicts, mode: "converted", note: `converted from ${configTz} to the Mac's zone (${localTz}); exact all year` }
    : {
        dicts,
        mode: "local-with-skip",
        note: `${configTz} and the Mac's zone (${localTz}) differ by a changing offset (DST): launchd fires at every local time the schedule can fall on, and the entrypoint skips starts that are not due in ${configTz}`,
      };
}
