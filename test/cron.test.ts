import { describe, expect, it } from "vitest";
import { nextRun, nextRuns, parseCron, prevRun, CronError } from "../watchdog/core/cron.js";

const t = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("cron", () => {
  it("computes the next and previous run of a simple schedule", () => {
    const c = parseCron("*/5 * * * *");
    expect(iso(nextRun(c, t("2026-03-01T10:02:30Z"), "UTC"))).toBe("2026-03-01T10:05:00.000Z");
    expect(iso(nextRun(c, t("2026-03-01T10:05:00Z"), "UTC"))).toBe("2026-03-01T10:10:00.000Z");
    expect(iso(prevRun(c, t("2026-03-01T10:05:00Z"), "UTC"))).toBe("2026-03-01T10:05:00.000Z");
    expect(iso(prevRun(c, t("2026-03-01T10:04:59Z"), "UTC"))).toBe("2026-03-01T10:00:00.000Z");
  });

  it("supports a seconds field", () => {
    const c = parseCron("*/5 * * * * *");
    expect(iso(nextRun(c, t("2026-03-01T10:00:03Z"), "UTC"))).toBe("2026-03-01T10:00:05.000Z");
    expect(iso(prevRun(c, t("2026-03-01T10:00:03Z"), "UTC"))).toBe("2026-03-01T10:00:00.000Z");
  });

  it("keeps market hours in New York across the spring DST change", () => {
    const c = parseCron("*/5 9-15 * * 1-5");
    // Friday 2026-03-06 15:55 EST is 20:55Z; the next run is Monday 2026-03-09 09:00 EDT = 13:00Z.
    expect(iso(nextRun(c, t("2026-03-06T20:55:00Z"), "America/New_York"))).toBe("2026-03-09T13:00:00.000Z");
    // Sunday night: the latest run is Friday's last.
    expect(iso(prevRun(c, t("2026-03-09T03:00:00Z"), "America/New_York"))).toBe("2026-03-06T20:55:00.000Z");
  });

  it("skips a wall time that DST removes, and fires a repeated one once, as systemd does", () => {
    const c = parseCron("30 2 * * *");
    const runs = nextRuns(c, t("2026-03-07T00:00:00Z"), "America/New_York", 3).map(iso);
    // 2026-03-08 02:30 does not exist in New York.
    expect(runs).toEqual(["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z", "2026-03-10T06:30:00.000Z"]);
    const fall = parseCron("30 1 * * *");
    const autumn = nextRuns(fall, t("2026-11-01T00:00:00Z"), "America/New_York", 2).map(iso);
    expect(autumn).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    const every20 = nextRuns(parseCron("*/20 * * * *"), t("2026-11-01T05:00:00Z"), "America/New_York", 4).map(iso);
    expect(every20).toEqual(["2026-11-01T05:20:00.000Z", "2026-11-01T05:40:00.000Z", "2026-11-01T07:00:00.000Z", "2026-11-01T07:20:00.000Z"]);
    expect(iso(prevRun(parseCron("*/20 * * * *"), t("2026-11-01T06:50:00Z"), "America/New_York"))).toBe("2026-11-01T05:40:00.000Z");
  });

  it("treats day-of-month and weekday as OR when both are restricted (Vixie cron)", () => {
    const c = parseCron("0 0 1 * 1");
    const runs = nextRuns(c, t("2026-06-01T00:00:00Z"), "UTC", 3).map(iso);
    expect(runs).toEqual(["2026-06-08T00:00:00.000Z", "2026-06-15T00:00:00.000Z", "2026-06-22T00:00:00.000Z"]);
  });

  it("accepts names and Sunday as 7", () => {
    const c = parseCron("0 12 * jan-mar sun");
    expect(c.weekdays.has(0)).toBe(true);
    expect(parseCron("0 12 * * 7").weekdays.has(0)).toBe(true);
    expect([...c.months]).toEqual([1, 2, 3]);
  });

  it.each([
    ["* * * *", /5 fields/],
    ["61 * * * *", /minute: 61/],
    ["*/0 * * * *", /step/],
    ["5-1 * * * *", /backwards/],
    ["a * * * *", /not a number/],
  ])("rejects %s", (expr, msg) => {
    expect(() => parseCron(expr)).toThrow(CronError);
    expect(() => parseCron(expr)).toThrow(msg);
  });
});

describe("wall clock arithmetic", () => {
  it("matches Intl for random instants in zones with odd offsets and DST", async () => {
    const { wallClock, wallFromIntl } = await import("../watchdog/core/cron.js");
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const tz of ["America/New_York", "America/St_Johns", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London", "UTC"]) {
      for (let i = 0; i < 400; i++) {
        const ms = Date.parse("2026-01-01T00:00:00Z") + Math.floor(rnd() * 365 * 86400) * 1000;
        expect(wallClock(ms, tz), `${tz} ${new Date(ms).toISOString()}`).toEqual(wallFromIntl(ms, tz));
      }
    }
  });
});
