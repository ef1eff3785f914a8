import { hostname } from "node:os";
import { acquireLock } from "./lock.js";
import { atomicWriteFile, createExclusive } from "./fsx.js";
import { readCircuit, type CircuitState } from "./state.js";
import type { Circuit } from "./schemas.js";
import { markSeen } from "./resume.js";
import { epochSec, isoSec } from "./time.js";

export interface TripRequest {
  reason: string;
  by: string;
  now: () => number;
  extra?: Record<string, unknown>;
}

export type TripResult =
  | { tripped: true; circuit: Circuit }
  | { tripped: false; existing: CircuitState & { state: "paused" } };

/**
 * Sets `paused: true`, and only that. A circuit that is already paused, or that
 * cannot be read (which counts as paused), is left exactly as it is: the first
 * cause is kept and the person's file is never overwritten.
 */
export async function tripCircuit(circuitPath: string, lockPath: string, req: TripRequest): Promise<TripResult> {
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
    return { tripped: true, circuit };
  } finally {
    lock.release();
  }
}
