import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import plist from "plist";
import { parseConfig } from "../watchdog/core/config.js";
import { nextRuns, parseCron, wallClock } from "../watchdog/core/cron.js";
import { launchdSchedule, toCalendarDicts, toOnCalendar, type CalendarDict } from "../watchdog/core/calendar.js";
import { offScheduleStart } from "../watchdog/core/onschedule.js";
import { renderSystemd } from "../scripts/install/systemd.js";
import { renderLaunchd } from "../scripts/install/launchd.js";
import type { InstallContext } from "../scripts/install/jobs.js";
import { ROOT, run, sandbox, wk } from "./helpers/run.js";
import { tool } from "./helpers/tools.js";

const xmllint = tool("xmllint", "libxml2-utils");
const analyze = tool("systemd-analyze", "systemd");
const DTD = join(ROOT, "test/fixtures/PropertyList-1.0.dtd");
const NASTY = "/tmp/wk units/it's a \"test\" & <more> $HOME 100% é☃";

function ctx(over: Partial<InstallContext> = {}, config: Record<string, unknown> = {}): InstallContext {
  const dir = over.projectDir ?? ROOT.replace(/\/$/, "");
  return {
    projectDir: dir,
    nodePath: process.execPath,
    configPath: `${dir}/watchkeeper.config.json`,
    dataDir: `${dir}/data`,
    memoryDir: `${dir}/memory`,
    logDir: `${dir}/logs`,
    envFile: `${dir}/watchkeeper.env`,
    scope: "system",
    user: "root",
    localTz: "UTC",
    nowMs: Date.parse("2026-01-01T00:00:00Z"),
    prefix: "watchkeeper",
    config: parseConfig(config, "x.json"),
    ...over,
  };
}

/** systemd's own word splitting for ExecStart (extract_first_word, UNQUOTE|CUNESCAPE), then %% and $$. */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " ") i++;
    if (i >= line.length) break;
    let w = "";
    let quoted = false;
    for (; i < line.length; i++) {
      const ch = line[i]!;
      if (!quoted && ch === " ") break;
      if (ch === '"') quoted = !quoted;
      else if (ch === "\\") w += line[++i];
      else w += ch;
    }
    words.push(w.replace(/\$\$/g, "$").replace(/%%/g, "%"));
  }
  return words;
}

