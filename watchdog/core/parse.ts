/**
 * A file's parsed JSON against its schema: the generated parser first, zod only when that
 * is not sure (an invalid file, or an input outside what the generator handles), so zod
 * gives every verdict of "invalid" and its message.
 */
import * as fast from "./generated/parsers.js";
import type { Circuit, Heartbeat, LockInfo, OutboxItem, Progress, RemindRecord, WatchdogRecord } from "./schemas.js";
import { zodSchemas, type ZodSchemas } from "./zod-schemas.js";

export type Parsed<T> = { success: true; data: T } | { success: false; why: string };

interface ZodLike<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: Parameters<ZodSchemas["firstIssue"]>[0] };
}

export interface FileParser<T> {
  safeParse(v: unknown): Parsed<T>;
}

function parser<T>(quick: (v: unknown) => T | typeof fast.NO, schema: (s: ZodSchemas) => ZodLike<T>): FileParser<T> {
  return {
    safeParse(v) {
      const data = quick(v);
      if (data !== fast.NO) return { success: true, data };
      const s = zodSchemas();
      const r = schema(s).safeParse(v);
      return r.success ? { success: true, data: r.data } : { success: false, why: s.firstIssue(r.error) };
    },
  };
}

export const HeartbeatFile = parser<Heartbeat>(fast.parseHeartbeatFast, (s) => s.HeartbeatSchema);
export const CircuitFile = parser<Circuit>(fast.parseCircuitFast, (s) => s.CircuitSchema);
export const LockFile = parser<LockInfo>(fast.parseLockFast, (s) => s.LockSchema);
export const OutboxItemFile = parser<OutboxItem>(fast.parseOutboxItemFast, (s) => s.OutboxItemSchema);
export const ProgressFile = parser<Progress>(fast.parseProgressFast, (s) => s.ProgressSchema);
export const WatchdogRecordFile = parser<WatchdogRecord>(fast.parseWatchdogRecordFast, (s) => s.WatchdogRecordSchema);
export const RemindRecordFile = parser<RemindRecord>(fast.parseRemindRecordFast, (s) => s.RemindRecordSchema);
