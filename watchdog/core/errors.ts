/**
 * Every error we raise on purpose carries a stable `code`; the top-level handler of
 * each entrypoint maps codes to exit codes, so nothing branches on message text.
 */
export type ErrorCode =
  | "USAGE" // bad command line
  | "CONFIG" // config file missing (when named), unreadable or invalid
  | "LOCKED" // another live process holds the lock
  | "IO" // a state file could not be written
  | "PAUSED" // the circuit is paused: not an error for a timer
  | "LAYER_FAILED" // a strategy layer threw
  | "TIMEOUT" // the cycle ran out of time
  | "ALERT_FAILED" // an alert could not be delivered (kept in the outbox)
  | "NOT_CONFIGURED"; // a channel is not set up

export class WkError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "WkError";
  }
}

/** sysexits(3) where one fits; 2 for "paused" so a timer can tell it from a failure. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  PAUSED: 2,
  USAGE: 64,
  IOERR: 74,
  TEMPFAIL: 75,
  CONFIG: 78,
  TIMEOUT: 124,
} as const;

export function exitCodeFor(err: unknown): number {
  if (!(err instanceof WkError)) return EXIT.FAILED;
  switch (err.code) {
    case "USAGE":
      return EXIT.USAGE;
    case "CONFIG":
    case "NOT_CONFIGURED":
      return EXIT.CONFIG;
    case "LOCKED":
    case "ALERT_FAILED":
      return EXIT.TEMPFAIL;
    case "IO":
      return EXIT.IOERR;
    case "PAUSED":
      return EXIT.PAUSED;
    case "TIMEOUT":
      return EXIT.TIMEOUT;
    case "LAYER_FAILED":
      return EXIT.FAILED;
  }
}

export function errno(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
