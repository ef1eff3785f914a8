import { closeSync, fstatSync, fsyncSync, openSync, readSync } from "node:fs";
import { crypto } from "./lazy.js";
import { acquireLock } from "./lock.js";
import { errno, messageOf, WkError } from "./errors.js";
import { openInFolder, writeAll } from "./fsx.js";
import { epochSec, isoSec } from "./time.js";

/** `prev` of the very first record. */
export const GENESIS = "0".repeat(64);

export function sha256(bytes: Buffer | string): string {
  // The one-shot form (Node >= 20.12) allocates no Hash object: verify calls this per line.
  const c = crypto();
  return typeof c.hash === "function" ? c.hash("sha256", bytes, "hex") : c.createHash("sha256").update(bytes).digest("hex");
}

export interface AppendResult {
  /** Set when the file ended in a torn line that this append sealed. */
  sealedTornBytes: number | null;
  head: Head;
}

/** The newest record: its sequence number and the SHA-256 of its line's bytes. */
export interface Head {
  seq: number;
  hash: string;
}

export function formatHead(h: Head): string {
  return `${h.seq}:${h.hash.slice(0, 16)}`;
}

interface Tail {
  /** Bytes after the last newline: a torn line, or empty. */
  torn: Buffer;
  /** The last complete line (no newline), or null for an empty file. */
  lastLine: Buffer | null;
}

/** Reads backwards from the end until it has the last complete line and any torn tail. */
function readTail(fd: number): Tail {
  const size = fstatSync(fd).size;
  if (size === 0) return { torn: Buffer.alloc(0), lastLine: null };
  const chunks: Buffer[] = [];
  let pos = size;
  let buf = Buffer.alloc(0);
  for (;;) {
    const len = Math.min(64 * 1024, pos);
    pos -= len;
    const chunk = Buffer.alloc(len);
    readSync(fd, chunk, 0, len, pos);
    chunks.unshift(chunk);
    buf = Buffer.concat(chunks);
    const lastNl = buf.lastIndexOf(0x0a);
    if (lastNl >= 0) {
      const prevNl = buf.lastIndexOf(0x0a, lastNl - 1);
      if (prevNl >= 0 || pos === 0) return { torn: buf.subarray(lastNl + 1), lastLine: buf.subarray(prevNl + 1, lastNl) };
    }
    if (pos === 0) return { torn: buf, lastLine: null };
  }
}

function seqOf(line: Buffer | null): number {
  if (!line) return 0;
  try {
    const r = JSON.parse(line.toString("utf8")) as { seq?: unknown };
    return typeof r.seq === "number" ? r.seq : 0;
  } catch {
    return 0;
  }
}

/** The head of a log, or null when it has no complete record. */
export function readHead(path: string): Head | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return null;
    throw err;
  }
  try {
    const t = readTail(fd);
    return t.lastLine ? { seq: seqOf(t.lastLine), hash: sha256(t.lastLine) } : null;
  } finally {
    closeSync(fd);
  }
}

/** When the log began (its first record's `at`, in ms), or null when there is none to read. */
export function readFirstAt(path: string): number | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const end = buf.subarray(0, n).indexOf(0x0a);
    if (end < 0) return null;
    const first: unknown = JSON.parse(buf.subarray(0, end).toString("utf8"));
    const at = typeof first === "object" && first !== null ? (first as { at?: unknown }).at : undefined;
    return typeof at === "number" && Number.isFinite(at) ? at * 1000 : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends records to the append-only, hash-chained JSON-lines log, durably. Each
 * record gets `seq` (one more than the last) and `prev` (the SHA-256 of the previous
 * line's exact bytes), so an edit, a deletion or a reordering shows. A torn last line
 * (a crash mid-append) is sealed: a newline ends it and a `torn-line-sealed` record,
 * chained to the torn bytes, says so; a record is never glued onto a broken one.
 * Writers in different processes take turns through a lock.
 */
export async function appendRecords(
  path: string,
  lockPath: string,
  records: readonly object[],
  ctx: { now: () => number; cycle: string | null },
): Promise<AppendResult> {
  const lock = await acquireLock(lockPath, { purpose: "append", now: ctx.now, waitMs: 10_000 });
  try {
    const fd = openInFolder(path, "a+");
    try {
      const tail = readTail(fd);
      let seq = seqOf(tail.lastLine);
      let prev = tail.lastLine ? sha256(tail.lastLine) : GENESIS;
      const lines: string[] = [];
      const add = (r: object) => {
        seq++;
        // Our seq and prev win over any same-named field a strategy put in its record.
        const line = JSON.stringify(Object.assign({ seq }, r, { seq, prev }));
        lines.push(line);
        prev = sha256(line);
      };
      if (tail.torn.length > 0) {
        // The seal chains to the torn bytes (prev) and to the last whole record before
        // them (prevRecord), so the chain has no gap a rewrite could hide in.
        const prevRecord = prev;
        prev = sha256(tail.torn);
        const t = ctx.now();
        add({ at: epochSec(t), iso: isoSec(t), kind: "torn-line-sealed", cycle: ctx.cycle, tornBytes: tail.torn.length, prevRecord });
      }
      for (const r of records) add(r);
      if (lines.length > 0) {
        writeAll(fd, Buffer.from((tail.torn.length > 0 ? "\n" : "") + lines.join("\n") + "\n", "utf8"));
        fsyncSync(fd);
      }
      return { sealedTornBytes: tail.torn.length > 0 ? tail.torn.length : null, head: { seq, hash: prev } };
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

/** Records one event; never throws (the safety action it records has already happened). */
export async function recordEvent(
  paths: { decisions: string; decisionsLock: string },
  now: () => number,
  kind: string,
  fields: Record<string, unknown>,
  onError: (err: unknown) => void,
): Promise<Head | null> {
  const t = now();
  try {
    const r = await appendRecords(paths.decisions, paths.decisionsLock, [{ at: epochSec(t), iso: isoSec(t), kind, cycle: null, ...fields }], { now, cycle: null });
    return r.head;
  } catch (err) {
    onError(err);
    return null;
  }
}
