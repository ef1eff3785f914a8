import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import { acquireLock } from "./lock.js";
import { errno, messageOf, WkError } from "./errors.js";
import { writeAll } from "./fsx.js";
import { epochSec, isoSec } from "./time.js";

export interface AppendResult {
  /** Set when the file ended in a torn line that this append sealed. */
  sealedTornBytes: number | null;
}

/** Bytes at the end of the file after its last newline (0 when it ends cleanly). */
function tornTailLength(fd: number): number {
  const size = fstatSync(fd).size;
  if (size === 0) return 0;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let pos = size;
  let torn = 0;
  while (pos > 0) {
    const len = Math.min(chunk.length, pos);
    pos -= len;
    readSync(fd, chunk, 0, len, pos);
    const nl = chunk.subarray(0, len).lastIndexOf(0x0a);
    if (nl >= 0) return torn + (len - nl - 1);
    torn += len;
  }
  return torn;
}

/**
 * Appends whole lines to an append-only JSON-lines log, durably. A torn last line
 * (a crash mid-append) is sealed: a newline ends it and a `torn-line-sealed` record
 * says so, so the new record is never glued onto the broken one.
 */
export async function appendRecords(
  path: string,
  lockPath: string,
  records: readonly object[],
  ctx: { now: () => number; cycle: string | null },
): Promise<AppendResult> {
  if (records.length === 0) return { sealedTornBytes: null };
  const lock = await acquireLock(lockPath, { purpose: "append", now: ctx.now, waitMs: 10_000 });
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(path, "a+", 0o644);
    try {
      const torn = tornTailLength(fd);
      let out = "";
      if (torn > 0) {
        const t = ctx.now();
        out += "\n" + JSON.stringify({ at: epochSec(t), iso: isoSec(t), kind: "torn-line-sealed", cycle: ctx.cycle, tornBytes: torn }) + "\n";
      }
      for (const r of records) out += JSON.stringify(r) + "\n";
      writeAll(fd, Buffer.from(out, "utf8"));
      fsyncSync(fd);
      return { sealedTornBytes: torn > 0 ? torn : null };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if (err instanceof WkError) throw err;
    throw new WkError("IO", `${path}: cannot append (${errno(err) ?? messageOf(err)})`, { cause: err });
  } finally {
    lock.release();
  }
}
