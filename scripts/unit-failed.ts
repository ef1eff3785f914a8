import { flagValue, type EntryContext } from "../watchdog/core/cli.js";
import { escapeHtml } from "../watchdog/core/messages.js";
import { EXIT, WkError } from "../watchdog/core/errors.js";
import { alertDeps, raiseAlert } from "../watchdog/alerting.js";

/** systemd's OnFailure= hook: a failed run of any watchkeeper unit reaches the operator. */
export async function unitFailedMain(ctx: EntryContext): Promise<number> {
  const unit = flagValue(ctx.args, "--unit");
  if (!unit) throw new WkError("USAGE", "unit-failed needs --unit NAME");
  const scope = process.getuid?.() === 0 ? "" : " --user";
  ctx.log.error({ unit }, `systemd unit ${unit} failed`);
  await raiseAlert(
    alertDeps(ctx),
    "unit-failed",
    `⚠️ <b>watchkeeper on ${escapeHtml(ctx.host)}: ${escapeHtml(unit)} failed</b>\nsystemd reports the run failed (a crash, a timeout or a bad exit code). See:\n<pre>journalctl${scope} -u ${escapeHtml(unit)} -n 50</pre>`,
  );
  return EXIT.OK;
}
