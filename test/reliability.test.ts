import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, readdirSync, writeFileSync, openSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { hostileProperties } from "../scripts/reliability/hostile.js";
import { crashHarness } from "../scripts/reliability/crash.js";
import { personVsWatchdog, twoWatchdogs } from "../scripts/reliability/races.js";
import { ENTRY, collect, logLines, run, sandbox, start } from "./helpers/run.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";
import { canMount, mountTmpfs, remountReadOnly } from "./helpers/tmpfs.js";

const SIZE = Number(process.env.WK_RELIABILITY_SIZE ?? 1);
/** These run for real, many times: their time grows with the size. */
const LONG = { timeout: 120_000 * SIZE };

describe("hostile input (fast-check)", () => {
  it("every reader holds its promise on arbitrary input", LONG, async () => {
    const results = await hostileProperties(300 * SIZE);
    for (const r of results) expect(r, `${r.name}: ${r.counterexample}`).toMatchObject({ failed: false });
    expect(results.length).toBeGreaterThanOrEqual(8);
  });
});

describe("crash consistency", () => {
  it("cycles and watchdog runs SIGKILLed at random moments: no partial file, nothing lost or doubled, the chain verifies, the next cycle runs", LONG, async () => {
    const r = await crashHarness(40 * SIZE, 11);
    expect(r.failures).toEqual([]);
    expect(r.kills).toBeGreaterThanOrEqual(20 * SIZE);
    expect(r.cycleKills).toBeGreaterThan(0);
    expect(r.watchdogKills).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.verified).toBe(true);
    expect(r.locksRecovered).toBeGreaterThan(0);
  });
});

describe("races", () => {
  it("a person pausing by hand while the watchdog trips: the person's pause is never overwritten, no pause is lost", LONG, async () => {
    const r = await personVsWatchdog(15 * SIZE);
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(15 * SIZE);
  });

  it("two watchdogs at once: one trip, one trip record, one alert", LONG, async () => {
    const r = await twoWatchdogs(5 * SIZE);
    expect(r.failures).toEqual([]);
  });
});

const mount = canMount();
let cleanups: (() => void)[] = [];
let servers: FakeTelegram[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("a full disk and a read-only data folder (a real tmpfs)", () => {
  it.skipIf(!mount.ok)("full disk: the watchdog cannot trip, says so in one line, alerts straight through the channel, leaves no partial file", async () => {
    const tg = await new FakeTelegram().listen();
    servers.push(tg);
    const sb = sandbox({ telegram: { chatId: "1", apiRoot: tg.apiRoot, maxRetries: 0, timeoutSec: 2 } });
    cleanups.push(mountTmpfs(sb.data, 64));
    writeFileSync(join(sb.data, "heartbeat.json"), JSON.stringify({ at: Math.floor(Date.now() / 1000) - 86400, status: "ok" }));
    // Fill it.
    const fd = openSync(join(sb.data, "filler"), "w");
    try {
      for (;;) writeSync(fd, Buffer.alloc(4096, 1));
    } catch {
      // ENOSPC: full
    } finally {
      closeSync(fd);
    }
    const r = await run([ENTRY.watchdog, "--config", sb.config], { env: { TELEGRAM_BOT_TOKEN: "1:x" } });
    expect(r.code).toBe(74);
    expect(r.stderr).toContain("ENOSPC");
    expect(logLines(r.stderr).some((l) => l.level === 50 && String(l.msg).startsWith("CANNOT TRIP THE CIRCUIT"))).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(tg.delivered).toHaveLength(1);
    expect(tg.delivered[0]!.params.text).toContain("cannot pause the pipeline");
    expect(readdirSync(sb.data).filter((f) => f.endsWith(".tmp") || f === "circuit.json")).toEqual([]);
    const c = await run([ENTRY.cycle, "--config", sb.config]);
    expect(c.code).toBe(74);
    expect(c.stderr.trim().split("\n")).toHaveLength(1);
    expect(c.stderr).toContain("ENOSPC");
  });

  it.skipIf(!mount.ok)("read-only data folder: one clear line and exit 74; the circuit stays as safe as it was", async () => {
    const sb = sandbox();
    cleanups.push(mountTmpfs(sb.data, 64));
    writeFileSync(join(sb.data, "circuit.json"), '{"paused": true, "reason": "mine"}\n');
    remountReadOnly(sb.data);
    // Paused: the cycle would run the strategy's onPause, which needs the lock on the read-only folder.
    const t = await run([ENTRY.cycle, "--config", sb.config]);
    expect(t.code).toBe(74);
    expect(t.stderr.trim().split("\n")).toHaveLength(1);
    expect(t.stderr).toContain("EROFS");
    writeFileSync(join(sb.memory, "x"), ""); // memory/ is still writable
    const wd = await run([ENTRY.watchdog, "--config", sb.config]);
    expect([0, 74]).toContain(wd.code);
    expect(wd.stderr).not.toMatch(/\n\s+at /);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(sb.data, "circuit.json"), "utf8")).toBe('{"paused": true, "reason": "mine"}\n');
  });

  it.skipIf(!mount.ok)("read-only data folder with a green circuit: the cycle fails with EROFS in one line", async () => {
    const sb = sandbox();
    cleanups.push(mountTmpfs(sb.data, 64, true));
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code).toBe(74);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("EROFS");
    void collect;
    void start;
    void mkdirSync;
  });
});
