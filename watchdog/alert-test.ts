import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { telegramFromConfig, DeliveryError } from "./core/telegram.js";
import { escapeHtml } from "./core/messages.js";
import { EXIT, WkError } from "./core/errors.js";
import { isoSec } from "./core/time.js";
import { printOut } from "./core/log.js";

/** Sends one message straight through the channel (not the outbox) and says whether it arrived. */
export async function alertTestMain(ctx: EntryContext): Promise<number> {
  if (!ctx.args.includes("--test")) throw new WkError("USAGE", "usage: watchkeeper alert --test");
  const channel = telegramFromConfig(ctx.loaded.config.telegram, ctx.env);
  if (channel.notReady) throw new WkError("NOT_CONFIGURED", channel.notReady);
  try {
    await channel.send(`✅ <b>watchkeeper test alert</b> from ${escapeHtml(ctx.host)} at ${isoSec(ctx.now())}.\nIf you read this, alerts reach you.`);
  } catch (err) {
    if (err instanceof DeliveryError) throw new WkError(err.retryable ? "ALERT_FAILED" : "NOT_CONFIGURED", `test alert NOT delivered: ${err.message}`);
    throw err;
  }
  printOut("test alert delivered: Telegram accepted it. Check your chat.\n");
  return EXIT.OK;
}

if (isMain(import.meta.url)) void runEntry("alert", alertTestMain);
