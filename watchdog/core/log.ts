import { writeSync } from "node:fs";
import { createRequire } from "node:module";
import { pino, type Logger } from "pino";
import { errno } from "./errors.js";

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
  return pino(options, fdSink(2));
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Text for the person at the terminal, written before the process exits: process.stdout
 * is asynchronous for pipes on macOS (a line could be lost to the process.exit() after
 * it) and building it loads Node's stream and net modules, ~3 ms of every `status`.
 */
export const printOut = (text: string): void => void fdSink(1).write(text);
export const printErr = (text: string): void => void fdSink(2).write(text);

/**
 * pino's destination for JSON lines: each line goes to the fd at once, synchronously, as
 * pino.destination({ sync: true }) would, since a run may exit or be killed right after
 * its last line. Its own few lines instead of sonic-boom: the entrypoint bundles then
 * leave sonic-boom and its node:assert (which builds process.stderr) out of every start.
 * A full non-blocking pipe (EAGAIN) is waited out, up to a second; a closed one (EPIPE)
 * loses the line rather than the run: the circuit and the alerts do not depend on it.
 */
export function fdSink(fd: number): { write(line: string): boolean } {
  return {
    write(line) {
      const buf = Buffer.from(line, "utf8");
      let off = 0;
      let waitedMs = 0;
      while (off < buf.length) {
        try {
          off += writeSync(fd, buf, off, buf.length - off);
        } catch (err) {
          if (errno(err) !== "EAGAIN" || waitedMs >= 1000) return false;
          Atomics.wait(pause, 0, 0, 5);
          waitedMs += 5;
        }
      }
      return true;
    },
  };
}
