import { closeSync, linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { errno, messageOf, WkError } from "./errors.js";
import { LockFile } from "./parse.js";
import type { LockInfo } from "./schemas.js";
import { openInFolder, uniqueSuffix, writeAll } from "./fsx.js";

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === "EPERM";
  }
}

export type LockHolder =
  | { kind: "free" }
  | { kind: "live"; info: LockInfo }
  | { kind: "stale"; info: LockInfo | null; why: string };

/** Garbage in a lock file older than this is treated as left by a crash. */
const UNPARSEABLE_STALE_MS = 10_000;

export function inspectLock(path: string, now: number, host = hostname()): LockHolder {
  let text: string;
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (errno(err) === "ENOENT") return { kind: "free" };
    throw err;
  }
  let info: LockInfo | null = null;
  try {
    const parsed = LockFile.safeParse(JSON.parse(text));
    if (parsed.success) info = parsed.data;
  } catch {
    info = null;
  }
  if (!info) {
    return now - mtimeMs > UNPARSEABLE_STALE_MS
      ? { kind: "stale", info: null, why: "lock file is not valid" }
      : { kind: "live", info: { pid: -1, host: "?", startedAt: Math.floor(mtimeMs / 1000) } };
  }
  if (info.host !== host) return { kind: "live", info }; // cannot probe another machine's pid
  if (!isPidAlive(info.pid)) return { kind: "stale", info, why: `pid ${info.pid} is not running` };
  return { kind: "live", info };
}

export interface Lock {
  readonly path: string;
  readonly info: LockInfo;
  /** Set when a stale lock was taken over. */
  readonly recovered: { why: string; info: LockInfo | null } | null;
  release(): void;
}

/**
 * Locks coordinate live processes, and a power cut ends them all: a lock is published
 * atomically (complete or absent for every reader) but not fsynced. One lost or left
 * empty by a crash is absent or "not valid", and the next taker recovers it as stale.
 * (Two of a cycle's durable operations per lock taken, 8 of 29, went here.)
 */
function tryCreate(path: string, body: string): boolean {
  const tmp = `${path}.${uniqueSuffix()}.new`;
  const fd = openInFolder(tmp, "wx");
  try {
    writeAll(fd, Buffer.from(body, "utf8"));
  } finally {
    closeSync(fd);
  }
  try {
    // link() publishes a complete file atomically and fails if the lock exists.
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (errno(err) === "EEXIST") return false;
    if (["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errno(err) ?? "")) {
      // A file system without hard links: fall back to exclusive create.
      try {
        writeFileSync(path, body, { flag: "wx" });
        return true;
      } catch (e2) {
        if (errno(e2) === "EEXIST") return false;
        throw e2;
      }
    }
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing to clean
    }
  }
}

/** Moves a stale lock aside; returns false if it changed under us (someone else took over). */
function removeStale(path: string, seen: LockHolder & { kind: "stale" }): boolean {
  const aside = `${path}.stale.${uniqueSuffix()}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (errno(err) === "ENOENT") return true;
    throw err;
  }
  let same = true;
  if (seen.info) {
    try {
      const moved = LockFile.safeParse(JSON.parse(readFileSync(aside, "utf8")));
      same = moved.success && moved.data.pid === seen.info.pid && moved.data.startedAt === seen.info.startedAt;
    } catch {
      same = false;
    }
  }
  if (!same) {
    // We moved a fresh lock: put it back rather than steal it.
    try {
      linkSync(aside, path);
    } catch {
      // someone holds it again; theirs wins
    }
  }
  unlinkSync(aside);
  return same;
}

export interface AcquireOptions {
  purpose: string;
  now: () => number;
  cycle?: string;
  /** Keep trying this long while a live process holds the lock. */
  waitMs?: number;
}

/** Takes the lock or throws LOCKED; a lock left by a dead process on this host is taken over. */
export async function acquireLock(path: string, opts: AcquireOptions): Promise<Lock> {
  const info: LockInfo = {
    pid: process.pid,
    host: hostname(),
    startedAt: Math.floor(opts.now() / 1000),
    purpose: opts.purpose,
    ...(opts.cycle !== undefined ? { cycle: opts.cycle } : {}),
  };
  const body = `${JSON.stringify(info)}\n`;
  const deadline = opts.now() + (opts.waitMs ?? 0);
  let recovered: Lock["recovered"] = null;
  for (let attempt = 0; ; attempt++) {
    let created: boolean;
    try {
      created = tryCreate(path, body);
    } catch (err) {
      throw new WkError("IO", `${path}: cannot create lock (${errno(err) ?? messageOf(err)})`, { cause: err });
    }
    if (created) {
      return {
        path,
        info,
        recovered,
        release() {
          try {
            const cur = LockFile.safeParse(JSON.parse(readFileSync(path, "utf8")));
            if (cur.success && cur.data.pid === info.pid && cur.data.startedAt === info.startedAt) unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    }
    const holder = inspectLock(path, opts.now());
    if (holder.kind === "stale") {
      if (removeStale(path, holder)) recovered = { why: holder.why, info: holder.info };
      continue;
    }
    if (holder.kind === "free") continue;
    if (opts.now() >= deadline || attempt > 10_000) {
      const who = holder.info.pid > 0 ? `pid ${holder.info.pid} on ${holder.info.host}` : "a process that is still writing it";
      throw new WkError("LOCKED", `${path} is held by ${who} since ${new Date(holder.info.startedAt * 1000).toISOString()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
