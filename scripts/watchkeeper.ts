#!/usr/bin/env node
/**
 * The operator command. Each subcommand loads only its own module, so `watchkeeper
 * watchdog` never loads strategy code and a broken strategy cannot break it.
 */
import { isMain, runEntry, type EntryContext } from "../watchdog/core/cli.js";
import { printErr, printOut } from "../watchdog/core/log.js";

type Main = (ctx: EntryContext) => Promise<number>;

const COMMANDS: Record<string, { help: string; load: () => Promise<Main> }> = {
  cycle: { help: "run one trading cycle (exit 0 ok, 1 failed, 2 paused, 75 locked)", load: async () => (await import("../pipeline/cycle.js")).cycleMain },
  watchdog: { help: "check the heartbeat; trip the circuit and alert when it is stale or not ok", load: async () => (await import("../watchdog/watchdog.js")).watchdogMain },
  remind: { help: "while paused, send a reminder; always retry undelivered alerts", load: async () => (await import("../watchdog/remind.js")).remindMain },
  status: { help: "summary (--json); exit 0 ok, 1 warning, 2 critical, 3 unknown", load: async () => (await import("../watchdog/status.js")).statusMain },
  trip: { help: 'pause by hand: trip --reason "TEXT"', load: async () => (await import("../watchdog/trip.js")).tripMain },
  alert: { help: "alert --test: send a test message and say whether it arrived", load: async () => (await import("../watchdog/alert-test.js")).alertTestMain },
  audit: { help: "audit verify [--expect-head SEQ:HASH] | audit report --out FILE.html: check and show the decision log", load: async () => (await import("./audit/command.js")).auditMain },
  bot: { help: "long-poll Telegram: /status and /pause <reason> from bot.allowChatIds (never resumes)", load: async () => (await import("./bot.js")).botMain },
  witness: { help: "witness sync [--dry-run]: create or update the Healthchecks checks from the config (HEALTHCHECKS_API_KEY)", load: async () => (await import("./witness-sync.js")).witnessSyncMain },
  install: { help: "install systemd|launchd [--user|--system] [--out DIR] [--load]: render the three jobs from the config", load: async () => (await import("./install/command.js")).installMain },
  uninstall: { help: "uninstall systemd|launchd [--dry-run]: stop and remove the jobs", load: async () => (await import("./install/command.js")).uninstallMain },
  doctor: { help: "check config, paths, permissions, installed jobs and last runs (--send-test)", load: async () => (await import("./doctor.js")).doctorMain },
  "unit-failed": { help: "(used by systemd OnFailure=) alert that --unit NAME failed", load: async () => (await import("./unit-failed.js")).unitFailedMain },
  start: { help: "run all three on their schedules in one foreground process (the demo uses this)", load: async () => (await import("./start.js")).startMain },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    "usage: watchkeeper <command> [--config PATH]",
    "",
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}  ${v.help}`),
    "",
    "The config is --config PATH, else $WATCHKEEPER_CONFIG, else ./watchkeeper.config.json (defaults if absent).",
    "There is no resume command: a person resumes by editing data/circuit.json.",
  ].join("\n");
}

/** What dist/bin/watchkeeper.cjs calls: the bundled operator command. */
export async function main(argv = process.argv.slice(2)): Promise<never> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    printOut(usage() + "\n");
    process.exit(name ? 0 : 64);
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    printErr(`watchkeeper: unknown command "${name}"${name === "resume" ? " (resuming is a manual edit of data/circuit.json: see watchkeeper status)" : ""}\n\n${usage()}\n`);
    process.exit(64);
  }
  return runEntry(name, await cmd.load(), rest);
}

if (isMain(import.meta.url)) void main();
