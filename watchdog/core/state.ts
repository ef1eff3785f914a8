import { join } from "node:path";
import { parseJson, readState } from "./fsx.js";
import { CircuitFile, HeartbeatFile, ProgressFile, RemindRecordFile, WatchdogRecordFile, type FileParser } from "./parse.js";
import type {
  Circuit,
  Heartbeat,
  Progress,
  RemindRecord,
  WatchdogRecord,
} from "./schemas.js";

export interface StatePaths {
  heartbeat: string;
  circuit: string;
  outbox: string;
  cycleLock: string;
  outboxLock: string;
  circuitLock: string;
  decisions: string;
  decisionsLock: string;
  progress: string;
  watchdogRecord: string;
  remindRecord: string;
  reports: string;
}

export function statePaths(dataDir: string, memoryDir: string): StatePaths {
  return {
    heartbeat: join(dataDir, "heartbeat.json"),
    circuit: join(dataDir, "circuit.json"),
    outbox: join(dataDir, "outbox"),
    cycleLock: join(dataDir, "cycle.lock"),
    outboxLock: join(dataDir, "outbox.lock"),
    circuitLock: join(dataDir, "circuit.lock"),
    decisions: join(memoryDir, "decisions.jsonl"),
    decisionsLock: join(memoryDir, "decisions.lock"),
    progress: join(dataDir, "progress.json"),
    watchdogRecord: join(dataDir, "watchdog.json"),
    remindRecord: join(dataDir, "remind.json"),
    reports: join(dataDir, "reports"),
  };
}

export type CircuitState =
  | { state: "green"; why: string; mtimeMs: number | null; circuit: Circuit | null }
  | { state: "paused"; valid: true; circuit: Circuit; mtimeMs: number }
  | { state: "paused"; valid: false; why: string; mtimeMs: number | null };

/** Fail closed: only a missing file or a valid object with `paused: false` is green. */
export function interpretCircuit(read: ReturnType<typeof readState>): CircuitState {
  if (read.kind === "missing") return { state: "green", why: "no circuit file", mtimeMs: null, circuit: null };
  if (read.kind === "error") return { state: "paused", valid: false, why: `unreadable (${read.why})`, mtimeMs: null };
  const json = parseJson(read.text);
  if (!json.ok) return { state: "paused", valid: false, why: json.why, mtimeMs: read.mtimeMs };
  const parsed = CircuitFile.safeParse(json.value);
  if (!parsed.success) return { state: "paused", valid: false, why: `invalid (${parsed.why})`, mtimeMs: read.mtimeMs };
  if (parsed.data.paused) return { state: "paused", valid: true, circuit: parsed.data, mtimeMs: read.mtimeMs };
  return { state: "green", why: "paused: false", mtimeMs: read.mtimeMs, circuit: parsed.data };
}

export function readCircuit(path: string): CircuitState {
  return interpretCircuit(readState(path));
}

export type HeartbeatState =
  | { kind: "missing" }
  | { kind: "unreadable"; why: string }
  | { kind: "present"; heartbeat: Heartbeat; mtimeMs: number };

/** Fail closed: anything but a valid heartbeat object is "unreadable", which the watchdog treats as stale. */
export function interpretHeartbeat(read: ReturnType<typeof readState>): HeartbeatState {
  if (read.kind === "missing") return { kind: "missing" };
  if (read.kind === "error") return { kind: "unreadable", why: read.why };
  const json = parseJson(read.text);
  if (!json.ok) return { kind: "unreadable", why: json.why };
  const parsed = HeartbeatFile.safeParse(json.value);
  if (!parsed.success) return { kind: "unreadable", why: `invalid (${parsed.why})` };
  return { kind: "present", heartbeat: parsed.data, mtimeMs: read.mtimeMs };
}

export function readHeartbeat(path: string): HeartbeatState {
  return interpretHeartbeat(readState(path));
}

/** A human-readable one-liner for the circuit, used by logs, status and alerts. */
export function describeCircuit(c: CircuitState): string {
  if (c.state === "green") return `green (${c.why})`;
  if (!c.valid) return `paused: circuit file is ${c.why}`;
  return `paused${c.circuit.by ? ` by ${c.circuit.by}` : ""}: ${c.circuit.reason ?? "no reason given"}`;
}

/** A state file's parsed content when it is present and valid, else null (never throws). */
function readValid<T>(path: string, schema: FileParser<T>): T | null {
  const r = readState(path);
  if (r.kind !== "text") return null;
  const j = parseJson(r.text);
  if (!j.ok) return null;
  const p = schema.safeParse(j.value);
  return p.success ? p.data : null;
}

/** progress.json, or null when missing or invalid (a stall is then judged from the lock's start). */
export function readProgress(path: string): Progress | null {
  return readValid(path, ProgressFile);
}

export function readWatchdogRecord(path: string): WatchdogRecord | null {
  return readValid(path, WatchdogRecordFile);
}

export function readRemindRecord(path: string): RemindRecord | null {
  return readValid(path, RemindRecordFile);
}