describe("systemd units", () => {
  it.skipIf(!analyze.ok)("every generated unit passes systemd-analyze verify, also with a nasty path", () => {
    for (const projectDir of [ROOT.replace(/\/$/, ""), NASTY]) {
      // The executable and scripts must exist for verify: make the nasty tree real.
      const c = ctx({ projectDir });
      if (projectDir === NASTY) {
        for (const rel of ["dist/bin"]) mkdirSync(join(NASTY, rel), { recursive: true });
        for (const rel of ["dist/bin/cycle.cjs", "dist/bin/watchdog.cjs", "dist/bin/remind.cjs", "dist/bin/watchkeeper.cjs"]) writeFileSync(join(NASTY, rel), "");
        copyFileSync(process.execPath, join(NASTY, "node"));
        chmodSync(join(NASTY, "node"), 0o755);
        c.nodePath = join(NASTY, "node");
      }
      const out = mkdtempSync(join(tmpdir(), "wk-units-"));
      const r = renderSystemd(c);
      for (const f of r.files) writeFileSync(join(out, f.name), f.content);
      const units = r.files.map((f) => `./${f.name}`).filter((f) => !f.includes("@"));
      const v = spawnSync("systemd-analyze", ["verify", ...units], { cwd: out, encoding: "utf8" });
      expect(v.stderr, projectDir).toBe("");
      expect(v.status).toBe(0);
    }
  });

  it("ExecStart, WorkingDirectory and Environment give back the original paths", () => {
    const c = ctx({ projectDir: NASTY, nodePath: `${NASTY}/node`, configPath: `${NASTY}/c.json` });
    const svc = renderSystemd(c).files.find((f) => f.name === "watchkeeper-cycle.service")!.content;
    const exec = /^ExecStart=(.*)$/m.exec(svc)![1]!;
    expect(systemdWords(exec)).toEqual(["/usr/bin/env", `${NASTY}/node`, `${NASTY}/dist/bin/cycle.cjs`, "--config", `${NASTY}/c.json`]);
    expect(/^WorkingDirectory=(.*)$/m.exec(svc)![1]!.replace(/%%/g, "%")).toBe(NASTY);
    const env = [...svc.matchAll(/^Environment=(.*)$/gm)].map((m) => systemdWords(m[1]!)[0]);
    expect(env).toContain(`WATCHKEEPER_CONFIG=${NASTY}/c.json`);
  });

  it("timers: oneshot services with the limits and hardening the issue asks for", () => {
    const files = renderSystemd(ctx({}, { cycle: { timeoutSec: 100, abortGraceSec: 5 } })).files;
    const svc = files.find((f) => f.name === "watchkeeper-cycle.service")!.content;
    for (const line of ["Type=oneshot", "TimeoutStartSec=135", "SuccessExitStatus=2", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes", "OnFailure=watchkeeper-onfailure@%n.service"])
      expect(svc).toContain(line);
    expect(svc).toMatch(/^ReadWritePaths=\S+\/data \S+\/memory$/m);
    const timer = files.find((f) => f.name === "watchkeeper-cycle.timer")!.content;
    for (const line of ["Persistent=true", "AccuracySec=1s", "WantedBy=timers.target"]) expect(timer).toContain(line);
    expect(renderSystemd(ctx()).files.map((f) => f.content).join("")).not.toMatch(/TELEGRAM_BOT_TOKEN=/);
  });

  const SCHEDULES: [string, string][] = [
    ["*/5 * * * *", "UTC"],
    ["*/5 9-15 * * 1-5", "America/New_York"],
    ["30 * * * *", "Europe/London"],
    ["0 9 * * *", "America/New_York"],
    ["*/20 1-3 * * *", "America/New_York"],
    ["0 0 1 * 1", "UTC"],
  ];
  const BASES = ["2026-03-06T20:00:00Z", "2026-10-31T12:00:00Z"]; // before the spring and the autumn changes in New York

  it.skipIf(!analyze.ok).each(SCHEDULES)("OnCalendar= for %s in %s gives the same next 50 runs as our cron, across DST", (expr, tz) => {
    for (const base of BASES) {
      const spec = toOnCalendar(expr, tz);
      const fromSystemd = new Set<number>();
      for (const s of spec) {
        const r = spawnSync("systemd-analyze", ["calendar", "--iterations=50", `--base-time=@${Date.parse(base) / 1000}`, s], { encoding: "utf8", env: { ...process.env, TZ: "UTC", LANG: "C" } });
        expect(r.status, r.stderr).toBe(0);
        for (const m of r.stdout.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) UTC/g)) fromSystemd.add(Date.parse(`${m[1]!.replace(" ", "T")}Z`));
      }
      const systemd = [...fromSystemd].sort((a, b) => a - b).slice(0, 50);
      const ours = nextRuns(parseCron(expr), Date.parse(base), tz, 50);
      expect(systemd.map((t) => new Date(t).toISOString()), `${expr} ${tz} from ${base}`).toEqual(ours.map((t) => new Date(t).toISOString()));
    }
  });
});

