import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { EntryContext } from "../watchdog/core/cli.js";
import { EXIT, messageOf } from "../watchdog/core/errors.js";
import { readHeartbeat, readRemindRecord, readWatchdogRecord } from "../watchdog/core/state.js";
import { telegramFromConfig } from "../watchdog/core/telegram.js";
import { escapeHtml } from "../watchdog/core/messages.js";
import { humanDuration, isoSec } from "../watchdog/core/time.js";
import { watchdogLiveness } from "../watchdog/decide.js";
import { watchdogSettings } from "../watchdog/settings.js";
import { SCHEDULED } from "../watchdog/core/where.js";
import { PROJECT_DIR, installContext, render, type Target } from "./install/command.js";

type Status = "ok" | "warn" | "FAIL";
interface Check {
  status: Status;
  what: string;
  detail: string;
}

function writable(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, "x");
    rmSync(probe);
    return null;
  } catch (err) {
    return messageOf(err);
  }
}

/** The executable and scripts a unit or plist names must exist where it says. */
function namedPaths(content: string, t: Target): string[] {
  if (t === "launchd") {
    const m = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(content);
    const strings = [...(m?.[1] ?? "").matchAll(/<string>([\s\S]*?)<\/string>/g)].map((x) => x[1]!.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
    return strings.slice(0, 2);
  }
  const line = /^ExecStart=(.*)$/m.exec(content)?.[1] ?? "";
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = re.exec(line); m && words.length < 3; m = re.exec(line))
    words.push((m[1] ?? m[2]!).replace(/\\(.)/g, "$1").replace(/\$\$/g, "$").replace(/%%/g, "%"));
  return words[0] === "/usr/bin/env" ? words.slice(1, 3) : words.slice(0, 2);
}

export async function doctorMain(ctx: EntryContext): Promise<number> {
  const checks: Check[] = [];
  const add = (status: Status, what: string, detail: string) => checks.push({ status, what, detail });
  const { loaded, paths, now } = ctx;
  const t = now();

  add(loaded.file ? "ok" : "warn", "config", loaded.file ? `${loaded.file} is valid` : "no config file: using the defaults (watchkeeper install writes one)");
  const [maj, min] = process.versions.node.split(".").map(Number) as [number, number];
  const nodeOk = maj > 20 || (maj === 20 && min >= 16);
  add(nodeOk ? "ok" : "FAIL", "node", `${process.execPath} ${process.version}${nodeOk ? "" : " (needs >= 20.16)"}`);
  for (const rel of Object.values(SCHEDULED)) {
    const p = join(PROJECT_DIR, "dist", rel);
    add(existsSync(p) ? "ok" : "FAIL", "script", existsSync(p) ? p : `${p} is missing: run npm run build`);
  }
  for (const [name, dir] of [["data", loaded.dataDir], ["memory", loaded.memoryDir]] as const) {
    const err = writable(dir);
    add(err ? "FAIL" : "ok", `${name} folder`, err ? `${dir} is not writable: ${err}` : `${dir} is writable`);
  }

  const configPath = loaded.file ?? join(process.cwd(), "watchkeeper.config.json");
  const ic = installContext(ctx, configPath, ctx.args);
  add(existsSync(ic.envFile) ? "ok" : "warn", "secrets", existsSync(ic.envFile) ? `${ic.envFile} is readable by you only` : `no ${ic.envFile} (TELEGRAM_BOT_TOKEN must then come from the environment)`);
  const channel = telegramFromConfig(loaded.config.telegram, ctx.env);
  add(channel.notReady ? "warn" : "ok", "telegram", channel.notReady ?? `chat ${loaded.config.telegram.chatId ?? ctx.env.TELEGRAM_CHAT_ID} via ${loaded.config.telegram.apiRoot}`);

  // Installed jobs: present, the same as the config renders them, naming paths that exist.
  const forced = ctx.args.includes("--launchd") ? "launchd" : ctx.args.includes("--systemd") ? "systemd" : null;
  const t0: Target | null = forced ?? (process.platform === "darwin" ? "launchd" : process.platform === "linux" ? "systemd" : null);
  if (t0) {
    const home = ctx.env.HOME ?? homedir();
    const dirs =
      t0 === "launchd"
        ? [join(home, "Library/LaunchAgents")]
        : ctx.args.includes("--system")
          ? ["/etc/systemd/system"]
          : [join(home, ".config/systemd/user"), "/etc/systemd/system"];
    const installDir = dirs.find((d) => existsSync(join(d, t0 === "launchd" ? "com.watchkeeper.cycle.plist" : "watchkeeper-cycle.timer"))) ?? dirs[0]!;
    const scope = installDir === "/etc/systemd/system" ? "system" : "user";
    const r = render(t0, { ...ic, scope });
    for (const f of r.files.filter((x) => !x.name.startsWith("newsyslog"))) {
      const p = join(installDir, f.name);
      if (!existsSync(p)) {
        add("FAIL", "job", `${p} is not installed: run watchkeeper install ${t0}${t0 === "systemd" ? ` --${scope}` : ""} and load it`);
        continue;
      }
      const content = readFileSync(p, "utf8");
      const same = content === f.content;
      const missing = namedPaths(content, t0).filter((x) => {
        try {
          accessSync(x, constants.R_OK);
          return false;
        } catch {
          return true;
        }
      });
      if (missing.length) add("FAIL", "job", `${p} names ${missing.join(", ")}, which does not exist`);
      else add(same ? "ok" : "FAIL", "job", same ? `${p} matches the config` : `${p} differs from what the config renders: run watchkeeper install ${t0} again and reload`);
    }
  } else add("warn", "jobs", `no launchd or systemd on ${process.platform}: not checked`);

  // Last runs.
  const hb = readHeartbeat(paths.heartbeat);
  if (hb.kind === "present")
    add(hb.heartbeat.status === "ok" ? "ok" : "FAIL", "last cycle", `${hb.heartbeat.status} at ${isoSec(hb.heartbeat.at * 1000)} (${humanDuration(t / 1000 - hb.heartbeat.at)} ago)`);
  else add("warn", "last cycle", hb.kind === "missing" ? "no cycle has finished yet" : `heartbeat is ${hb.why}`);
  const wd = watchdogLiveness(readWatchdogRecord(paths.watchdogRecord), watchdogSettings(loaded.config), t);
  add(wd.ok ? "ok" : "FAIL", "last watchdog", wd.detail);
  const rem = readRemindRecord(paths.remindRecord);
  add(rem ? "ok" : "warn", "last reminder", rem ? `ran at ${isoSec(rem.at * 1000)}` : "has not run yet");

  if (ctx.args.includes("--send-test")) {
    if (channel.notReady) add("FAIL", "test alert", channel.notReady);
    else
      try {
        await channel.send(`✅ <b>watchkeeper doctor</b> on ${escapeHtml(ctx.host)}: alerts reach you.`);
        add("ok", "test alert", "delivered: Telegram accepted it");
      } catch (err) {
        add("FAIL", "test alert", `not delivered: ${messageOf(err)}`);
      }
  }

  for (const c of checks) process.stdout.write(`${c.status.padEnd(4)}  ${c.what.padEnd(13)} ${c.detail}\n`);
  const failed = checks.filter((c) => c.status === "FAIL").length;
  const warned = checks.filter((c) => c.status === "warn").length;
  process.stdout.write(failed ? `\n${failed} problem(s) found.\n` : `\nall is well${warned ? ` (${warned} warning(s))` : ""}.\n`);
  return failed ? EXIT.FAILED : EXIT.OK;
}
