import { describe, expect, it } from "vitest";
import { defaultScenario, simulate } from "../scripts/simulation.js";

describe("simulation: the real watchdog decision over weeks of a market-hours schedule", () => {
  it("two weeks across the New York DST change: every fault caught within its bound, no false trip", () => {
    const o = defaultScenario(16);
    const r = simulate(o);
    expect(r.rows.length).toBeGreaterThanOrEqual(6);
    expect(new Set(r.rows.map((x) => x.kind))).toEqual(new Set(["throw", "crash", "hang", "busy", "no-new-data", "clock-skew"]));
    for (const row of r.rows) expect(row, row.kind).toMatchObject({ withinBound: true });
    expect(r.falseTrips).toEqual([]);
    expect(r.sleepsNoticed).toBeGreaterThanOrEqual(3);
    expect(r.resumes).toBe(r.rows.length);
  });

  it("is not blind: judged by a plain 15-minute age limit instead, the same fault-free week trips falsely", () => {
    // The control: a fixed maxAgeSec on a market-hours pipeline alarms every evening.
    const o = defaultScenario(7);
    const r = simulate({ ...o, faults: [], judgeOverrides: { maxAgeSec: 900 } });
    expect(r.falseTrips.length).toBeGreaterThan(0);
    expect(simulate({ ...o, faults: [] }).falseTrips).toEqual([]);
  });
});
