import type { Config } from "../../watchdog/core/config.js";
import { SCHEDULED } from "../../watchdog/core/where.js";

/** What both renderers need to know, all absolute. */
export interface InstallContext {
  projectDir: string;
  nodePath: string;
  configPath: string;
  dataDir: string;
  memoryDir: string;
  logDir: string;
  /** 0600 file with TELEGRAM_BOT_TOKEN=...; read by the entrypoints themselves. */
  envFile: string;
  scope: "user" | "system";
  /** For system units: the account the jobs run as. */
  user: string;
  /** The Mac's zone, for launchd. */
  localTz: string;
  nowMs: number;
  prefix: string;
  config: Config;
}

export interface Job {
  id: "cycle" | "watchdog" | "remind";
  description: string;
  script: string;
  schedule: string;
  /** A hard stop for the service manager, above the job's own limits. */
  timeoutStartSec: number;
}

export function jobs(ctx: InstallContext): Job[] {
  const c = ctx.config;
  const js = (rel: string) => `${ctx.projectDir}/dist/${rel}`;
  const alertSec = Math.ceil(c.telegram.timeoutSec * (c.telegram.maxRetries + 1) * Math.min(c.alerts.maxPerRun, 5)) + 30;
  return [
    {
      id: "cycle",
      description: "watchkeeper cycle runner",
      script: js(SCHEDULED.cycle),
      schedule: c.cycle.schedule,
      // The runner's own deadline (timeoutSec + abortGraceSec) acts first; this is the backstop.
      timeoutStartSec: Math.ceil(c.cycle.timeoutSec + c.cycle.abortGraceSec + 30),
    },
    {
      id: "watchdog",
      description: "watchkeeper watchdog",
      script: js(SCHEDULED.watchdog),
      schedule: c.watchdog.schedule,
      timeoutStartSec: Math.ceil(c.watchdog.killGraceSec + 5 + alertSec),
    },
    { id: "remind", description: "watchkeeper resume reminder", script: js(SCHEDULED.remind), schedule: c.reminder.schedule, timeoutStartSec: alertSec },
  ];
}

/** Single-quote for a POSIX shell: what the printed commands use. */
export function sh(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function assertPrintable(label: string, s: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new Error(`${label} contains a control character: ${JSON.stringify(s)}`);
}
