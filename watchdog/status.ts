import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { isMain, runEntry, type EntryContext } from "./core/cli.js";
import { readCircuit, readHeartbeat, describeCircuit, type CircuitState, type HeartbeatState } from "./core/state.js";
import { pendingFiles } from "./core/outbox.js";
import { resumeCommand } from "./core/messages.js";
import { humanDuration, isoSec } from "./core/time.js";
import { errno } from "./core/errors.js";
import { FUTURE_TOLERANCE_SEC, judgeHeartbeat } from "./decide.js";

/** Nagios plugin convention, so monit, Icinga or a shell `if` can use it. */
export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

export interface StatusSummary {
  code: 0 | 1 | 2 | 3;
  state: "OK" | "WARNING" | "CRITICAL" | "UNKNOWN";
  circuit: { paused: boolean; detail: string; reason?: string; by?: string; since?: number };
  heartbeat: { status: string | null; at: number | null; ageSec: number | null; verdict: string };
  pendingAlerts: number;
  lastDecisions: unknown[];
  resume: string | null;
  problems: string[];
}

/** Pure: the operator's summary and its exit code. */
export function summarize(
  hb: HeartbeatState,
  circuit: CircuitState,
  pendingAlerts: number,
  lastDecisions: unknown[],
  maxAgeSec: number,
  nowMs: number,
  circuitPath: string,
  alertsReady: string | null,
): StatusSummary {
  const problems: string[] = [];
  let code: StatusSummary["code"] = 0;
  const raise = (c: 1 | 2, why: string) => {
    problems.push(why);
    if (c > code) code = c;
  };
  const verdict = judgeHeartbeat(hb, circuit, { maxAgeSec, futureToleranceSec: FUTURE_TOLERANCE_SEC }, nowMs);
  if (circuit.state === "paused") raise(2, describeCircuit(circuit));
  if (!verdict.healthy) raise(2, verdict.detail);
  if (pendingAlerts > 0) raise(1, `${pendingAlerts} alert(s) not yet delivered`);
  if (alertsReady) raise(1, alertsReady);
  const beat = hb.kind === "present" ? hb.heartbeat : null;
  return {
    code,
    state: (["OK", "WARNING", "CRITICAL", "UNKNOWN"] as const)[code],
    circuit: {
      paused: circuit.state === "paused",
      detail: describeCircuit(circuit),
      ...(circuit.state === "paused" && circuit.valid && circuit.circuit.reason !== undefined ? { reason: circuit.circuit.reason } : {}),
      ...(circuit.state === "paused" && circuit.valid && circuit.circuit.by !== undefined ? { by: circuit.circuit.by } : {}),
      ...(circuit.state === "paused" && circuit.valid && circuit.circuit.since !== undefined ? { since: circuit.circuit.since } : {}),
    },
    heartbeat: {
      status: beat?.status ?? null,
      at: beat?.at ?? null,
      ageSec: beat ? Math.round(nowMs / 1000 - beat.at) : null,
      verdict: verdict.healthy ? verdict.note : verdict.detail,
    },
    pendingAlerts,
    lastDecisions,
    resume: circuit.state === "paused" ? resumeCommand(circuitPath) : null,
    problems,
  };
}

/** The last `n` complete lines of a JSON-lines file, read from its tail only. */
export function tailRecords(path: string, n: number): unknown[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if (errno(err) === "ENOENT") return [];
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split("\n");
    if (len < size) lines.shift(); // probably a partial first line
    const out: unknown[] = [];
    for (const l of lines.reverse()) {
      if (out.length >= n) break;
      try {
        out.push(JSON.parse(l));
      } catch {
        // torn or partial line
      }
    }
    return out.reverse();
  } finally {
    closeSync(fd);
  }
}

export function renderStatus(s: StatusSummary, nowMs: number): string {
  const lines = [`watchkeeper ${s.state}`];
  lines.push(`  circuit:   ${s.circuit.detail}${s.circuit.since ? ` since ${isoSec(s.circuit.since * 1000)} (${humanDuration(nowMs / 1000 - s.circuit.since)})` : ""}`);
  lines.push(`  heartbeat: ${s.heartbeat.status ?? "none"}${s.heartbeat.ageSec !== null ? `, ${humanDuration(s.heartbeat.ageSec)} old` : ""}: ${s.heartbeat.verdict}`);
  lines.push(`  alerts:    ${s.pendingAlerts} waiting in the outbox`);
  if (s.lastDecisions.length) {
    lines.push("  last decisions:");
    for (const d of s.lastDecisions) {
      const r = d as Record<string, unknown>;
      lines.push(`    ${String(r.iso ?? "?")} ${String(r.kind ?? "?")} ${[r.action, r.symbol, r.qty !== undefined ? `x${String(r.qty)}` : "", r.price !== undefined ? `@${String(r.price)}` : "", r.reason ?? ""].filter((x) => x !== undefined && x !== "").join(" ")}`);
    }
  }
  for (const p of s.problems) lines.push(`  ! ${p}`);
  if (s.resume) lines.push("", "To resume, after you have checked why:", `  ${s.resume}`);
  return lines.join("\n");
}

export async function statusMain(ctx: EntryContext): Promise<number> {
  const { paths, loaded, now } = ctx;
  const { telegramFromConfig } = await import("./core/telegram.js");
  const channel = telegramFromConfig(loaded.config.telegram, ctx.env);
  const s = summarize(
    readHeartbeat(paths.heartbeat),
    readCircuit(paths.circuit),
    pendingFiles(paths.outbox).length,
    tailRecords(paths.decisions, 5),
    loaded.config.watchdog.maxAgeSec,
    now(),
    paths.circuit,
    channel.notReady,
  );
  process.stdout.write((ctx.args.includes("--json") ? JSON.stringify(s, null, 2) : renderStatus(s, now())) + "\n");
  return s.code;
}

if (isMain(import.meta.url)) void runEntry("status", statusMain);
