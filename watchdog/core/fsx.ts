import { closeSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { errno, messageOf, WkError } from "./errors.js";

/** Temp files this process has open, so a SIGTERM handler can remove them. */
export const liveTempFiles = new Set<string>();

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch (err) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR); the rename itself has happened.
    if (!["EINVAL", "EISDIR", "EPERM", "EBADF"].includes(errno(err) ?? "")) throw err;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

let tempCounter = 0;
/** Unique among live processes (pid, then a per-process counter); the random part covers a reused pid's leftovers. */
export function uniqueSuffix(): string {
  return `${process.pid}.${(++tempCounter).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * openSync that makes the file's folder when, and only when, it is missing: the folders
 * exist on every run but the first, so asking mkdir first would cost every write,
 * append and lock a syscall for nothing.
 */
export function openInFolder(path: string, flags: string, mode = 0o644): number {
  try {
    return openSync(path, flags, mode);
  } catch (err) {
    if (errno(err) !== "ENOENT") throw err;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, flags, mode);
  }
}

/**
 * Writes `data` to a fresh temp file beside `path` and fsyncs it, then hands the temp
 * name to `publish`, which calls `consumed()` once a rename has taken the file away; the
 * temp file is always gone afterwards and any failure is an IO error naming `path`.
 */
function viaTemp<T>(path: string, data: string, publish: (tmp: string, dir: string, consumed: () => void) => T): T {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${uniqueSuffix()}.tmp`);
  liveTempFiles.add(tmp);
  let gone = false;
  try {
    const fd = openInFolder(tmp, "wx");
    try {
      writeAll(fd, Buffer.from(data, "utf8"));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return publish(tmp, dir, () => (gone = true));
  } catch (err) {
    throw new WkError("IO", `${path}: cannot write (${errno(err) ?? messageOf(err)})`, { cause: err });
  } finally {
    if (!gone) {
      try {
        unlinkSync(tmp);
      } catch {
        // never created
      }
    }
    liveTempFiles.delete(tmp);
  }
}

/**
 * Replaces `path` so that a reader sees either the old or the new content, never
 * a mix, and so the new content survives a power cut once this returns:
 * temp file in the same folder, fsync, rename over the target, fsync the folder.
 */
export function atomicWriteFile(path: string, data: string): void {
  viaTemp(path, data, (tmp, dir, consumed) => {
    renameSync(tmp, path);
    consumed();
    fsyncDir(dir);
  });
}

/**
 * Publishes a complete file at `path` only if none exists: temp file, fsync, link()
 * (which fails if the name is taken), fsync of the folder. False when it existed.
 */
export function createExclusive(path: string, data: string): boolean {
  return viaTemp(path, data, (tmp, dir, consumed) => {
    try {
      linkSync(tmp, path);
    } catch (err) {
      if (errno(err) === "EEXIST") return false;
      // No hard links on this file system: a rename is the next best.
      if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errno(err) ?? "")) throw err;
      renameSync(tmp, path);
      consumed();
    }
    fsyncDir(dir);
    return true;
  });
}

export function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

export type ReadResult =
  | { kind: "missing" }
  | { kind: "error"; why: string }
  | { kind: "text"; text: string; mtimeMs: number };

/** Reads a small state file without throwing: the caller decides what "unreadable" means. */
export function readState(path: string): ReadResult {
  try {
    const st = statSync(path);
    if (!st.isFile()) return { kind: "error", why: "not a regular file" };
    const text = readFileSync(path, "utf8");
    return { kind: "text", text, mtimeMs: st.mtimeMs };
  } catch (err) {
    if (errno(err) === "ENOENT") {
      // A link that points nowhere is not "no file": someone meant something by it.
      try {
        if (lstatSync(path).isSymbolicLink()) return { kind: "error", why: "broken symbolic link" };
      } catch {
        // really missing
      }
      return { kind: "missing" };
    }
    return { kind: "error", why: errno(err) ?? messageOf(err) };
  }
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; why: string } {
  const clean = text.replace(/^\uFEFF/, "");
  if (clean.trim() === "") return { ok: false, why: "empty file" };
  try {
    return { ok: true, value: JSON.parse(clean) };
  } catch (err) {
    return { ok: false, why: `not valid JSON (${messageOf(err)})` };
  }
}

export function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if (errno(err) !== "ENOENT") throw err;
  }
}
