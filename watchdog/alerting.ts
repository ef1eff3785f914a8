import { flushAll, raiseAlert, sendNow, type AlertDeps } from "./core/outbox.js";
import { buildAlertDeps } from "./core/alert-deps.js";
import type { EntryContext } from "./core/cli.js";

/** The alert plumbing every entrypoint shares: the configured channels behind durable outboxes. */
export function alertDeps(ctx: EntryContext): AlertDeps {
  return buildAlertDeps(ctx.loaded, ctx.paths, ctx.env, ctx.now, ctx.log, ctx.host);
}

export { flushAll, raiseAlert, sendNow };
