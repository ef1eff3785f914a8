import { describe, expect, it } from "vitest";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ENTRY, collect, logLines, run, sandbox, start, type Sandbox } from "./helpers/run.js";

const TOKEN = "987654:stall-test-SECRET";

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
}

function reports(sb: Sandbox): string[] {
  const dir = sb.file("data/reports");
  return existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
}

describe("a runner that cannot wedge forever", () => {
  it("a busy loop ends itself within timeoutSec + grace: aborted heartbeat, progress note and a report", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { timeoutSec: 1.5, abortGraceSec: 1 } });
    const r = await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "busy", TELEGRAM_BOT_TOKEN: TOKEN } });
    expect(r.signal).toBe("SIGKILL");
    expect(r.ms).toBeLessThan(1500 + 1000 + 1500 + 1000); // timeout + report wait + grace + start-up
    const hb = sb.readJson("data/heartbeat.json");
    expect(hb).toMatchObject({ status: "aborted", layer: "signals" });
    expect(hb.error).toContain("blocked in synchronous code");
    expect(sb.readJson("data/progress.json").note).toMatch(/^aborted: cycle exceeded cycle\.timeoutSec/);
    expect(typeof hb.report).toBe("string");
    expect(existsSync(hb.report as string)).toBe(true);
    expect(readFileSync(hb.report as string, "utf8")).not.toContain("SECRET");
    // The watchdog's alert names the report.
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(wd.stdout).toContain(`diagnostic report: ${hb.report as string}`);
    sb.write("data/circuit.json", '{"paused": false}');
    // The next start says the last run died, and recovers its lock.
    const next = await run([ENTRY.cycle, "--config", sb.config]);
    expect(next.code).toBe(0);
    expect(logLines(next.stderr).some((l) => String(l.msg).startsWith("the previous cycle was aborted"))).toBe(true);
  });

  it("a per-layer timeout is enforced too", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { timeoutSec: 30, layers: { "market-data": { timeoutSec: 1 } } } });
    const r = await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "hang" } });
    expect(r.code).toBe(124);
    expect(r.ms).toBeLessThan(5000);
    expect(sb.readJson("data/heartbeat.json").error).toContain("cycle.layers.market-data.timeoutSec (1s)");
  });
});

describe("the watchdog sees a stall from outside", () => {
  it("a hung cycle with a long timeout is caught by stallSec: trip, report, SIGTERM, alert; the lock is released", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { timeoutSec: 60, stallSec: 1 }, watchdog: { killGraceSec: 5 } });
    const child = start([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "hang", TELEGRAM_BOT_TOKEN: TOKEN } });
    const done = collect(child);
    await waitFor(() => sb.exists("data/cycle.lock"), 5000);
    await new Promise((r) => setTimeout(r, 1600));
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(wd.code, wd.stderr).toBe(0);
    const c = await done;
    expect(c.code).toBe(143); // it took SIGTERM and cleaned up
    expect(sb.readJson("data/circuit.json")).toMatchObject({ paused: true, check: "stalled" });
    expect(sb.read("data/circuit.json")).toContain("made no progress");
    expect(wd.stdout).toContain("stopped with SIGTERM");
    expect(wd.stdout).toContain("diagnostic report: ");
    const killLog = logLines(wd.stderr).find((l) => String(l.msg).startsWith("KILLING"));
    expect(killLog?.level).toBe(50);
    expect(sb.decisions().find((d) => d.kind === "kill")).toMatchObject({ outcome: "terminated", pid: child.pid });
    expect(reports(sb).length).toBeGreaterThanOrEqual(1);
    for (const f of reports(sb)) expect(readFileSync(f, "utf8")).not.toContain("SECRET");
    expect(sb.exists("data/cycle.lock")).toBe(false);
    expect(sb.readJson("data/heartbeat.json")).toMatchObject({ status: "aborted" });
  });

  it("a busy cycle that ignores SIGTERM is SIGKILLed after killGraceSec; the next cycle recovers the lock", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { timeoutSec: 60, stallSec: 1 }, watchdog: { killGraceSec: 1 } });
    const child = start([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "busy" } });
    const done = collect(child);
    await waitFor(() => sb.exists("data/progress.json") && String(sb.readJson("data/progress.json").note).includes("signals"), 5000);
    await new Promise((r) => setTimeout(r, 1500));
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    const c = await done;
    expect(c.signal).toBe("SIGKILL");
    expect(wd.stdout).toContain("killed with SIGKILL");
    expect(wd.stdout).toContain("event loop was blocked");
    expect(sb.exists("data/cycle.lock")).toBe(true);
    // A person resumes; the next cycle takes the dead runner's lock over.
    sb.write("data/circuit.json", '{"paused": false}');
    const next = await run([ENTRY.cycle, "--config", sb.config]);
    expect(next.code, next.stderr).toBe(0);
    expect(sb.decisions().some((d) => d.kind === "lock-recovered")).toBe(true);
  });

  it("a cycle that progresses is left alone", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { stallSec: 30 } });
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(0);
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(sb.exists("data/circuit.json")).toBe(false);
    expect(logLines(wd.stderr).some((l) => l.verdict === "healthy")).toBe(true);
  });
});
