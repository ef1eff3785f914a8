import { afterEach, describe, expect, it } from "vitest";
import { mkdirSync, writeFileSync } from "node:fs";
import { ENTRY, run, sandbox } from "./helpers/run.js";
import { FakeHealthchecks } from "./helpers/fake-healthchecks.js";

let hcs: FakeHealthchecks[] = [];
afterEach(async () => {
  await Promise.all(hcs.map((h) => h.close()));
  hcs = [];
});
async function hc(): Promise<FakeHealthchecks> {
  const h = await new FakeHealthchecks().listen();
  hcs.push(h);
  return h;
}

describe("external witness on Healthchecks", () => {
  it("an ok cycle: start then success, sharing one run id, with a short log", async () => {
    const h = await hc();
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, witness: { cycle: h.url("c-uuid") } });
    expect((await run([ENTRY.cycle, "--config", sb.config])).code).toBe(0);
    expect(h.pings.map((p) => p.signal)).toEqual(["start", "success"]);
    expect(h.pings[0]!.rid).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.pings[1]!.rid).toBe(h.pings[0]!.rid);
    expect(h.pings[1]!.body).toContain('"status":"ok"');
    expect(h.pings.every((p) => p.uuid === "c-uuid")).toBe(true);
  });

  it("a failed cycle sends its exit status; a paused one sends success with the reason", async () => {
    const h = await hc();
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, witness: { cycle: h.url("c") } });
    expect((await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "throw" } })).code).toBe(1);
    expect(h.pings.map((p) => p.signal)).toEqual(["start", "1"]);
    expect(h.pings[1]!.body).toContain("signal model raised");
    mkdirSync(sb.data, { recursive: true });
    writeFileSync(sb.file("data/circuit.json"), JSON.stringify({ paused: true, reason: "holiday", by: "manual:me", since: 1 }));
    await run([ENTRY.cycle, "--config", sb.config]);
    await run([ENTRY.cycle, "--config", sb.config]);
    expect(h.pings.slice(2).map((p) => p.signal)).toEqual(["start", "success", "start", "success"]);
    expect(h.pings[3]!.body).toContain("holiday");
  });

  it("a cycle killed by its deadline is reported as a failure at once, by the deadline thread", async () => {
    const h = await hc();
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, cycle: { timeoutSec: 1, abortGraceSec: 1 }, witness: { cycle: h.url("c") } });
    const r = await run([ENTRY.cycle, "--config", sb.config], { env: { WATCHKEEPER_DEMO_FAULT: "busy" } });
    expect(r.signal).toBe("SIGKILL");
    expect(h.pings.map((p) => p.signal)).toEqual(["start", "fail"]);
    expect(h.pings[1]!.rid).toBe(h.pings[0]!.rid);
    expect(h.pings[1]!.body).toContain("aborted: cycle exceeded cycle.timeoutSec");
  });

  it("the watchdog pings its own check on every run", async () => {
    const h = await hc();
    const sb = sandbox({ witness: { watchdog: h.url("w") } });
    sb.watchedForAnHour();
    await run([ENTRY.watchdog, "--config", sb.config]);
    expect(h.pings.map((p) => `${p.uuid}:${p.signal}`)).toEqual(["w:start", "w:success"]);
    expect(h.pings[1]!.body).toContain("missing");
  });

  it.each(["hang", "500"] as const)("a witness that is %s never fails the cycle nor delays it beyond the budget", async (mode) => {
    const h = await hc();
    h.mode = mode;
    const sb = sandbox({ strategy: { options: { barSec: 1 } }, witness: { cycle: h.url("c"), budgetSec: 1 } });
    const base = sandbox({ strategy: { options: { barSec: 1 } } });
    const plain = await run([ENTRY.cycle, "--config", base.config]);
    const r = await run([ENTRY.cycle, "--config", sb.config]);
    expect(r.code).toBe(0);
    expect(r.ms - plain.ms).toBeLessThan(1000 + 700);
    expect(r.stderr).toContain("witness");
  });
});

describe("witness sync", () => {
  it("creates both checks with the config's cron, zone and a grace from the limits; a second run changes nothing", async () => {
    const { FakeHealthchecksApi } = await import("./helpers/fake-healthchecks.js");
    const api = await new FakeHealthchecksApi().listen();
    try {
      const { wk } = await import("./helpers/run.js");
      const sb = sandbox({ timezone: "America/New_York", cycle: { schedule: "*/5 9-15 * * 1-5", timeoutSec: 240 }, watchdog: { schedule: "*/15 * * * *" }, witness: { apiUrl: api.url } });
      const first = await wk(sb, ["witness", "sync"], { HEALTHCHECKS_API_KEY: "good-key" });
      expect(first.code, first.stderr).toBe(0);
      expect(api.writes).toHaveLength(2);
      const cycle = api.checks.find((c) => String(c.name).startsWith("watchkeeper-cycle@"))!;
      expect(cycle).toMatchObject({ schedule: "*/5 9-15 * * 1-5", tz: "America/New_York", grace: 300 });
      expect(api.writes[0]!.body.unique).toEqual(["name"]);
      expect(first.stdout).toMatch(/created\s+watchkeeper-cycle@/);
      expect(first.stdout).toContain('"witness": {"cycle":"http://127.0.0.1');
      const second = await wk(sb, ["witness", "sync"], { HEALTHCHECKS_API_KEY: "good-key" });
      expect(second.code).toBe(0);
      expect(api.writes).toHaveLength(2); // nothing written
      expect(second.stdout.match(/^unchanged/gm)).toHaveLength(2);
      // The local schedule changes: the remote one follows.
      const { writeFileSync, readFileSync } = await import("node:fs");
      const cfg = JSON.parse(readFileSync(sb.config, "utf8"));
      cfg.cycle.schedule = "*/10 9-15 * * 1-5";
      writeFileSync(sb.config, JSON.stringify(cfg));
      await wk(sb, ["witness", "sync"], { HEALTHCHECKS_API_KEY: "good-key" });
      expect(api.writes).toHaveLength(3);
      expect(api.checks.find((c) => String(c.name).startsWith("watchkeeper-cycle@"))!.schedule).toBe("*/10 9-15 * * 1-5");
      expect(api.checks).toHaveLength(2);
      const bad = await wk(sb, ["witness", "sync"], { HEALTHCHECKS_API_KEY: "wrong" });
      expect(bad.code).toBe(78);
      expect(bad.stderr.trim().split("\n")).toHaveLength(1);
      const none = await wk(sb, ["witness", "sync"]);
      expect(none.code).toBe(78);
      expect(none.stderr).toContain("HEALTHCHECKS_API_KEY");
    } finally {
      await api.close();
    }
  });
});
