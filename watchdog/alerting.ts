import { raiseAlert, type AlertDeps } from "./core/outbox.js";
import { telegramFromConfig } from "./core/telegram.js";
import type { EntryContext } from "./core/cli.js";

/** The alert plumbing every entrypoint shares: the configured channel behind a durable outbox. */
export function alertDeps(ctx: EntryContext): AlertDeps {
  return {
    dir: ctx.paths.outbox,
    lockPath: ctx.paths.outboxLock,
    now: ctx.now,
    log: ctx.log,
    channel: telegramFromConfig(ctx.loaded.config.telegram, ctx.env),
    maxPerRun: ctx.loaded.config.alerts.maxPerRun,
    journal: ctx.paths,
  };
}

export { raiseAlert };
