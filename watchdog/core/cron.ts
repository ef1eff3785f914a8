/**
 * A small, pure cron evaluator. node-cron schedules jobs but cannot say when a job
 * was last due; the watchdog needs exactly that, so this module answers both
 * "next run after t" and "latest run at or before t" for one expression in one
 * IANA time zone. Steps are taken over real instants (UTC minutes), so a wall time
 * skipped by a DST change never matches and a repeated one matches twice.
 */

export interface CronExpr {
  readonly source: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>; // 0 = Sunday
  readonly dayRestricted: boolean;
  readonly weekdayRestricted: boolean;
  readonly hasSeconds: boolean;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

export class CronError extends Error {}

function parseField(
  text: string,
  min: number,
  max: number,
  name: string,
  names?: readonly string[],
  namesBase = 0,
): Set<number> {
  const out = new Set<number>();
  const value = (raw: string): number => {
    const lower = raw.toLowerCase();
    if (names) {
      const i = names.indexOf(lower);
      if (i >= 0) return i + namesBase;
    }
    if (!/^\d+$/.test(raw)) throw new CronError(`${name}: "${raw}" is not a number`);
    const n = Number(raw);
    if (n < min || n > max) throw new CronError(`${name}: ${n} is outside ${min}-${max}`);
    return n;
  };
  for (const part of text.split(",")) {
    if (part === "") throw new CronError(`${name}: empty list item`);
    const [rangeText, stepText, extra] = part.split("/");
    if (extra !== undefined || rangeText === undefined) throw new CronError(`${name}: "${part}" has too many "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0)
        throw new CronError(`${name}: step "${stepText}" must be a positive number`);
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (rangeText === "*") {
      lo = min;
      hi = max;
    } else if (rangeText.includes("-")) {
      const [a, b, more] = rangeText.split("-");
      if (a === undefined || b === undefined || more !== undefined) throw new CronError(`${name}: bad range "${rangeText}"`);
      lo = value(a);
      hi = value(b);
      if (hi < lo) throw new CronError(`${name}: range "${rangeText}" runs backwards`);
    } else {
      lo = value(rangeText);
      hi = stepText !== undefined ? max : lo;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/** Parses a 5-field (minute hour day month weekday) or 6-field (with seconds first) expression. */
export function parseCron(source: string): CronExpr {
  const fields = source.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6)
    throw new CronError(`expected 5 fields (or 6 with seconds), got ${fields.length}`);
  const hasSeconds = fields.length === 6;
  const [sec, min, hour, dom, mon, dow] = hasSeconds ? fields : ["0", ...fields];
  const weekdays = parseField(dow!, 0, 7, "weekday", WEEKDAYS);
  if (weekdays.has(7)) {
    weekdays.delete(7);
    weekdays.add(0);
  }
  return {
    source,
    seconds: parseField(sec!, 0, 59, "second"),
    minutes: parseField(min!, 0, 59, "minute"),
    hours: parseField(hour!, 0, 23, "hour"),
    days: parseField(dom!, 1, 31, "day of month"),
    months: parseField(mon!, 1, 12, "month", MONTHS, 1),
    weekdays,
    // As in Vixie cron, a field that starts with "*" (even "*/2") counts as unrestricted.
    dayRestricted: !dom!.startsWith("*"),
    weekdayRestricted: !dow!.startsWith("*"),
    hasSeconds,
  };
}

/** Why `source` is not a cron expression, or null when it is one. */
export function cronProblem(source: string): string | null {
  try {
    parseCron(source);
    return null;
  } catch (err) {
    return err instanceof CronError ? err.message : String(err);
  }
}

export function isValidCron(source: string): boolean {
  return cronProblem(source) === null;
}

/** Zones that are UTC by definition: no need to wake ICU (its first use costs ~20 ms). */
const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"]);

export function isValidTimezone(tz: string): boolean {
  if (UTC_NAMES.has(tz)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(tz, f);
  }
  return f;
}

export function wallFromIntl(ms: number, tz: string): Wall {
  const w: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, weekday: 0 };
  for (const p of formatter(tz).formatToParts(ms)) {
    switch (p.type) {
      case "year":
        w.year = Number(p.value);
        break;
      case "month":
        w.month = Number(p.value);
        break;
      case "day":
        w.day = Number(p.value);
        break;
      case "hour":
        w.hour = Number(p.value);
        break;
      case "minute":
        w.minute = Number(p.value);
        break;
      case "weekday":
        w.weekday = WEEKDAYS.indexOf(p.value.toLowerCase().slice(0, 3));
        break;
    }
  }
  return w;
}

// Intl is slow; a zone's UTC offset only changes on a quarter-hour boundary, so it is
// looked up once per quarter hour and the wall clock is then plain arithmetic.
const QUARTER = 15 * 60_000;
const offsets = new Map<string, number>();
function offsetMs(ms: number, tz: string): number {
  if (UTC_NAMES.has(tz)) return 0;
  const q = Math.floor(ms / QUARTER) * QUARTER;
  const key = `${tz}|${q}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const w = wallFromIntl(q, tz);
    off = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) - q;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

/**
 * True for the second pass through a wall time when clocks fall back (01:30 happens
 * twice). Like systemd's OnCalendar=, a schedule fires at the first pass only, so the
 * timers and the watchdog agree on when a run was due.
 */
export function isRepeatedWallTime(ms: number, tz: string): boolean {
  const now = offsetMs(ms, tz);
  const before = offsetMs(ms - 3 * 3600_000, tz);
  if (before <= now) return false;
  // The same wall time under the earlier, larger offset: if that instant is still
  // before the change, this wall time has already happened once.
  return offsetMs(ms - (before - now), tz) === before;
}

/** The wall-clock time in `tz` at instant `ms`. */
export function wallClock(ms: number, tz: string): Wall {
  const d = new Date(ms + offsetMs(ms, tz));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  };
}

function dayMatches(c: CronExpr, w: Wall): boolean {
  if (!c.months.has(w.month)) return false;
  const dom = c.days.has(w.day);
  const dow = c.weekdays.has(w.weekday);
  // Vixie cron: when both day fields are restricted, either may match.
  if (c.dayRestricted && c.weekdayRestricted) return dom || dow;
  if (c.dayRestricted) return dom;
  if (c.weekdayRestricted) return dow;
  return true;
}

const MIN = 60_000;
const SEARCH_LIMIT_MIN = 60 * 24 * 366 * 5;

/**
 * Walks minute by minute from `startMin` (a UTC minute index) in `dir`, skipping whole
 * hours and days that cannot match, and returns the first matching minute index.
 */
function scan(c: CronExpr, tz: string, startMin: number, dir: 1 | -1): number | null {
  let m = startMin;
  for (let guard = 0; guard < SEARCH_LIMIT_MIN; guard++) {
    const w = wallClock(m * MIN, tz);
    if (!dayMatches(c, w)) {
      // Jump towards the next/previous local day, staying an hour short so a DST
      // change cannot make us overshoot a matching day.
      const left = dir === 1 ? 24 * 60 - (w.hour * 60 + w.minute) : w.hour * 60 + w.minute + 1;
      m += dir * Math.max(1, left - 60);
      continue;
    }
    if (!c.hours.has(w.hour)) {
      const left = dir === 1 ? 60 - w.minute : w.minute + 1;
      m += dir * Math.max(1, left);
      continue;
    }
    if (c.minutes.has(w.minute) && !isRepeatedWallTime(m * MIN, tz)) return m;
    m += dir;
  }
  return null;
}

function sortedSeconds(c: CronExpr): number[] {
  return [...c.seconds].sort((a, b) => a - b);
}

/** The first run strictly after `afterMs`, or null if none within five years. */
export function nextRun(c: CronExpr, afterMs: number, tz: string): number | null {
  const secs = sortedSeconds(c);
  let minute = Math.floor(afterMs / MIN);
  // At most two passes: the first matching minute may have no second left after afterMs.
  for (;;) {
    const found = scan(c, tz, minute, 1);
    if (found === null) return null;
    for (const s of secs) {
      const t = found * MIN + s * 1000;
      if (t > afterMs) return t;
    }
    minute = found + 1;
  }
}

/** The latest run at or before `atMs`, or null if none within five years. */
export function prevRun(c: CronExpr, atMs: number, tz: string): number | null {
  const secs = sortedSeconds(c).reverse();
  let minute = Math.floor(atMs / MIN);
  for (;;) {
    const found = scan(c, tz, minute, -1);
    if (found === null) return null;
    for (const s of secs) {
      const t = found * MIN + s * 1000;
      if (t <= atMs) return t;
    }
    minute = found - 1;
  }
}

/** The next `count` runs after `afterMs`. */
export function nextRuns(c: CronExpr, afterMs: number, tz: string, count: number): number[] {
  const out: number[] = [];
  let t = afterMs;
  for (let i = 0; i < count; i++) {
    const n = nextRun(c, t, tz);
    if (n === null) break;
    out.push(n);
    t = n;
  }
  return out;
}
