import { readFileSync, statSync } from "node:fs";
import { join, dirname } from "node:path";
import { userInfo } from "node:os";
import { atomicWriteFile, parseJson, readState } from "./fsx.js";
import { recordEvent } from "./journal.js";
import { isoSec } from "./time.js";
import { readCircuit, type CircuitState } from "./state.js";
import { acquireLock } from "./lock.js";
import type { Logger } from "./log.js";

function ownerOf(path: string): string {
  try {
    const uid = statSync(path).uid;
    if (uid === process.getuid?.()) return userInfo().username;
    // Map a uid to a name without a native module: /etc/passwd where there is one.
    const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.split(":")[2] === String(uid));
    return line ? line.split(":")[0]! : `uid ${uid}`;
  } catch {
    return "unknown";
  }
}

const OUR_WRITERS = /^(watchdog|risk|manual:|telegram:)/;

interface Seen {
  paused?: boolean;
  reason?: string;
  mtimeMs?: number | null;
}

function readSeen(seenPath: string): Seen | null {
  const read = readState(seenPath);
  const seen = read.kind === "text" ? parseJson(read.text) : null;
  return seen?.ok ? (seen.value as Seen) : null;
}

const unchanged = (before: Seen | null, c: CircuitState) => before !== null && before.paused === (c.state === "paused") && before.mtimeMs === c.mtimeMs;

/**
 * Notices what people do to the circuit file, for the audit trail: a resume (paused
 * before, green now) and a pause made by editing the file. Software never clears a
 * pause, so a resume is always a person: the file's owner and time are recorded.
 * `circuit` is what the caller just read; when it matches what was seen last (nearly
 * every run) nothing is locked or written.
 */
export async function noticeCircuitChanges(
  paths: { circuit: string; circuitLock: string; decisions: string; decisionsLock: string },
  circuit: CircuitState,
  now: () => number,
  log: Logger,
): Promise<void> {
  const seenPath = join(dirname(paths.circuit), "circuit-seen.json");
  if (unchanged(readSeen(seenPath), circuit)) return;
  // Two observers at once (a cycle and the watchdog) must not both record one resume:
  // under the lock, read both files again and decide on those.
  let lock;
  try {
    lock = await acquireLock(paths.circuitLock, { purpose: "notice", now, waitMs: 5_000 });
  } catch {
    return;
  }
  try {
    await notice(paths, seenPath, readCircuit(paths.circuit), now, log);
  } finally {
    lock.release();
  }
}

async function notice(
  paths: { circuit: string; decisions: string; decisionsLock: string },
  seenPath: string,
  circuit: CircuitState,
  now: () => number,
  log: Logger,
): Promise<void> {
  const before = readSeen(seenPath);
  const paused = circuit.state === "paused";
  const mtimeMs = circuit.mtimeMs;
  if (unchanged(before, circuit)) return;
  const onError = (err: unknown) => log.error({ err: String(err) }, "could not record a circuit change in the decision log");
  if (before?.paused && !paused) {
    const by = circuit.mtimeMs !== null ? ownerOf(paths.circuit) : "unknown (the file was removed)";
    log.error({ by, at: mtimeMs === null ? null : isoSec(mtimeMs) }, `circuit RESUMED by ${by}`);
    await recordEvent(paths, now, "resume", { by, fileModified: mtimeMs === null ? null : isoSec(mtimeMs), previousReason: before.reason ?? null }, onError);
  } else if (before && !before.paused && paused) {
    const c = circuit.valid ? circuit.circuit : null;
    if (!c || !OUR_WRITERS.test(c.by ?? "")) {
      const by = ownerOf(paths.circuit);
      await recordEvent(paths, now, "pause-noticed", { by, reason: c?.reason ?? (circuit.valid ? null : circuit.why), fileModified: mtimeMs === null ? null : isoSec(mtimeMs) }, onError);
    }
  }
  try {
    markSeen(paths.circuit, circuit, now);
  } catch (err) {
    onError(err);
  }
}

/** Records the circuit state an observer saw last (data/circuit-seen.json). */
export function markSeen(circuitPath: string, circuit: CircuitState, now: () => number): void {
  const reason = circuit.state === "paused" ? (circuit.valid ? circuit.circuit.reason : circuit.why) : undefined;
  atomicWriteFile(join(dirname(circuitPath), "circuit-seen.json"), JSON.stringify({ paused: circuit.state === "paused", mtimeMs: circuit.mtimeMs, reason, at: isoSec(now()) }) + "\n");
}
