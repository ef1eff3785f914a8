import { flagValue, type EntryContext } from "../watchdog/core/cli.js";
import { EXIT, WkError, messageOf } from "../watchdog/core/errors.js";
import { tripCircuit } from "../watchdog/core/circuit.js";
import { describeCircuit } from "../watchdog/core/state.js";
import { escapeHtml, resumeCommand } from "../watchdog/core/messages.js";
import { redact } from "../watchdog/core/log.js";
import { telegramClient } from "../watchdog/core/telegram-client.js";

/**
 * `watchkeeper bot`: pause from the phone, never resume from it. Long-polls Telegram,
 * answers /status and /pause <reason> for allowed chats only, ignores and logs everyone
 * else. Optional and independent: if it dies, nothing else notices or cares.
 */
export async function botMain(ctx: EntryContext): Promise<number> {
  const c = ctx.loaded.config;
  const token = ctx.env.TELEGRAM_BOT_TOKEN;
  if (!token) throw new WkError("CONFIG", "TELEGRAM_BOT_TOKEN is not set");
  const allowed = new Set(c.bot.allowChatIds);
  if (allowed.size === 0) throw new WkError("CONFIG", `${ctx.loaded.file ?? "config"}: bot.allowChatIds is empty: name the chats that may pause the pipeline`);
  const tg = telegramClient();
  const api = new tg.Api(token, { apiRoot: c.telegram.apiRoot, timeoutMs: c.telegram.timeoutSec * 1000, maxRetries: c.telegram.maxRetries });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  const { statusText } = await import("../watchdog/status.js");
  const reply = async (chatId: number | string, html: string) => {
    try {
      await api.sendMessage({ chat_id: chatId, text: html, parse_mode: "HTML" });
    } catch (err) {
      ctx.log.error(`bot: reply not delivered: ${redact(messageOf(err))}`);
    }
  };
  ctx.log.info({ allowed: [...allowed] }, "bot: listening for /status and /pause (it never resumes)");
  const limit = Number(flagValue(ctx.args, "--max-updates") ?? Infinity);
  let handled = 0;
  try {
    for await (const u of tg.longPoll(api, { timeout: c.bot.pollTimeoutSec, allowedUpdates: ["message"], onError: (e) => ctx.log.warn(`bot: poll failed: ${redact(messageOf(e))}; retrying`) }, abort.signal)) {
      const m = (u as { message?: { chat?: { id?: number }; from?: { id?: number; username?: string }; text?: string } }).message;
      if (!m?.chat?.id || typeof m.text !== "string") continue;
      const chat = String(m.chat.id);
      const who = m.from?.username ?? String(m.from?.id ?? "?");
      if (!allowed.has(chat)) {
        ctx.log.warn({ chat, from: who, text: m.text.slice(0, 80) }, "bot: ignored a message from a chat not in bot.allowChatIds");
        continue;
      }
      const [cmd, ...rest] = m.text.trim().split(/\s+/);
      const command = (cmd ?? "").replace(/@.*$/, "").toLowerCase();
      if (command === "/pause") {
        const reason = rest.join(" ").trim() || "paused from Telegram";
        const res = await tripCircuit(ctx.paths, { reason, by: `telegram:${who}`, now: ctx.now, record: { chat }, onRecordError: (e) => ctx.log.error(String(e)) });
        if (res.tripped) {
          ctx.log.error({ by: `telegram:${who}` }, `CIRCUIT TRIPPED from Telegram: ${reason}`);
          await reply(m.chat.id, `⏸ <b>Paused</b> by ${escapeHtml(who)}: ${escapeHtml(reason)}\nEvery cycle now exits without trading. Resuming is done on the machine, by hand.`);
        } else await reply(m.chat.id, `Already ${escapeHtml(describeCircuit(res.existing))}. That cause is kept.`);
      } else if (command === "/status") {
        await reply(m.chat.id, `<pre>${escapeHtml(statusText(ctx))}</pre>`);
      } else if (command === "/resume") {
        ctx.log.warn({ from: who }, "bot: /resume refused (resuming is a manual edit)");
        await reply(m.chat.id, `Resuming is never done from here. On the machine, after checking why it paused:\n<pre>${escapeHtml(resumeCommand(ctx.paths.circuit))}</pre>`);
      } else await reply(m.chat.id, "Commands: /status, /pause &lt;reason&gt;. (/resume is a manual edit on the machine.)");
      if (++handled >= limit) break;
    }
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
  }
  ctx.log.info("bot: stopped");
  return EXIT.OK;
}
