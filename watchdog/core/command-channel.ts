import { childProcess } from "./lazy.js";
import { DeliveryError, type AlertMeta, type Channel } from "./telegram.js";
import { htmlToText } from "./messages.js";

/**
 * Any program as an alert channel (e-mail, ntfy, a pager): it gets the message on
 * standard input and the fields in WATCHKEEPER_ALERT_* variables; exit 0 means
 * delivered. A string runs through /bin/sh; an array runs as is. The bot token is
 * not passed on.
 */
export function commandChannel(command: string | readonly string[], opts: { timeoutSec: number; host: string }): Channel {
  return {
    name: "command",
    notReady: null,
    send(html: string, meta?: AlertMeta): Promise<void> {
      const text = htmlToText(html);
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.TELEGRAM_BOT_TOKEN;
      Object.assign(env, {
        WATCHKEEPER_ALERT_KIND: meta?.kind ?? "alert",
        WATCHKEEPER_ALERT_ID: meta?.id ?? "",
        WATCHKEEPER_ALERT_CREATED_AT: meta ? new Date(meta.createdAt * 1000).toISOString().replace(".000Z", "Z") : "",
        WATCHKEEPER_ALERT_TEXT: text,
        WATCHKEEPER_ALERT_HTML: html,
        WATCHKEEPER_HOST: opts.host,
      });
      const [file, args] = typeof command === "string" ? ["/bin/sh", ["-c", command]] : [command[0]!, command.slice(1)];
      return new Promise((resolve, reject) => {
        let stderr = "";
        let settled = false;
        const done = (err: DeliveryError | null) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        };
        const child = childProcess().spawn(file, args, { env, stdio: ["pipe", "ignore", "pipe"] });
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          done(new DeliveryError(`alert command did not finish within ${opts.timeoutSec}s`, true));
        }, opts.timeoutSec * 1000);
        child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
        child.on("error", (err) => done(new DeliveryError(`alert command could not start: ${err.message}`, false, err)));
        child.on("close", (code, signal) => {
          if (code === 0) done(null);
          else done(new DeliveryError(`alert command ${signal ? `was killed by ${signal}` : `exited ${code}`}${stderr.trim() ? `: ${stderr.trim().split("\n").at(-1)}` : ""}`, true));
        });
        child.stdin.on("error", () => undefined); // a command that does not read its input
        child.stdin.end(text + "\n");
      });
    },
  };
}
