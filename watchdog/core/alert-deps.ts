import { join } from "node:path";
import type { LoadedConfig } from "./config.js";
import type { StatePaths } from "./state.js";
import type { Logger } from "./log.js";
import type { AlertDeps } from "./outbox.js";
import { telegramFromConfig } from "./telegram.js";
import { commandChannel } from "./command-channel.js";

/** The configured channels, each behind its own durable outbox. */
export function buildAlertDeps(loaded: LoadedConfig, paths: StatePaths, env: NodeJS.ProcessEnv, now: () => number, log: Logger, host: string): AlertDeps {
  const c = loaded.config;
  return {
    dir: paths.outbox,
    lockPath: paths.outboxLock,
    now,
    log,
    journal: paths,
    channel: telegramFromConfig(c.telegram, env),
    maxPerRun: c.alerts.maxPerRun,
    ...(c.alerts.command
      ? { extra: [{ channel: commandChannel(c.alerts.command, { timeoutSec: c.alerts.commandTimeoutSec, host }), dir: join(loaded.dataDir, "outbox-command"), lockPath: join(loaded.dataDir, "outbox-command.lock") }] }
      : {}),
  };
}
