import { describe, expect, it } from "vitest";
import { escapeHtml, fitTelegram, reminderText, resumeCommand, tripAlert } from "../watchdog/core/messages.js";
import { dataProgress } from "../pipeline/productivity.js";
import { summarize } from "../watchdog/status.js";
import { redact } from "../watchdog/core/log.js";
import { humanDuration, isoSec } from "../watchdog/core/time.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");

describe("messages", () => {
  it("escapes exactly the three characters HTML mode needs", () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe(`&lt;a href="x"&gt;&amp;'`);
  });

  it("fits any alert under Telegram's 4096 characters without cutting a tag or entity", () => {
    const huge = tripAlert({ host: "h", reason: "r", detail: "<&>".repeat(5000), sinceSec: 1, circuitPath: "/x/circuit.json", nowDoing: "paused" });
    expect(huge.length).toBeLessThanOrEqual(4096);
    expect(huge).toMatch(/truncated\)$/);
    expect(huge).not.toMatch(/&[a-z]*\n… \(truncated\)$/);
    expect(fitTelegram("short")).toBe("short");
  });

  it("the resume command quotes awkward paths for the shell", () => {
    expect(resumeCommand("/a b/it's/circuit.json")).toBe(`sed -i.bak 's/"paused": *true/"paused": false/' '/a b/it'\\''s/circuit.json'`);
  });

  it("a reminder says why, since when and for how long", () => {
    const t = reminderText(
      { state: "paused", valid: true, mtimeMs: 0, circuit: { paused: true, reason: "x<y", by: "watchdog", since: NOW / 1000 - 3 * 3600 } },
      "mini",
      "/d/circuit.json",
      NOW,
    );
    expect(t).toContain("x&lt;y");
    expect(t).toContain("3h 0m ago");
    expect(t).toContain(isoSec(NOW - 3 * 3600 * 1000));
  });
});

describe("data progress (no-new-data detection)", () => {
  it("counts cycles without a newer bar and resets on a new one", () => {
    expect(dataProgress(null, 100, 3)).toMatchObject({ stale: false, fields: { dataAt: 100, unproductive: 0 } });
    expect(dataProgress({ at: 1, status: "ok", dataAt: 100, unproductive: 0 }, 100, 3)).toMatchObject({ stale: false, fields: { unproductive: 1 } });
    expect(dataProgress({ at: 1, status: "ok", dataAt: 100, unproductive: 2 }, 100, 3)).toMatchObject({ stale: true, fields: { unproductive: 3 } });
    expect(dataProgress({ at: 1, status: "ok", dataAt: 100, unproductive: 2 }, 101, 3)).toMatchObject({ stale: false, fields: { unproductive: 0, dataAt: 101 } });
    // An older bar is not progress either.
    expect(dataProgress({ at: 1, status: "ok", dataAt: 100, unproductive: 0 }, 90, 1)).toMatchObject({ stale: true });
    // A cycle that reports nothing carries the state forward.
    expect(dataProgress({ at: 1, status: "ok", dataAt: 100, unproductive: 2 }, undefined, 3)).toMatchObject({ stale: false, fields: { dataAt: 100, unproductive: 2 } });
  });
});

describe("status summary", () => {
  const hb = { kind: "present" as const, heartbeat: { at: NOW / 1000 - 10, status: "ok" }, mtimeMs: NOW };
  const green = { state: "green" as const, why: "no circuit file", mtimeMs: null, circuit: null };
  const healthy = { verdict: { healthy: true as const, note: "ok" }, wakeAtMs: null, slept: false, dueMs: null, stalledPid: null };
  const stale = { ...healthy, verdict: { healthy: false as const, reason: "stale" as const, detail: "stale" } };
  const wdOk = { ok: true, detail: "watchdog ran" };
  const base = { judgement: healthy, circuit: green, heartbeat: hb, pendingAlerts: 0, lastDecisions: [], circuitPath: "/c", alertsNotReady: null, watchdog: wdOk, nowMs: NOW };
  it("maps to Nagios codes", () => {
    expect(summarize(base).code).toBe(0);
    expect(summarize({ ...base, pendingAlerts: 2 }).code).toBe(1);
    expect(summarize({ ...base, alertsNotReady: "Telegram is not set up" }).code).toBe(1);
    expect(summarize({ ...base, watchdog: { ok: false, detail: "the watchdog has not run since" } }).code).toBe(1);
    expect(summarize({ ...base, judgement: stale }).code).toBe(2);
    const paused = { state: "paused" as const, valid: false as const, why: "empty file", mtimeMs: null };
    const s = summarize({ ...base, circuit: paused, pendingAlerts: 3 });
    expect(s.code).toBe(2);
    expect(s.resume).toContain("'/c'");
  });
});

describe("small helpers", () => {
  it("redacts the token, also URL-encoded", () => {
    const env = { TELEGRAM_BOT_TOKEN: "123:abc/def" };
    expect(redact("x 123:abc/def y 123%3Aabc%2Fdef", env)).toBe("x [redacted] y [redacted]");
    expect(redact("nothing", {})).toBe("nothing");
  });
  it("formats durations for people", () => {
    expect(humanDuration(45)).toBe("45s");
    expect(humanDuration(125)).toBe("2m 5s");
    expect(humanDuration(3 * 3600 + 60)).toBe("3h 1m");
    expect(humanDuration(50 * 3600)).toBe("2d 2h");
  });
});
