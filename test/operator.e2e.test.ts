import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, ENTRY, ROOT, collect, logLines, run, sandbox, start, waitForStderr, wk } from "./helpers/run.js";

const nowSec = () => Math.floor(Date.now() / 1000);

describe("watchkeeper status (Nagios exit codes)", () => {
  it("0 when healthy with Telegram set up, 1 when alerts cannot reach anyone, 2 when paused or stale", async () => {
    const sb = sandbox({ telegram: { chatId: "1", apiRoot: "http://127.0.0.1:9" }, strategy: { options: { barSec: 1 } } });
    await run([ENTRY.cycle, "--config", sb.config]);
    const noWatchdog = await wk(sb, ["status"], { TELEGRAM_BOT_TOKEN: "1:x" });
    expect(noWatchdog.code).toBe(1);
    expect(noWatchdog.stdout).toContain("the watchdog has never run");
    await run([ENTRY.watchdog, "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "1:x" } });
    const ok = await wk(sb, ["status"], { TELEGRAM_BOT_TOKEN: "1:x" });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^watchkeeper OK/);
    expect(ok.stdout).toContain("decision");

    const warn = await wk(sb, ["status"]);
    expect(warn.code).toBe(1);
    expect(warn.stdout).toContain("TELEGRAM_BOT_TOKEN is not set");

    await wk(sb, ["trip", "--reason", "checking the feed"]);
    const crit = await wk(sb, ["status", "--json"], { TELEGRAM_BOT_TOKEN: "1:x" });
    expect(crit.code).toBe(2);
    const j = JSON.parse(crit.stdout);
    expect(j).toMatchObject({ code: 2, state: "CRITICAL", circuit: { paused: true, reason: "checking the feed" } });
    expect(j.resume).toContain("sed -i.bak");
  });

  it("2 when the heartbeat is stale or missing, 78 on a bad config", async () => {
    const sb = sandbox({ watchdog: { maxAgeSec: 60 } });
    expect((await wk(sb, ["status"])).code).toBe(2);
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/heartbeat.json"), JSON.stringify({ at: nowSec() - 61, status: "ok" }));
    const stale = await wk(sb, ["status", "--json"]);
    expect(stale.code).toBe(2);
    expect(JSON.parse(stale.stdout).heartbeat.verdict).toContain("watchdog.maxAgeSec");
    const bad = sandbox({ watchdog: { maxAgeSec: "x" } });
    expect((await wk(bad, ["status"])).code).toBe(78);
  });
});

describe("watchkeeper trip", () => {
  it("writes the same file a person would, never overwrites a pause, and needs a reason", async () => {
    const sb = sandbox();
    const noReason = await wk(sb, ["trip"]);
    expect(noReason.code).toBe(64);
    expect(noReason.stderr).toContain("--reason");
    const r = await wk(sb, ["trip", "--reason", "going on holiday"]);
    expect(r.code).toBe(0);
    const c = sb.readJson("data/circuit.json");
    expect(c).toMatchObject({ paused: true, reason: "going on holiday", by: expect.stringMatching(/^manual:/), since: expect.any(Number) });
    const before = sb.read("data/circuit.json");
    const again = await wk(sb, ["trip", "--reason", "second reason"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already paused");
    expect(sb.read("data/circuit.json")).toBe(before);
    expect(logLines(r.stderr).some((l) => l.level === 50 && String(l.msg).includes("CIRCUIT TRIPPED"))).toBe(true);
  });

  it("a manual trip during a cycle stops it before the next layer", async () => {
    const sb = sandbox({ strategy: { module: "./slow.mjs" } });
    copyFileSync(join(ROOT, "test/fixtures/slow.mjs"), sb.file("slow.mjs"));
    const child = start([ENTRY.cycle, "--config", sb.config]);
    const done = collect(child);
    for (let i = 0; i < 200 && !sb.exists("memory/waiting"); i++) await new Promise((r) => setTimeout(r, 25));
    expect((await wk(sb, ["trip", "--reason", "stop now"])).code).toBe(0);
    writeFileSync(sb.file("memory/go"), "1");
    const r = await done;
    expect(r.code).toBe(2);
    expect(sb.exists("memory/traded")).toBe(false);
    expect(sb.decisions().filter((d) => d.kind === "decision")).toHaveLength(0);
    expect(sb.exists("data/heartbeat.json")).toBe(false);
  });

  it("the same slow strategy trades when nobody trips (the control case)", async () => {
    const sb = sandbox({ strategy: { module: "./slow.mjs" } });
    copyFileSync(join(ROOT, "test/fixtures/slow.mjs"), sb.file("slow.mjs"));
    mkdirSync(sb.memory, { recursive: true });
    writeFileSync(sb.file("memory/go"), "1");
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code, r.stderr).toBe(0);
    expect(sb.exists("memory/traded")).toBe(true);
  });
});

describe("the whole loop, as a user lives it", () => {
  it("fault → trip → alert → manual resume by file edit → no re-trip → ok again", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, watchdog: { maxAgeSec: 120 } });
    expect((await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } })).code).toBe(1);
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(wd.stdout).toContain("circuit tripped");
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(2);
    // The person resumes with the exact command the alert gave.
    const cmd = /sed -i\.bak .*$/m.exec(wd.stdout)?.[0];
    expect(cmd).toBeTruthy();
    await new Promise((r) => setTimeout(r, 1100)); // the resume happens after the failed beat
    execFileSync("sh", ["-c", cmd!]);
    expect(sb.readJson("data/circuit.json").paused).toBe(false);
    // The watchdog right after the resume does not trip on the old, failed beat.
    const after = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(after.stdout).toBe("");
    expect(sb.readJson("data/circuit.json").paused).toBe(false);
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(0);
    const healthy = await run([ENTRY.watchdog, "--config", sb.config]);
    expect(logLines(healthy.stderr).some((l) => l.verdict === "healthy")).toBe(true);
  });
});

