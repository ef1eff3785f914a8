import { hostname } from "node:os";
import { acquireLock } from "./lock.js";
import { atomicWriteFile, createExclusive } from "./fsx.js";
import { describeCircuit, readCircuit, type CircuitState } from "./state.js";
import { recordEvent, type Head } from "./journal.js";
import type { Circuit } from "./schemas.js";
import { markSeen } from "./resume.js";
import { epochSec, isoSec } from "./time.js";

export interface TripRequest {
  reason: string;
  by: string;
  now: () => number;
  /** Fields for circuit.json and the trip record both. */
  extra?: Record<string, unknown>;
  /** Fields for the trip record only. */
  record?: Record<string, unknown>;
  /** Told when the trip is on disk but could not be recorded in the decision log. */
  onRecordError: (err: unknown) => void;
}

export interface TripPaths {
  circuit: string;
  circuitLock: string;
  decisions: string;
  decisionsLock: string;
}

export type TripResult =
  | { tripped: true; circuit: Circuit; /** The log's head after the trip record, for the alert. */ head: Head | null }
  | { tripped: false; existing: CircuitState & { state: "paused" } };

/**
 * Sets `paused: true`, and only that. A circuit that is already paused, or that
 * cannot be read (which counts as paused), is left exactly as it is: the first
 * cause is kept and the person's file is never overwritten. Every trip that happens
 * is recorded in the decision log, whoever made it, after it is on disk.
 */
export async function tripCircuit(paths: TripPaths, req: TripRequest): Promise<TripResult> {
  const res = await writeTrip(paths.circuit, paths.circuitLock, req);
  if (!res.tripped) return res;
  const head = await recordEvent(paths, req.now, "trip", { by: req.by, reason: req.reason, from: res.from, ...req.extra, ...req.record }, req.onRecordError);
  return { tripped: true, circuit: res.circuit, head };
}

async function writeTrip(
  circuitPath: string,
  lockPath: string,
  req: TripRequest,
): Promise<{ tripped: true; circuit: Circuit; from: string } | { tripped: false; existing: CircuitState & { state: "paused" } }> {
  // Serialises software writers (watchdog, trip command, runner); a person's editor takes no lock,
  // so the file is read again right before the write to keep that window as small as possible.
  const lock = await acquireLock(lockPath, { purpose: "trip", now: req.now, waitMs: 5_000 });
  try {
    const before = readCircuit(circuitPath);
    if (before.state === "paused") return { tripped: false, existing: before };
    const t = req.now();
    const circuit: Circuit = {
      paused: true,
      reason: req.reason,
      since: epochSec(t),
      iso: isoSec(t),
      by: req.by,
      host: hostname(),
      ...req.extra,
    };
    const again = readCircuit(circuitPath);
    if (again.state === "paused") return { tripped: false, existing: again };
    const body = JSON.stringify(circuit, null, 2) + "\n";
    // No file yet (the common case): publish ours only if nobody created one meanwhile,
    // so a person's pause written at the same moment is never replaced by ours.
    if (again.mtimeMs === null && !createExclusive(circuitPath, body)) {
      const theirs = readCircuit(circuitPath);
      if (theirs.state === "paused") return { tripped: false, existing: theirs };
      atomicWriteFile(circuitPath, body);
    } else if (again.mtimeMs !== null) atomicWriteFile(circuitPath, body);
    // We know what we just wrote: a later resume by hand is then seen as one.
    markSeen(circuitPath, readCircuit(circuitPath), req.now);
    return { tripped: true, circuit, from: describeCircuit(before) };
  } finally {
    lock.release();
  }
}