describe("launchd plists", () => {
  it.skipIf(!xmllint.ok)("every generated plist validates against Apple's DTD, also with a nasty path", () => {
    const out = mkdtempSync(join(tmpdir(), "wk-plists-"));
    const all = [
      ...renderLaunchd(ctx()).files,
      ...renderLaunchd(ctx({ projectDir: NASTY, nodePath: `${NASTY}/node`, configPath: `${NASTY}/c.json`, logDir: `${NASTY}/logs` })).files.map((f) => ({ ...f, name: `nasty-${f.name}` })),
    ].filter((f) => f.name.endsWith(".plist"));
    for (const f of all) writeFileSync(join(out, f.name), f.content);
    for (const f of readdirSync(join(ROOT, "plists/example")).filter((x) => x.endsWith(".plist"))) copyFileSync(join(ROOT, "plists/example", f), join(out, `example-${f}`));
    for (const f of readdirSync(out)) {
      const r = spawnSync("xmllint", ["--noout", "--nonet", "--dtdvalid", DTD, join(out, f)], { encoding: "utf8" });
      expect(r.status, `${f}: ${r.stderr}`).toBe(0);
      expect(r.stderr.split("\n").filter((l) => l.includes("validity error"))).toEqual([]);
    }
  });

  it("parse with a plist parser, with the right types, and give back the original paths", () => {
    const c = ctx({ projectDir: NASTY, nodePath: `${NASTY}/node`, configPath: `${NASTY}/c.json`, logDir: `${NASTY}/logs`, envFile: `${NASTY}/wk.env` });
    for (const f of renderLaunchd(c).files.filter((x) => x.name.endsWith(".plist"))) {
      const p = plist.parse(f.content) as Record<string, unknown>;
      expect(typeof p.Label).toBe("string");
      expect(p.ProgramArguments).toEqual(expect.arrayContaining([`${NASTY}/node`, "--config", `${NASTY}/c.json`]));
      expect((p.ProgramArguments as string[])[1]).toMatch(new RegExp(`^${NASTY.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/dist/`));
      expect(p.WorkingDirectory).toBe(NASTY);
      expect(p.StandardOutPath).toMatch(/\/logs\/\w+\.log$/);
      expect(p.RunAtLoad).toBe(false);
      const env = p.EnvironmentVariables as Record<string, string>;
      expect(env.PATH!.split(":")[0]).toBe(NASTY);
      expect(env.WATCHKEEPER_ENV_FILE).toBe(`${NASTY}/wk.env`);
      expect(Object.keys(env)).not.toContain("TELEGRAM_BOT_TOKEN");
      const cal = p.StartCalendarInterval as Record<string, unknown>[];
      expect(Array.isArray(cal)).toBe(true);
      for (const d of cal) for (const v of Object.values(d)) expect(Number.isInteger(v)).toBe(true);
    }
  });

  const expand = (dicts: CalendarDict[]) => {
    const set = new Set<string>();
    for (const d of dicts)
      for (let w = 0; w < 7; w++)
        for (let h = 0; h < 24; h++)
          for (let m = 0; m < 60; m++)
            if ((d.Weekday === undefined || d.Weekday % 7 === w) && (d.Hour === undefined || d.Hour === h) && (d.Minute === undefined || d.Minute === m)) set.add(`${w} ${h} ${m}`);
    return set;
  };
  it.each(["*/5 * * * *", "*/5 9-15 * * 1-5", "30 * * * *", "0 9 * * *", "15,45 8-17/3 * * mon,wed,fri", "0 12 * * 0,6"])(
    "StartCalendarInterval for %s expands to exactly the cron's (weekday, hour, minute) set",
    (expr) => {
      const c = parseCron(expr);
      const want = new Set<string>();
      for (let w = 0; w < 7; w++) for (let h = 0; h < 24; h++) for (let m = 0; m < 60; m++) if (c.weekdays.has(w) && c.hours.has(h) && c.minutes.has(m)) want.add(`${w} ${h} ${m}`);
      expect(expand(toCalendarDicts(expr))).toEqual(want);
    },
  );

  it("a config zone other than the Mac's: converted when exact all year, else local times plus an off-schedule skip", () => {
    const from = Date.parse("2026-01-01T00:00:00Z");
    const tokyo = launchdSchedule("0 9 * * 1-5", "UTC", "Asia/Tokyo", from);
    expect(tokyo.mode).toBe("converted");
    expect(tokyo.dicts).toEqual([1, 2, 3, 4, 5].map((Weekday) => ({ Weekday, Hour: 18, Minute: 0 })));
    expect(launchdSchedule("*/5 * * * *", "UTC", "America/New_York", from).mode).toBe("converted");
    const daily = launchdSchedule("0 9 * * *", "UTC", "America/New_York", from);
    expect(daily.mode).toBe("local-with-skip");
    expect(daily.dicts).toEqual([{ Hour: 4, Minute: 0 }, { Hour: 5, Minute: 0 }]);
    expect(launchdSchedule("*/5 9-15 * * 1-5", "America/New_York", "America/Toronto", from).mode).toBe("same-zone");
    // In winter 09:00 UTC is 04:00 in New York: the 05:00 start is skipped, the 04:00 one runs.
    expect(offScheduleStart("0 9 * * *", "UTC", "America/New_York", Date.parse("2026-01-15T09:00:05Z")).skip).toBe(false);
    expect(offScheduleStart("0 9 * * *", "UTC", "America/New_York", Date.parse("2026-01-15T10:00:05Z")).skip).toBe(true);
    // A start at any other time (by hand, or coalesced after sleep) runs.
    expect(offScheduleStart("0 9 * * *", "UTC", "America/New_York", Date.parse("2026-01-15T13:17:00Z")).skip).toBe(false);
    expect(wallClock(Date.parse("2026-07-15T09:00:00Z"), "America/New_York").hour).toBe(5);
  });

  it("launchd refuses a seconds schedule with a clear error", () => {
    expect(() => toCalendarDicts("*/5 * * * * *")).toThrow(/seconds/);
  });
});

