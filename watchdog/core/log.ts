import { createRequire } from "node:module";
import { pino, type Logger } from "pino";

export type { Logger };

/** The secret we must never print; every log line and error message passes through this. */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const token = env.TELEGRAM_BOT_TOKEN;
  if (!token || token.length < 4) return text;
  let out = text.split(token).join("[redacted]");
  // URL-encoded form too (":" becomes %3A), as it would appear in an echoed URL.
  const enc = encodeURIComponent(token);
  if (enc !== token) out = out.split(enc).join("[redacted]");
  return out;
}

export interface LogOptions {
  name: string;
  level?: string;
  /** "pretty" on a terminal, JSON lines otherwise; WATCHKEEPER_LOG=json|pretty overrides. */
  format?: "json" | "pretty";
}

export function createLogger(opts: LogOptions): Logger {
  const forced = process.env.WATCHKEEPER_LOG;
  const format = opts.format ?? (forced === "json" || forced === "pretty" ? forced : process.stderr.isTTY ? "pretty" : "json");
  const options = {
    name: opts.name,
    level: opts.level ?? process.env.WATCHKEEPER_LOG_LEVEL ?? "info",
    base: { pid: process.pid },
    // pino's path-based redaction cannot find a token inside a message or an error
    // string; rewriting the serialized line catches it wherever it appears.
    hooks: { streamWrite: (s: string) => redact(s) },
  };
  if (format === "pretty") {
    // Loaded only on a terminal: it is the heaviest dependency we have.
    const require = createRequire(import.meta.url);
    const pretty = require("pino-pretty") as (o: object) => NodeJS.WritableStream;
    return pino(options, pretty({ sync: true, destination: 2, colorize: true, singleLine: true, ignore: "pid,hostname", translateTime: "SYS:HH:MM:ss" }) as never);
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}
