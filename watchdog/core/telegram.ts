import { WkError, messageOf } from "./errors.js";
import { redact } from "./log.js";
import { telegramClient } from "./telegram-client.js";

/** What an outbox item knows about itself; channels that pass fields on use it. */
export interface AlertMeta {
  kind: string;
  id: string;
  createdAt: number;
}

export interface Channel {
  readonly name: string;
  /** Why the channel cannot send, or null when it can. */
  readonly notReady: string | null;
  send(html: string, meta?: AlertMeta): Promise<void>;
}

export class DeliveryError extends WkError {
  /** false when retrying cannot help until a person fixes something (bad token, unknown chat). */
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean, cause?: unknown) {
    super("ALERT_FAILED", redact(message), { cause });
    this.retryable = retryable;
  }
}

export interface TelegramOptions {
  token: string | undefined;
  chatId: string | undefined;
  apiRoot: string;
  timeoutSec: number;
  maxRetries: number;
  fetch?: typeof fetch;
}

function causeText(err: unknown): string {
  let e: unknown = err;
  const parts: string[] = [];
  for (let i = 0; i < 4 && e; i++) {
    const code = typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : "";
    if (code && !parts.includes(code)) parts.push(code);
    e = typeof e === "object" && e !== null && "cause" in e ? (e as { cause: unknown }).cause : undefined;
  }
  return parts.filter((p) => p !== "EFETCH" && p !== "ETELEGRAM").join(", ");
}

export function telegramChannel(opts: TelegramOptions): Channel {
  const notReady = !opts.chatId
    ? "Telegram is not set up (no telegram.chatId in the config and no TELEGRAM_CHAT_ID)"
    : !opts.token
      ? "TELEGRAM_BOT_TOKEN is not set in the environment"
      : null;
  return {
    name: "telegram",
    notReady,
    async send(html: string): Promise<void> {
      if (notReady) throw new DeliveryError(notReady, false);
      const tg = telegramClient();
      const api = new tg.Api(opts.token!, {
        apiRoot: opts.apiRoot,
        timeoutMs: opts.timeoutSec * 1000,
        maxRetries: opts.maxRetries,
        maxRetryAfterMs: 30_000,
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      });
      const params = { chat_id: opts.chatId!, text: html, link_preview_options: { is_disabled: true } };
      try {
        try {
          await api.sendMessage({ ...params, parse_mode: "HTML" });
        } catch (err) {
          // A message our HTML escaping got wrong must still arrive: send it as plain text.
          if (err instanceof tg.TelegramApiError && err.errorCode === 400 && /parse entities/i.test(err.description)) {
            await api.sendMessage(params);
          } else throw err;
        }
      } catch (err) {
        if (err instanceof tg.TelegramApiError) {
          if (err.errorCode === 401 || err.errorCode === 404)
            throw new DeliveryError(`Telegram rejected the bot token (${err.errorCode} ${err.description}): check TELEGRAM_BOT_TOKEN`, false, err);
          if (err.errorCode === 403 || (err.errorCode === 400 && /chat not found/i.test(err.description)))
            throw new DeliveryError(`Telegram cannot reach chat ${opts.chatId} (${err.errorCode} ${err.description}): check telegram.chatId and that you messaged the bot first`, false, err);
          if (err.errorCode === 429)
            throw new DeliveryError(`Telegram rate limit (429), retry after ${err.retryAfter ?? "?"}s`, true, err);
          throw new DeliveryError(`Telegram answered ${err.errorCode} ${err.description}`, err.errorCode >= 500, err);
        }
        if (err instanceof tg.TimeoutError)
          throw new DeliveryError(`Telegram did not answer within ${opts.timeoutSec}s (${opts.apiRoot})`, true, err);
        if (err instanceof tg.NetworkError) {
          const why = causeText(err);
          throw new DeliveryError(`cannot reach Telegram at ${opts.apiRoot}${why ? ` (${why})` : ""}: ${messageOf(err)}`, true, err);
        }
        if (err instanceof tg.ParseError) throw new DeliveryError(`Telegram sent an answer that is not JSON`, true, err);
        throw new DeliveryError(`sending to Telegram failed: ${messageOf(err)}`, true, err);
      }
    },
  };
}

export function telegramFromConfig(
  tg: { chatId?: string | undefined; apiRoot: string; timeoutSec: number; maxRetries: number },
  env: NodeJS.ProcessEnv,
): Channel {
  return telegramChannel({
    token: env.TELEGRAM_BOT_TOKEN || undefined,
    chatId: tg.chatId ?? (env.TELEGRAM_CHAT_ID || undefined),
    apiRoot: tg.apiRoot,
    timeoutSec: tg.timeoutSec,
    maxRetries: tg.maxRetries,
  });
}
