/**
 * A file's parsed JSON against its schema: the generated parser first, zod only when that
 * is not sure (an invalid file, or an input outside what the generator handles), so zod
 * gives every verdict of "invalid" and its message.
 */
import * as fast from "./generated/parsers.js";
import type { Circuit, Heartbeat, LockInfo, OutboxItem, Progress, RemindRecord, WatchdogRecord } from "./schemas.js";
import { zodSchemas, type ZodSchemas } from "./zod-schemas.js";
import { messageOf } from "./errors.js";

export type Parsed<T> = { success: true; data: T } | { success: false; why: string };

interface ZodLike<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<ZodSchemas["firstIssue"]>[0] };
}

export interface FileParser<T> {
  safeParse(v: unknown): Parsed<T>;
}

/**
 * zod and the schemas, or why they cannot be had (in a bundle they are a file read from
 * disk, dist/bin/zod-schemas.cjs): the caller then fails closed with that reason.
 */
export function loadZodSchemas(load: () => ZodSchemas = zodSchemas): { schemas: ZodSchemas } | { why: string; cause: unknown } {
  try {
    return { schemas: load() };
  } catch (err) {
    return { why: `the schema checker cannot load (${messageOf(err)}; run npm run build)`, cause: err };
  }
}

/**
 * A file parser: the generated one, then zod. `load` is how zod is reached (in a bundle,
 * dist/bin/zod-schemas.cjs, read from disk): if it cannot be, the file is invalid, never
 * accepted and never a crash, since the watchdog must trip on a heartbeat it cannot judge.
 */
export function fileParser<T>(quick: (v: unknown) => T | typeof fast.NO, schema: (s: ZodSchemas) => ZodLike<T>, load: () => ZodSchemas = zodSchemas): FileParser<T> {
  return {
    safeParse(v) {
      const data = quick(v);
      if (data !== fast.NO) return { success: true, data };
      const z = loadZodSchemas(load);
      if ("why" in z) return { success: false, why: `not a plain valid file, and ${z.why}` };
      const s = z.schemas;
      const r = schema(s).safeParse(v);
      return r.success ? { success: true, data: r.data } : { success: false, why: s.firstIssue(r.error) };
    },
  };
}

export const HeartbeatFile = fileParser<Heartbeat>(fast.parseHeartbeatFast, (s) => s.HeartbeatSchema);
export const CircuitFile = fileParser<Circuit>(fast.parseCircuitFast, (s) => s.CircuitSchema);
export const LockFile = fileParser<LockInfo>(fast.parseLockFast, (s) => s.LockSchema);
export const OutboxItemFile = fileParser<OutboxItem>(fast.parseOutboxItemFast, (s) => s.OutboxItemSchema);
export const ProgressFile = fileParser<Progress>(fast.parseProgressFast, (s) => s.ProgressSchema);
export const WatchdogRecordFile = fileParser<WatchdogRecord>(fast.parseWatchdogRecordFast, (s) => s.WatchdogRecordSchema);
export const RemindRecordFile = fileParser<RemindRecord>(fast.parseRemindRecordFast, (s) => s.RemindRecordSchema);