describe("npm start: the embedded scheduler", () => {
  it("runs cycles and the watchdog on second schedules, and Ctrl-C (SIGINT) stops it cleanly", async () => {
    const sb = sandbox({
      strategy: { options: { barSec: 1 } },
      cycle: { schedule: "* * * * * *", timeoutSec: 3 },
      watchdog: { schedule: "*/2 * * * * *", maxAgeSec: 10 },
      reminder: { schedule: "*/3 * * * * *" },
    });
    const child = start([BIN, "start", "--config", sb.config]);
    const done = collect(child);
    // Wait for what must be seen, with a generous bound: on a loaded machine a cycle can take longer than its 1 s tick.
    const seen = (s: string) => {
      const lines = logLines(s.slice(0, s.lastIndexOf("\n") + 1)); // complete lines only
      return (
        lines.filter((l) => l.msg === "cycle ok").length >= 3 &&
        lines.some((l) => l.name === "watchdog" && l.verdict === "healthy") &&
        lines.some((l) => l.name === "remind")
      );
    };
    await waitForStderr(child, seen, 30_000);
    child.kill("SIGINT");
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    const lines = logLines(r.stderr);
    expect(lines.filter((l) => l.msg === "cycle ok").length, r.stderr).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.name === "watchdog" && l.verdict === "healthy")).toBe(true);
    expect(lines.some((l) => l.name === "remind")).toBe(true);
    expect(lines.at(-1)?.msg).toBe("stopped");
    expect(sb.readJson("data/heartbeat.json").status).toBe("ok");
    expect(sb.exists("data/cycle.lock")).toBe(false);
    // A watchdog tick that comes before the first cycle has finished is a new install, not an outage.
    expect(sb.exists("data/circuit.json"), r.stderr).toBe(false);
    expect(lines.filter((l) => (l.level as number) >= 50), r.stderr).toEqual([]);
  });

  it("with a fault, the watchdog trips and prints the alert within seconds", async () => {
    const sb = sandbox({
      strategy: { options: { barSec: 1 } },
      cycle: { schedule: "* * * * * *", timeoutSec: 3 },
      watchdog: { schedule: "*/2 * * * * *", maxAgeSec: 10 },
      reminder: { schedule: "0 0 1 1 *" },
    });
    const child = start([BIN, "start", "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } });
    const done = collect(child);
    for (let i = 0; i < 80 && !sb.exists("data/circuit.json"); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    const r = await done;
    expect(sb.readJson("data/circuit.json")).toMatchObject({ paused: true, by: "watchdog" });
    expect(r.stdout).toContain("circuit tripped");
    expect(logLines(r.stderr).some((l) => l.name === "cycle" && String(l.msg).includes("not running"))).toBe(true);
  });
});