describe("install, examples and doctor", () => {
  it("the committed examples are what the generator makes from the default config", async () => {
    const r = await run([join(ROOT, "dist/scripts/gen-examples.js"), "--check"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("install renders, prints the load and remove commands, and loads nothing without --load", async () => {
    const sb = sandbox({ timezone: "America/New_York", cycle: { schedule: "*/5 9-15 * * 1-5" } });
    const r = await wk(sb, ["install", "systemd", "--user", "--out", sb.file("units")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(sb.file("units")).sort()).toEqual([
      "watchkeeper-cycle.service",
      "watchkeeper-cycle.timer",
      "watchkeeper-onfailure@.service",
      "watchkeeper-remind.service",
      "watchkeeper-remind.timer",
      "watchkeeper-watchdog.service",
      "watchkeeper-watchdog.timer",
    ]);
    expect(r.stdout).toContain("systemctl --user daemon-reload");
    expect(r.stdout).toContain("systemctl --user enable --now watchkeeper-cycle.timer watchkeeper-watchdog.timer watchkeeper-remind.timer");
    expect(r.stdout).toContain("loginctl enable-linger");
    expect(r.stdout).toContain("watchkeeper uninstall systemd");
    expect(sb.read("units/watchkeeper-cycle.timer")).toContain("OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 09..15:00/5:00 America/New_York");
    const mac = await wk(sb, ["install", "launchd", "--out", sb.file("plists")], { TZ: "Europe/London" });
    expect(mac.code, mac.stderr).toBe(0);
    expect(mac.stdout).toContain("launchctl bootstrap gui/$(id -u)");
    expect(mac.stdout).toMatch(/entrypoint skips starts/);
    const un = await wk(sb, ["uninstall", "systemd", "--dry-run"]);
    expect(un.stdout).toContain("systemctl --user disable --now");
  });

  it("a seconds schedule cannot go to launchd: one line, exit 78", async () => {
    const sb = sandbox({ cycle: { schedule: "*/5 * * * * *" } });
    const r = await wk(sb, ["install", "launchd", "--out", sb.file("p")]);
    expect(r.code).toBe(78);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("seconds");
  });

  it("doctor: one line per check, all well once installed and run, a failure when a unit drifts", async () => {
    const sb = sandbox({ strategy: { options: { barSec: 1 } } });
    const home = sb.file("home");
    const units = join(home, ".config/systemd/user");
    mkdirSync(units, { recursive: true });
    const before = await wk(sb, ["doctor", "--systemd"], { HOME: home });
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^FAIL\s+job\s+.*watchkeeper-cycle\.service is not installed/m);
    await wk(sb, ["install", "systemd", "--user", "--out", units], { HOME: home });
    await wk(sb, ["cycle"]);
    await wk(sb, ["watchdog"]);
    await wk(sb, ["remind"]);
    const good = await wk(sb, ["doctor", "--systemd"], { HOME: home, TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_CHAT_ID: "1" });
    expect(good.stdout).not.toMatch(/^FAIL/m);
    expect(good.code, good.stdout).toBe(0);
    expect(good.stdout).toMatch(/all is well/);
    const timer = join(units, "watchkeeper-cycle.timer");
    writeFileSync(timer, readFileSync(timer, "utf8").replace("AccuracySec=1s", "AccuracySec=1min"));
    const drift = await wk(sb, ["doctor", "--systemd"], { HOME: home });
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/^FAIL\s+job\s+.*watchkeeper-cycle\.timer differs/m);
  });

  it("the bot token comes from a 0600 env file; a looser file is refused with one line", async () => {
    const sb = sandbox();
    writeFileSync(sb.file("watchkeeper.env"), "TELEGRAM_BOT_TOKEN=42:abc\nTELEGRAM_CHAT_ID=7\n", { mode: 0o600 });
    const ok = await wk(sb, ["status", "--json"]);
    expect(JSON.parse(ok.stdout).problems.join(" ")).not.toContain("TELEGRAM_BOT_TOKEN is not set");
    chmodSync(sb.file("watchkeeper.env"), 0o644);
    const loose = await wk(sb, ["status"]);
    expect(loose.code).toBe(78);
    expect(loose.stderr).toContain("chmod 600");
  });
});

describe("the bot's jobs", () => {
  it("with bot.allowChatIds, install adds a Restart=on-failure service and a KeepAlive agent that validate", () => {
    const c = ctx({}, { bot: { allowChatIds: [1] } });
    const unit = renderSystemd(c).files.find((f) => f.name === "watchkeeper-bot.service")!.content;
    for (const line of ["Type=simple", "Restart=on-failure", "WantedBy=multi-user.target"]) expect(unit).toContain(line);
    expect(systemdWords(/^ExecStart=(.*)$/m.exec(unit)![1]!).slice(-3)).toEqual(["bot", "--config", c.configPath]);
    const p = plist.parse(renderLaunchd(c).files.find((f) => f.name === "com.watchkeeper.bot.plist")!.content) as Record<string, unknown>;
    expect(p).toMatchObject({ KeepAlive: true, RunAtLoad: true, Label: "com.watchkeeper.bot" });
    expect(renderSystemd(ctx()).files.some((f) => f.name.includes("bot"))).toBe(false);
    if (analyze.ok) {
      const out = mkdtempSync(join(tmpdir(), "wk-bot-"));
      writeFileSync(join(out, "watchkeeper-bot.service"), unit);
      const v = spawnSync("systemd-analyze", ["verify", "./watchkeeper-bot.service"], { cwd: out, encoding: "utf8" });
      expect(v.stderr).toBe("");
      expect(v.status).toBe(0);
    }
    if (xmllint.ok) {
      const out = mkdtempSync(join(tmpdir(), "wk-bot-"));
      writeFileSync(join(out, "bot.plist"), renderLaunchd(c).files.find((f) => f.name === "com.watchkeeper.bot.plist")!.content);
      expect(spawnSync("xmllint", ["--noout", "--nonet", "--dtdvalid", DTD, join(out, "bot.plist")]).status).toBe(0);
    }
  });
});
